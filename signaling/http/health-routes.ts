import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.ts';

export const healthRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/healthz', async () => ({ ok: true, node: services.nodeId }));
  app.get('/readyz', async (_request, reply) => {
    const ready = !services.draining && !services.media.closed && services.media.stats().workers > 0;
    reply.code(ready ? 200 : 503);
    return { ready, draining: services.draining, media: services.media.stats() };
  });
};
