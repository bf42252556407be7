import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SightlineError } from '../errors.ts';
import { readinessProblems } from '../health/readiness.ts';
import { healthResponse, readinessResponse } from '../protocol/http.ts';
import { refusals } from './openapi.ts';
import type { MediaPlane } from '../../server/media-plane.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Config } from '../config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { NodeState } from '../node-state.ts';
import type { Store } from '../state/store.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface HealthRoutesDeps {
  audit: Auditor;
  config: Config;
  media: MediaPlane;
  metrics: Metrics;
  nodeState: NodeState;
  nodeId: string;
  store: Store;
}

export const healthRoutes: FastifyPluginAsyncZod<{ deps: HealthRoutesDeps }> = async (app, { deps }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: healthResponse } } }, async () => ({ ok: true as const, node: deps.nodeId }));

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
      const token = deps.config.METRICS_TOKEN;
      if (token && request.headers.authorization !== `Bearer ${token}`) throw new SightlineError('NOT_AUTHENTICATED');
      const { contentType, body } = await deps.metrics.render();
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
      const media = deps.media.stats();
      const problems = await readinessProblems({
        draining: deps.nodeState.draining,
        mediaClosed: deps.media.closed,
        workers: media.workers,
        store: deps.store,
        storeKind: deps.config.REDIS_URL ? 'redis' : 'memory',
        audit: deps.audit.log,
      });
      reply.code(problems.length === 0 ? 200 : 503);
      return { ready: problems.length === 0, problems, draining: deps.nodeState.draining, media };
    },
  );
};
