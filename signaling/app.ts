// The Sightline control plane as a fastify app. Tests build it with `buildApp` and `inject`
// without listening; main.ts is the only code that touches the process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { viewerPages } from './http/viewer-pages.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { SightlineError } from './errors.ts';
import rateLimit from '@fastify/rate-limit';
import { adminRoutes } from './http/admin-routes.ts';
import { agreementRoutes } from './http/agreement-routes.ts';
import { grantRoutes } from './http/grant-routes.ts';
import { healthRoutes } from './http/health-routes.ts';
import { incidentRoutes } from './http/incident-routes.ts';
import { infoRoutes } from './http/info-routes.ts';
import { answerLinked } from './http/recording-holder.ts';
import { recordingHoldRoutes } from './http/recording-hold-routes.ts';
import { recordingPlayRoutes } from './http/recording-play-routes.ts';
import { recordingRoutes } from './http/recording-routes.ts';
import { passkeyRoutes } from './http/passkey-routes.ts';
import { sessionRoutes } from './http/session-routes.ts';
import { sharedRateLimitStore } from './http/shared-rate-limit-store.ts';
import { auditRoutes } from './http/audit-routes.ts';
import { errorReply } from './http/error-reply.ts';
import { registerOpenApi, requestValidator, responseSerializer, schemaError } from './http/openapi.ts';
import { httpMediaRoutes } from './http-media/http-media-routes.ts';
import type { RelayNode } from './relay-node.ts';
import { attachSignaling } from './ws/signaling-socket.ts';

export const CLIENT_DIST = fileURLToPath(new URL('../client/dist', import.meta.url));

export interface AppOptions {
  /** This node's parts (relay-node.ts); each route module and the signalling endpoint takes what it declares. */
  node: RelayNode;
  logger?: FastifyBaseLogger;
  /** Serve the built browser client (client/dist). */
  servePages?: boolean;
  /** PEM certificate chain and key: serve HTTPS and WSS on the same port. */
  tls?: { cert: Buffer; key: Buffer };
  /** Called with every route as it is registered (tests check the OpenAPI description covers them). */
  onRoute?: (route: RouteOptions) => void;
}

export interface SightlineApp {
  app: FastifyInstance;
  /** Stop taking new work; readiness fails from now on. */
  startDraining(): void;
  connectionCount(): number;
}

export async function buildApp({ node, logger, servePages = true, tls, onRoute }: AppOptions): Promise<SightlineApp> {
  // An HTTPS fastify differs from the plain one only in its server's type; routes and the
  // WebSocket upgrade are the same.
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    bodyLimit: node.config.HTTP_BODY_LIMIT_BYTES,
    // Only these peers' X-Forwarded-For is believed (none unless TRUST_PROXY is set).
    trustProxy: node.config.TRUST_PROXY?.length ? node.config.TRUST_PROXY : false,
    // A request that fails its route's schema is refused like any other: 400 BAD_REQUEST.
    schemaErrorFormatter: schemaError,
  }) as unknown as FastifyInstance;
  if (onRoute) app.addHook('onRoute', onRoute);
  // Route schemas are zod schemas from signaling/protocol/ (http/openapi.ts).
  app.setValidatorCompiler(requestValidator);
  app.setSerializerCompiler(responseSerializer);

  app.setErrorHandler((error, request, reply) => {
    const { status, error: failure, log } = errorReply(error);
    if (log === 'error') request.log.error({ err: error }, 'request failed');
    else if (log === 'warn') request.log.warn({ err: error }, 'media server refused a request');
    return reply.code(status).send({ error: failure.toJSON() });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: new SightlineError('NOT_FOUND').toJSON() }));

  // Map tiles come from the configured tile server (the agency's GIS); nothing else from elsewhere.
  const tiles = node.config.MAP_TILE_URL ? ` ${new URL(node.config.MAP_TILE_URL.replace(/[{}]/g, '')).origin}` : '';
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:${tiles}; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', csp);
    return payload;
  });

  // Per-route limits (sign-in, token minting) opt in through route config; the rest is unlimited here.
  await app.register(rateLimit, {
    global: false,
    // Counted in the shared store: one limit per address across every node on the same Redis.
    store: sharedRateLimitStore(node.store.counters),
    // Thrown by the plugin, so the error handler answers it like every other refusal.
    errorResponseBuilder: (_request, context) =>
      new SightlineError('RATE_LIMITED', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s.`) as unknown as object,
  });
  // Before the routes: @fastify/swagger collects them as they are registered.
  await registerOpenApi(app);
  await app.register(healthRoutes, { deps: node });
  await app.register(infoRoutes, { deps: node });
  await app.register(sessionRoutes, { deps: node });
  await app.register(passkeyRoutes, { deps: node });
  await app.register(auditRoutes, { deps: node });
  await app.register(incidentRoutes, { deps: node });
  await app.register(grantRoutes, { deps: node });
  await app.register(agreementRoutes, { deps: node });
  await app.register(adminRoutes, { deps: node });
  await app.register(recordingRoutes, { deps: node });
  await app.register(recordingHoldRoutes, { deps: node });
  await app.register(recordingPlayRoutes, { deps: node });
  await app.register(httpMediaRoutes, { deps: node });
  if (servePages && existsSync(CLIENT_DIST)) {
    await app.register(viewerPages, { root: CLIENT_DIST, capabilities: () => node.media.rtpCapabilities });
    await app.register(fastifyStatic, { root: CLIENT_DIST, index: ['index.html'] });
  }
  // Requests for a recording held on this node, handed over by another (http/recording-holder.ts).
  node.cluster.serveHttpWith(answerLinked(app));
  const signaling = attachSignaling(app, node);
  app.addHook('onClose', async () => node.close());

  return {
    app,
    startDraining: () => node.nodeState.startDraining(),
    connectionCount: () => signaling.connections.size,
  };
}

export const clientDistExists = (): boolean => existsSync(join(CLIENT_DIST, 'index.html'));
