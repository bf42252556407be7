// Behind a load balancer: the client's address comes from X-Forwarded-For only when the socket
// peer is a trusted proxy (TRUST_PROXY), for HTTP and WebSocket alike, and the HTTP rate limits
// count per client address across every node on the same Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import { startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { startTwoNodes, type TwoNodes } from '../../../helpers/two-nodes.ts';
import { until } from '../../../helpers/until.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

/** One refused HTTP request and one refused signalling `auth`, each claiming a forwarded client address. */
async function refusedFrom(relay: TestRelay, httpClient: string, wsClient: string): Promise<{ http: AuditEntry; ws: AuditEntry }> {
  const response = await fetch(`${relay.url}/api/incidents`, { headers: { 'x-forwarded-for': `198.51.100.99, ${httpClient}` } });
  expect(response.status).toBe(401);
  const socket = await TestSocket.open(relay.wsUrl, { 'x-forwarded-for': wsClient });
  expect(await socket.send('auth', { token: 'not-a-session' })).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
  socket.close();
  const entries = () => relay.services.audit.log.entries();
  const http = await until(async () => (await entries()).find((e) => e.action === 'http GET /api/incidents'), 5000, 'the HTTP refusal audited');
  const ws = await until(async () => (await entries()).find((e) => e.action === 'signalling.auth'), 5000, 'the signalling refusal audited');
  return { http, ws };
}

describe('client addresses behind a trusted proxy', () => {
  it('audits the forwarded address when the peer is a trusted proxy (HTTP and WebSocket)', async () => {
    const relay = await startRelay({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' });
    try {
      const { http, ws } = await refusedFrom(relay, '203.0.113.7', '203.0.113.8');
      expect(http.source.ip).toBe('203.0.113.7');
      expect(ws.source.ip).toBe('203.0.113.8');
    } finally {
      await relay.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    for (const overrides of [{}, { TRUST_PROXY: '10.1.2.3' }]) {
      const relay = await startRelay(overrides);
      try {
        const { http, ws } = await refusedFrom(relay, '203.0.113.7', '203.0.113.8');
        expect(http.source.ip).toBe('127.0.0.1');
        expect(ws.source.ip).toBe('127.0.0.1');
      } finally {
        await relay.close();
      }
    }
  });
});

describe('HTTP rate limits across nodes', () => {
  let nodes: TwoNodes;
  let a: TestRelay;
  let b: TestRelay;
  beforeAll(async () => {
    nodes = await startTwoNodes({ AUTH_RATE_PER_MINUTE: '4', TRUST_PROXY: '127.0.0.1' });
    ({ a, b } = nodes);
  });
  afterAll(async () => nodes?.close());

  const signIn = async (relay: TestRelay, i: number, client: string) => {
    const response = await fetch(`${relay.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ username: `nobody-${i}`, password: 'wrong' }),
    });
    return { status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code };
  };

  it('two nodes on one Redis share one sign-in counter per client address', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await signIn(i % 2 === 0 ? a : b, i, '203.0.113.20'));
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(answers.at(-1)?.code).toBe('RATE_LIMITED');
    // Another client behind the same balancer has its own count.
    expect((await signIn(b, 99, '203.0.113.21')).status).toBe(401);
  });
});
