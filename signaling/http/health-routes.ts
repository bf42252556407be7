import type { FastifyPluginAsync } from 'fastify';
import { SightlineError } from '../errors.ts';
import { readinessProblems } from '../health/readiness.ts';
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
  /** 503 with the reasons while the node drains, has no media worker, or cannot write Redis or the audit store. */
  app.get('/readyz', async (_request, reply) => {
    const media = services.media.stats();
    const problems = await readinessProblems({
      draining: services.draining,
      mediaClosed: services.media.closed,
      workers: media.workers,
      store: services.store,
      storeKind: services.config.REDIS_URL ? 'redis' : 'memory',
      audit: services.audit.log,
    });
    reply.code(problems.length === 0 ? 200 : 503);
    return { ready: problems.length === 0, problems, draining: services.draining, media };
  });
};
