// What the pages read before anyone signs in: the demo accounts (only while the demo seed is
// loaded), and the tile server the console draws shared locations from.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type DemoAccount, type SiteInfo, siteInfo } from '../protocol/http.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface InfoRoutesDeps {
  demoAccounts: DemoAccount[] | null;
  config: { MAP_TILE_URL: string; MAP_ATTRIBUTION: string };
}

export const infoRoutes: FastifyPluginAsyncZod<{ deps: InfoRoutesDeps }> = async (app, { deps }) => {
  app.get('/api/info', { schema: { tags: ['session'], summary: 'What the home page shows before sign-in', response: { 200: siteInfo } } }, async (_request, reply): Promise<SiteInfo> => {
    reply.header('cache-control', 'no-store');
    const map = deps.config.MAP_TILE_URL ? { tileUrl: deps.config.MAP_TILE_URL, attribution: deps.config.MAP_ATTRIBUTION } : null;
    return { name: 'Sightline', map, ...(deps.demoAccounts ? { demoAccounts: deps.demoAccounts } : {}) };
  });
};
