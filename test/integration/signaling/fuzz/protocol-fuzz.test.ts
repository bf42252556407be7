// Protocol fuzzing, seeded and reproducible (fast-check): signalling messages shaped after the
// protocol's own schemas (every message type, every field, with valid, mutated, wrong-typed,
// huge and deeply nested values), plus non-JSON, binary, invalid UTF-8 and oversized frames,
// sent over many sockets: before sign-in, signed in as a supervisor, joined as a clinician; then
// every HTTP route from the OpenAPI document with random parameters, queries, bodies and
// credentials. Afterwards the relay is up, a fresh join works, the media plane is back to its
// transports and consumers from before, and the heap did not grow.
//   CI: a short slice (SIGHTLINE_FUZZ_MESSAGES, default 6000). `npm run fuzz`: 100,000 and more.
//   SIGHTLINE_FUZZ_SEED replays a run.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { clientMessage } from '../../../../signaling/protocol/messages.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, clinicianSession, goLive, grant, joinWith } from '../../../helpers/scenario.ts';

const MESSAGES = Number(process.env.SIGHTLINE_FUZZ_MESSAGES ?? 6000);
const HTTP_REQUESTS = Math.max(300, Math.round(MESSAGES / 20));
const SEED = Number(process.env.SIGHTLINE_FUZZ_SEED ?? 20261204);
const SOCKETS = 12;

/** A full collection before each heap reading, so that "flat" compares live objects only. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MESSAGE_TYPES = clientMessage.options.map((option) => option.shape.type.value as string);
const FIELDS = [...new Set(clientMessage.options.flatMap((option) => Object.keys(option.shape)))].filter((f) => f !== 'id' && f !== 'type');

/** Values a field may get: the right kinds, wrong kinds, edge sizes and shapes. */
function fieldValue(known: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: known },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.array(fc.oneof(known, fc.string()), { maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(5000), '\u0000\uffff\ud800', '../../etc/passwd', '<script>', '%00', '🚓'.repeat(300)) },
    { weight: 1, arbitrary: fc.nat({ max: 300 }).map((depth) => nested(depth)) },
  );
}

const nested = (depth: number): unknown => {
  let value: unknown = {};
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};

/** One frame: mostly protocol-shaped JSON, the rest malformed in every way a socket can carry. */
function frame(known: fc.Arbitrary<string>): fc.Arbitrary<string | Buffer> {
  const shaped = fc
    .record({
      id: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.string({ maxLength: 5 }), fc.constant(null)),
      type: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...MESSAGE_TYPES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
      fields: fc.dictionary(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), fieldValue(known), { maxKeys: 5 }),
    })
    .map(({ id, type, fields }) => JSON.stringify({ ...fields, id, type }));
  return fc.oneof(
    { weight: 85, arbitrary: shaped },
    { weight: 4, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 2, arbitrary: fc.constantFrom(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]), Buffer.from('{"id":1,"type":"ping"\xff}', 'latin1')) },
    { weight: 2, arbitrary: fc.nat({ max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ id: 1, type: 'auth', token: 'x'.repeat(40_000) })) },
  );
}

/** A lean socket: counts what comes back, keeps nothing. */
class FuzzSocket {
  replies = 0;
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', () => void (this.replies += 1));
    ws.on('close', () => void (this.closed = true));
    ws.on('error', () => undefined);
  }
  static open(url: string): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new FuzzSocket(ws)));
      ws.once('error', reject);
    });
  }
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.ws.send(data, () => resolve()));
  }
  /** Waits for the server to have read everything sent so far (a ping round trip), or the close. */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const timer = setTimeout(resolve, 5000);
      this.ws.once('pong', () => (clearTimeout(timer), resolve()));
      this.ws.once('close', () => (clearTimeout(timer), resolve()));
      this.ws.ping();
    });
  }
}

