// Refusals in bulk and refusals of reads: a flood of requests without a session is limited and
// sampled into a bounded number of entries that still count every refusal; malformed, oversized
// and flooding signalling is audited the same way; and refused reads of grants, clinicians and
// agreements are audited like every other refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

const LIMIT = 50;
const WINDOW_SECONDS = 5;

/** The refusals entries stand for: one each, or as many as a summary counted. */
const represented = (entries: AuditEntry[]) => entries.reduce((n, e) => n + (e.detail?.repeated === undefined ? 1 : Number(e.detail.repeated)), 0);

describe('refusals in bulk', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ ANONYMOUS_RATE_PER_MINUTE: String(LIMIT), AUDIT_SAMPLE_SECONDS: String(WINDOW_SECONDS), WS_MAX_MESSAGE_BYTES: '4096' });
  });
  afterAll(async () => relay?.close());
  const entries = () => relay.services.audit.log.entries();

  it('limits requests without a session (429 RATE_LIMITED) and audits the flood as a few entries that count every request', async () => {
    const flood = 600;
    const statuses: Array<{ status: number; code: string }> = [];
    const started = Date.now();
    for (let sent = 0; sent < flood; sent += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const { status, body } = await relay.api<{ error: { code: string } }>('GET', '/api/incidents');
          return { status, code: body.error.code };
        }),
      );
      statuses.push(...batch);
    }
    const windows = Math.ceil((Date.now() - started) / (WINDOW_SECONDS * 1000)) + 1;
    expect(statuses.filter((s) => s.status === 401 && s.code === 'NOT_AUTHENTICATED')).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s.status === 429 && s.code === 'RATE_LIMITED')).toHaveLength(flood - LIMIT);

    const ofFlood = async () => (await entries()).filter((e) => e.action === 'http GET /api/incidents');
    const audited = await until(async () => {
      const found = await ofFlood();
      return represented(found) === flood ? found : undefined;
    }, 3 * WINDOW_SECONDS * 1000, 'summaries that count the whole flood');
    // Per kind (NOT_AUTHENTICATED, RATE_LIMITED) and window: one entry for the first refusal, one summary of the rest.
    expect(audited.length).toBeLessThanOrEqual(2 * 2 * windows);
    expect(audited.length).toBeLessThan(12);
    const kinds = (reason: string) => audited.filter((e) => e.reason === reason);
    expect(represented(kinds('NOT_AUTHENTICATED'))).toBe(LIMIT);
    expect(represented(kinds('RATE_LIMITED'))).toBe(flood - LIMIT);
    expect(kinds('RATE_LIMITED')[0]).toMatchObject({ outcome: 'denied', actor: null, source: { ip: '127.0.0.1' }, detail: { refused: 'NOT_AUTHENTICATED' } });
    const summary = audited.find((e) => e.reason === 'RATE_LIMITED' && e.detail?.repeated);
    expect(summary?.detail).toMatchObject({ repeated: expect.any(Number), firstAt: expect.any(String), lastAt: expect.any(String) });

    // Signed-in requests from the same address are not limited by it.
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect((await relay.api('GET', '/api/incidents', { token })).status).toBe(200);
  });

  it('audits malformed and oversized signalling, sampled, and the closes for flooding and for the hard size cap', async () => {
    const socket = await TestSocket.open(relay.wsUrl);
    for (let i = 0; i < 15; i++) socket.sendRaw('{not json');
    socket.sendRaw(Buffer.from([0, 1, 2]));
    socket.sendRaw(JSON.stringify({ id: 1, type: 'ping', pad: 'x'.repeat(5000) }));
    await socket.waitFor(() => (socket.responses.length >= 17 ? true : undefined));
    const malformed = await until(async () => {
      const found = (await entries()).filter((e) => e.action === 'signalling.message' && e.reason === 'MESSAGE_MALFORMED');
      return represented(found) === 16 ? found : undefined;
    }, 3 * WINDOW_SECONDS * 1000, 'malformed messages audited');
    expect(malformed.length).toBeLessThanOrEqual(2);
    expect(malformed[0]).toMatchObject({ outcome: 'denied', actor: null, source: { ip: '127.0.0.1', connection: expect.any(String) } });
    expect((await entries()).filter((e) => e.action === 'signalling.message' && e.reason === 'MESSAGE_TOO_LARGE')).toHaveLength(1);

    socket.sendRaw(JSON.stringify({ id: 2, type: 'ping', pad: 'x'.repeat(4096 * 4 + 10) }));
    await socket.waitFor(() => socket.closeCode ?? undefined);
    expect(socket.closeCode).toBe(1009);
    await until(async () => (await entries()).find((e) => e.action === 'signalling.close' && e.reason === 'MESSAGE_TOO_LARGE'), 5000, 'the size close audited');

    const flooder = await TestSocket.open(relay.wsUrl);
    for (let i = 0; i < 400 && flooder.closeCode === null; i++) flooder.sendRaw(JSON.stringify({ id: i, type: 'ping' }));
    await flooder.waitFor(() => flooder.closeCode ?? undefined);
    expect(flooder.closeCode).toBe(1008);
    await until(async () => (await entries()).find((e) => e.action === 'signalling.close' && e.reason === 'RATE_LIMITED'), 5000, 'the flood close audited');
  });
});

describe('refused reads', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay?.close());

  it('audits FORBIDDEN on grant, clinician and agreement reads', async () => {
    const live = await goLive(relay);
    const durham = await relay.login(DEMO.durhamSupervisor.username, DEMO.durhamSupervisor.password);
    const officer = await relay.login(DEMO.officer.username, DEMO.officer.password);
    const refusals: Array<[string, string, string]> = [
      [durham.token, `/api/incidents/${live.incidentId}/grants`, 'http GET /api/incidents/:incidentId/grants'],
      [durham.token, `/api/clinicians?incidentId=${live.incidentId}`, 'http GET /api/clinicians'],
      [officer.token, '/api/agreements', 'http GET /api/agreements'],
    ];
    for (const [token, path, action] of refusals) {
      const { status, body } = await relay.api<{ error: { code: string } }>('GET', path, { token });
      expect([status, body.error.code]).toEqual([403, 'FORBIDDEN']);
      const entry = await until(async () => (await relay.services.audit.log.entries()).find((e) => e.action === action), 5000, action);
      expect(entry).toMatchObject({ outcome: 'denied', reason: 'FORBIDDEN', source: { ip: '127.0.0.1' } });
      expect(entry.actor?.id).toBe(token === officer.token ? DEMO.officer.id : DEMO.durhamSupervisor.id);
    }
    live.socket.close();
  });
});
