// What the home page shows before anyone signs in: the demo accounts, only while the demo seed is loaded.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { siteInfo, type SiteInfo } from '../protocol/http.ts';
import type { Services } from '../services.ts';

export const infoRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get('/api/info', { schema: { tags: ['session'], summary: 'What the home page shows before sign-in', response: { 200: siteInfo } } }, async (_request, reply): Promise<SiteInfo> => {
    reply.header('cache-control', 'no-store');
    return { name: 'Sightline', ...(services.demoAccounts ? { demoAccounts: services.demoAccounts } : {}) };
  });
};