describe('protocol fuzzing', () => {
  let relay: TestRelay;
  let incidentId: string;
  let officerClose: () => void;
  let supervisorToken: string;
  let grantToken: string;
  let clinicianToken: string;
  const known: string[] = [];

  beforeAll(async () => {
    // Limits high enough that the messages reach the handlers (the limits themselves are tested elsewhere).
    relay = await startRelay({ WS_RATE_PER_SECOND: '1000000', WS_RATE_BURST: '1000000', WS_CONNECTS_PER_MINUTE: '1000000', ANONYMOUS_RATE_PER_MINUTE: '1000000', AUTH_RATE_PER_MINUTE: '1000000' });
    const live = await goLive(relay);
    incidentId = live.incidentId;
    officerClose = () => live.socket.close();
    supervisorToken = (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    const granted = await grant(relay, incidentId, { permissions: ['view', 'talk'] });
    grantToken = granted.token;
    clinicianToken = await clinicianSession(relay, grantToken);
    const room = relay.services.media.room(incidentId)!;
    known.push(incidentId, grantToken, clinicianToken, supervisorToken, granted.grantId, ...room.peers().flatMap((p) => [p.peerId]));
  }, 60_000);
  afterAll(async () => {
    officerClose?.();
    await relay?.close();
  });

  it(`survives ${MESSAGES} fuzzed signalling messages and ${HTTP_REQUESTS} fuzzed HTTP requests (seed ${SEED})`, async () => {
    const before = await relay.services.media.sample();
    const knownArb = fc.constantFrom(...known);
    let frames = fc.sample(frame(knownArb), { numRuns: MESSAGES, seed: SEED });
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;

    // Sockets in three states: before sign-in, a signed-in supervisor, a joined clinician.
    const prepare = async (index: number): Promise<FuzzSocket> => {
      const socket = await FuzzSocket.open(relay.wsUrl);
      const role = index % 3;
      if (role === 1) await socket.send(JSON.stringify({ id: 0, type: 'auth', token: supervisorToken }));
      if (role === 2) await socket.send(JSON.stringify({ id: 0, type: 'join', incidentId, grantToken, session: clinicianToken, rtpCapabilities: await capabilities(relay) }));
      return socket;
    };
    const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => prepare(i)));
    let reopened = 0;
    for (let i = 0; i < frames.length; i += 1) {
      const slot = i % SOCKETS;
      if (sockets[slot]!.closed) {
        sockets[slot] = await prepare(slot);
        reopened += 1;
      }
      // Now and then a frame beyond the hard cap: the server closes that socket (1009) and it comes back.
      await sockets[slot]!.send(i % 2000 === 1999 ? 'x'.repeat(70 * 1024) : frames[i]!);
      // Keep pace with the server: every few hundred frames, wait until each socket's frames are read.
      if (i % 300 === 299) await Promise.all(sockets.map((s) => s.drain()));
    }
    await Promise.all(sockets.map((s) => s.drain()));
    const replies = sockets.reduce((n, s) => n + s.replies, 0);
    for (const socket of sockets) socket.ws.close();
    const sent = frames.length;
    frames = [];

    // Every route of the API, with random parameters, queries, bodies and credentials.
    const spec = (await relay.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json')).body;
    const routes = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).filter((m) => m !== 'parameters').map((method) => ({ path, method: method.toUpperCase() })));
    const requests = fc.sample(
      fc.record({
        route: fc.constantFrom(...routes),
        param: fc.oneof(knownArb, fc.string({ maxLength: 30 }), fc.constantFrom('..%2F..%2Fetc', '%00', 'a'.repeat(300))),
        query: fc.dictionary(fc.constantFrom('format', 'limit', 'cursor', 'from', 'to', 'incidentId', 'action', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        body: fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 100 }), fc.constant(undefined)),
        auth: fc.constantFrom(supervisorToken, 'garbage', null),
      }),
      { numRuns: HTTP_REQUESTS, seed: SEED },
    );
    const serverErrors: string[] = [];
    for (const request of requests) {
      const path = request.route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(request.param)) + (Object.keys(request.query).length ? `?${new URLSearchParams(request.query)}` : '');
      const response = await fetch(`${relay.url}${path}`, {
        method: request.route.method,
        headers: { ...(request.auth ? { authorization: `Bearer ${request.auth}` } : {}), ...(request.body !== undefined ? { 'content-type': path.startsWith('/whip') || path.startsWith('/whep') ? 'application/sdp' : 'application/json' } : {}) },
        body: request.route.method === 'GET' || request.route.method === 'HEAD' ? undefined : request.body,
      });
      await response.arrayBuffer();
      if (response.status >= 500 && response.status !== 503) serverErrors.push(`${request.route.method} ${path} → ${response.status}`);
    }

    // The relay is up and still serves: a fresh clinician joins the live incident.
    expect(serverErrors).toEqual([]);
    const fresh = await grant(relay, incidentId, { permissions: ['view'], clinicianId: DEMO.clinicianOffCall.id });
    const { socket, reply } = await joinWith(relay, incidentId, fresh.token);
    expect(reply.ok).toBe(true);
    socket.close();
    // Back to the transports and consumers from before, once the fuzzed seats are gone.
    await expect
      .poll(async () => {
        const now = await relay.services.media.sample();
        return { transports: now.transports, consumers: now.consumers };
      }, { timeout: 10_000 })
      .toEqual({ transports: before.transports, consumers: before.consumers });
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.error(JSON.stringify({ fuzz: { seed: SEED, messages: sent, replies, reopenedSockets: reopened, httpRequests: requests.length, heapGrowthMiB: Math.round(heapGrowth / 2 ** 20) } }));
    expect(heapGrowth).toBeLessThan(32 * 2 ** 20);
  }, 900_000);
});
