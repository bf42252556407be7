// What the home page shows before anyone signs in: the demo accounts, only while the demo seed is loaded.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type DemoAccount, type SiteInfo, siteInfo } from '../protocol/http.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface InfoRoutesDeps {
  demoAccounts: DemoAccount[] | null;
}

export const infoRoutes: FastifyPluginAsyncZod<{ deps: InfoRoutesDeps }> = async (app, { deps }) => {
  app.get('/api/info', { schema: { tags: ['session'], summary: 'What the home page shows before sign-in', response: { 200: siteInfo } } }, async (_request, reply): Promise<SiteInfo> => {
    reply.header('cache-control', 'no-store');
    return { name: 'Sightline', ...(deps.demoAccounts ? { demoAccounts: deps.demoAccounts } : {}) };
  });
};
