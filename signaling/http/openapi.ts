// The HTTP API describes itself: every route declares its parameters, body and responses with the
// zod schemas of signaling/protocol/, fastify validates requests with them
// (fastify-type-provider-zod), and @fastify/swagger turns them into the OpenAPI 3 document served
// at /api/openapi.json, with Swagger UI (its own bundled files, nothing fetched from elsewhere)
// at /api/docs.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { $ZodType } from 'zod/v4/core';
import { SightlineError } from '../errors.ts';
import { errorBody } from '../protocol/http.ts';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PREFIX = '/api/docs';

/** Any refusal: `{ error: { code, message } }` with a code from error-codes.ts. */
export const refusals = {
  '4xx': errorBody.describe('refused: `{ error: { code, message } }`, the code from the protocol error codes'),
  '5xx': errorBody.describe('failed: INTERNAL, AUDIT_UNAVAILABLE, MEDIA_ERROR, …'),
} as const;

/** Routes that need a signed-in session (`POST /api/session`) send it as a bearer token. */
export const SESSION = [{ session: [] }];

/**
 * Requests are validated by their route's zod schema. Responses are typed against theirs when the
 * code is compiled and written with JSON.stringify: checking every answer again at run time would
 * cost each request and could turn a good answer into a 500.
 */
export const requestValidator: FastifySchemaCompiler<z.ZodType> = validatorCompiler;
export const responseSerializer: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/**
 * A failed schema answers as the handlers' own checks did: 400 BAD_REQUEST, the first problem
 * and where it is (`body.username`, `query.limit`, …).
 */
export function schemaError(errors: ReadonlyArray<{ instancePath?: string; message?: string; params?: unknown }>, dataVar: string): Error {
  const first = errors[0];
  const issue = (first?.params as { issue?: { path?: PropertyKey[] } } | undefined)?.issue;
  const path = issue?.path?.map(String) ?? (first?.instancePath ?? '').split('/').filter(Boolean);
  const where = [dataVar === 'querystring' ? 'query' : dataVar, ...path].join('.');
  return new SightlineError('BAD_REQUEST', `${first?.message ?? 'invalid request'} at ${where}`);
}

type DeclaredResponse = { description?: string; headers?: Record<string, unknown>; content?: unknown };
const isBareResponse = (response: unknown): response is DeclaredResponse =>
  typeof response === 'object' && response !== null && !(response instanceof $ZodType) && !('content' in response);

/**
 * The zod transform of fastify-type-provider-zod turns a route's zod schemas into JSON Schema and
 * keeps a response's description and content. The response headers a route declares (Location,
 * ETag, Allow, … on WHIP/WHEP) are carried over here, and a response without a body
 * (`{ description, headers }`) is described as one. A wildcard path (`/whip/*`) is written as
 * the template `/whip/{path}`.
 */
const transform: typeof jsonSchemaTransform = (input) => {
  const declared = ((input.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {}) as Record<string, unknown>;
  const withBody = Object.fromEntries(Object.entries(declared).filter(([, response]) => !isBareResponse(response)));
  const schema = input.schema && { ...input.schema, ...(input.schema.response ? { response: withBody } : {}) };
  const output = jsonSchemaTransform({ ...input, schema });
  const responses = (output.schema as { response?: Record<string, Record<string, unknown>> } | undefined)?.response;
  for (const [code, response] of Object.entries(declared)) {
    if (!responses) break;
    if (isBareResponse(response)) responses[code] = { type: 'null', description: response.description, headers: response.headers };
    else if (typeof response === 'object' && response !== null && 'headers' in response && responses[code]) responses[code].headers = (response as DeclaredResponse).headers;
  }
  if (output.url.endsWith('/*')) {
    const described = output.schema as Record<string, unknown>;
    described.params = { type: 'object', properties: { path: { type: 'string', description: 'any path' } }, required: ['path'] };
    return { ...output, url: `${output.url.slice(0, -1)}{path}` };
  }
  return output;
};

/** The version of the HTTP API this document describes (not the relay's release). */
const API_VERSION = '1';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sightline',
        version: API_VERSION,
        description:
          'Control plane of the Sightline body-camera relay: sign-in, live incidents, grants, sharing agreements, administration, audit, WHIP ingest and WHEP playback. ' +
          'Every refusal is `{ error: { code, message } }` with a stable code. The signalling WebSocket (`/ws`) speaks the zod protocol of signaling/protocol/messages.ts and is not described here.',
      },
      components: {
        securitySchemes: {
          session: { type: 'http', scheme: 'bearer', description: 'the token of `POST /api/session` (or `/api/session/device`, `/api/session/oidc`)' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the relay sets one' },
          deviceKey: { type: 'http', scheme: 'bearer', description: 'a camera\'s static credential `<deviceId>:<key>` (WHIP only)' },
          viewingToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "a clinician's viewing token (WHEP)" },
        },
      },
      tags: [
        { name: 'session', description: 'sign-in and sign-out' },
        { name: 'incidents', description: 'live incidents and the grants on them' },
        { name: 'grants', description: 'extend, revoke, inbox, links, "watch me"' },
        { name: 'agreements', description: 'sharing agreements between agencies' },
        { name: 'admin', description: 'the directory: agencies, users, cameras' },
        { name: 'audit', description: 'the audit trail and access reports' },
        { name: 'media', description: 'WHIP ingest and WHEP playback (RFC 9725), SDP bodies' },
        { name: 'health', description: 'liveness, readiness, metrics, this description' },
      ],
    },
    transform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { deepLinking: true } });

  app.withTypeProvider<ZodTypeProvider>().get(
    OPENAPI_PATH,
    {
      schema: {
        tags: ['health'],
        summary: 'This OpenAPI 3 description of the HTTP API',
        response: { 200: z.record(z.string(), z.unknown()).describe('an OpenAPI 3.1 document') },
      },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
}
