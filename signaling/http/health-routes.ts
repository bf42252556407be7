import type { FastifyPluginAsync } from 'fastify';
import { SightlineError } from '../errors.ts';
import type { Services } from '../services.ts';

export const healthRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/healthz', async () => ({ ok: true, node: services.nodeId }));
  /** Prometheus scrape endpoint; with METRICS_TOKEN set it needs `Authorization: Bearer <token>`. */
  app.get('/metrics', async (request, reply) => {
    const token = services.config.METRICS_TOKEN;
    if (token && request.headers.authorization !== `Bearer ${token}`) throw new SightlineError('NOT_AUTHENTICATED');
    const { contentType, body } = await services.metrics.render();
    return reply.type(contentType).send(body);
  });
  app.get('/readyz', async (_request, reply) => {
    const ready = !services.draining && !services.media.closed && services.media.stats().workers > 0;
    reply.code(ready ? 200 : 503);
    return { ready, draining: services.draining, media: services.media.stats() };
  });
};
