// What the home page shows before anyone signs in: the demo accounts, only while the demo seed is loaded.
import type { FastifyPluginAsync } from 'fastify';
import type { SiteInfo } from '../protocol/http.ts';
import type { Services } from '../services.ts';

export const infoRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/api/info', async (_request, reply): Promise<SiteInfo> => {
    reply.header('cache-control', 'no-store');
    return { name: 'Sightline', ...(services.demoAccounts ? { demoAccounts: services.demoAccounts } : {}) };
  });
};
