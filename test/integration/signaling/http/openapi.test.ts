// The OpenAPI description covers every route the relay registers, with its methods, and is a
// well-formed OpenAPI 3 document; the docs page is served from the relay's own files under its
// strict CSP; a request that fails its route's schema is refused 400 BAD_REQUEST.
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_PREFIX, OPENAPI_PATH } from '../../../../signaling/http/openapi.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, unknown> };
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

const OPERATION_KEYS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** `/api/grants/:grantId/revoke` → `/api/grants/{grantId}/revoke`, `/whip/*` → `/whip/{path}` */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{path}');

let relay: TestRelay;
const routes: RouteOptions[] = [];
let spec: OpenApiDocument;

beforeAll(async () => {
  relay = await startRelay({}, { onRoute: (route) => routes.push(route) });
  const response = await fetch(`${relay.url}${OPENAPI_PATH}`);
  expect(response.status).toBe(200);
  spec = (await response.json()) as OpenApiDocument;
});
afterAll(() => relay?.close());

describe('OpenAPI description', () => {
  it('is an OpenAPI 3 document: version, info, paths, and every operation has responses', () => {
    expect(spec.openapi).toMatch(/^3\.[01]\.\d+$/);
    expect(spec.info).toMatchObject({ title: 'Sightline', version: expect.any(String) });
    expect(Object.keys(spec.paths).length).toBeGreaterThan(20);
    for (const [path, item] of Object.entries(spec.paths)) {
      expect(path.startsWith('/'), path).toBe(true);
      for (const [method, operation] of Object.entries(item)) {
        expect(OPERATION_KEYS, `${method} ${path}`).toContain(method);
        const responses = Object.entries(operation.responses ?? {});
        expect(responses.length, `${method} ${path} has responses`).toBeGreaterThan(0);
        for (const [code, response] of responses) {
          expect(code, `${method} ${path}`).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof response.description, `${method} ${path} ${code}`).toBe('string');
        }
        // Every path parameter is declared as one.
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(operation.parameters?.some((p) => p.in === 'path' && p.name === name), `${method} ${path} declares {${name}}`).toBe(true);
        }
        for (const security of (operation as { security?: Array<Record<string, unknown>> }).security ?? []) {
          for (const scheme of Object.keys(security)) expect(spec.components?.securitySchemes, `${method} ${path}`).toHaveProperty(scheme);
        }
      }
    }
  });

  it('has every registered route with each of its methods, and nothing else', () => {
    const documented = new Set<string>();
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
    const hidden: string[] = [];
    for (const route of routes) {
      // Fastify adds HEAD to every GET route by itself.
      if (route.method === 'HEAD' && gets.has(route.url)) continue;
      if ((route.schema as { hide?: boolean } | undefined)?.hide) {
        hidden.push(route.url);
        continue;
      }
      for (const method of [route.method].flat()) {
        const path = openApiPath(route.url);
        expect(spec.paths[path]?.[method.toLowerCase()], `${method} ${route.url} is in the description`).toBeDefined();
        documented.add(`${method.toLowerCase()} ${path}`);
      }
    }
    // Only the docs page and the browser client's files (the viewer pages among them) are left out.
    for (const url of hidden) expect(url === '/*' || url === '/watch.html' || url === '/inbox.html' || url.startsWith(DOCS_PREFIX), `${url} is hidden`).toBe(true);
    const described = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(described.sort()).toEqual([...documented].sort());
  });

  it('describes bodies, parameters and responses from the protocol schemas', () => {
    const grant = spec.paths['/api/incidents/{incidentId}/grants']!.post!;
    expect(grant.requestBody?.content).toHaveProperty('application/json');
    expect(JSON.stringify(grant.requestBody)).toContain('ttlSeconds');
    expect(JSON.stringify(grant.responses?.['201'])).toContain('token');
    expect(JSON.stringify(spec.paths['/api/audit']!.get!.parameters)).toContain('cursor');
    expect(Object.keys(spec.paths['/api/audit']!.get!.responses!['200']!.content ?? {})).toEqual(['application/json', 'text/csv']);
    // Refusals have the project's error shape.
    expect(JSON.stringify(grant.responses?.['4XX'])).toContain('BAD_REQUEST');
  });

  it('describes WHIP and WHEP with SDP bodies and their headers', () => {
    const whip = spec.paths['/whip']!.post!;
    expect(Object.keys(whip.requestBody?.content ?? {})).toEqual(['application/sdp']);
    const created = whip.responses!['201'] as { headers?: Record<string, unknown>; content?: Record<string, unknown> };
    expect(Object.keys(created.headers ?? {})).toEqual(expect.arrayContaining(['location', 'etag', 'link']));
    expect(Object.keys(created.content ?? {})).toEqual(['application/sdp']);
    const patch = spec.paths['/whep/resource/{id}']!.patch!;
    expect(Object.keys(patch.requestBody?.content ?? {})).toEqual(['application/trickle-ice-sdpfrag']);
    expect(patch.parameters?.some((p) => p.in === 'header' && p.name === 'if-match')).toBe(true);
    expect(Object.keys(patch.responses ?? {})).toEqual(expect.arrayContaining(['200', '204']));
    expect(spec.paths['/whip/resource/{id}']!.options!.responses!['204']).toMatchObject({ headers: { allow: expect.anything() } });
  });
});

describe('docs page', () => {
  it('is served from the relay itself, with no inline script, under the strict CSP', async () => {
    const page = await fetch(`${relay.url}${DOCS_PREFIX}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\.\/static\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style|style="|https?:\/\//);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-initializer.js', 'swagger-ui.css']) {
      expect((await fetch(`${relay.url}${DOCS_PREFIX}/static/${asset}`)).status, asset).toBe(200);
    }
    const json = await fetch(`${relay.url}${DOCS_PREFIX}/json`);
    expect(((await json.json()) as OpenApiDocument).paths).toEqual(spec.paths);
  });
});

describe('schema validation', () => {
  it('refuses a request that fails its schema with 400 BAD_REQUEST, saying where', async () => {
    const { status, body } = await relay.api<{ error: { code: string; message: string } }>('POST', '/api/session', { body: { username: 'x', password: 7 } });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('body.password') });
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect(await relay.api('GET', '/api/audit?limit=many', { token })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', message: expect.stringContaining('query.limit') } } });
    expect(await relay.api('GET', '/api/audit?colour=blue', { token })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
  });

  it('checks the session before the shape of the request', async () => {
    expect(await relay.api('POST', '/api/incidents/inc-1/grants', { body: { nonsense: true } })).toMatchObject({ status: 401, body: { error: { code: 'NOT_AUTHENTICATED' } } });
    const { token } = await relay.login(DEMO.clinician.username, DEMO.clinician.password);
    expect(await relay.api('POST', '/api/admin/users', { token, body: {} })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});
