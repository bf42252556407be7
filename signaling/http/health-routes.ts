import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SightlineError } from '../errors.ts';
import { readinessProblems } from '../health/readiness.ts';
import { healthResponse, readinessResponse } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { refusals } from './openapi.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: healthResponse } } }, async () => ({ ok: true as const, node: services.nodeId }));

  /** Prometheus scrape endpoint; with METRICS_TOKEN set it needs `Authorization: Bearer <token>`. */
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics',
        description: 'With METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`.',
        security: [{}, { metricsToken: [] }],
        response: {
          200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
          ...refusals,
        },
      },
    },
    async (request, reply) => {
      const token = services.config.METRICS_TOKEN;
      if (token && request.headers.authorization !== `Bearer ${token}`) throw new SightlineError('NOT_AUTHENTICATED');
      const { contentType, body } = await services.metrics.render();
      return reply.type(contentType).send(body);
    },
  );

  /** 503 with the reasons while the node drains, has no media worker, or cannot write Redis or the audit store. */
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: 503 with the reasons while draining or missing a dependency',
        response: { 200: readinessResponse.describe('ready'), 503: readinessResponse.describe('not ready: see problems') },
      },
    },
    async (_request, reply) => {
      const media = services.media.stats();
      const problems = await readinessProblems({
        draining: services.node.draining,
        mediaClosed: services.media.closed,
        workers: media.workers,
        store: services.store,
        storeKind: services.config.REDIS_URL ? 'redis' : 'memory',
        audit: services.audit.log,
      });
      reply.code(problems.length === 0 ? 200 : 503);
      return { ready: problems.length === 0, problems, draining: services.node.draining, media };
    },
  );
};
