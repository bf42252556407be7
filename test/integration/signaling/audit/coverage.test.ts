// Audit coverage: a scripted session of every security-relevant action, allowed and refused,
// over real HTTP and WebSocket, asserting that each is exactly one audit entry with the right
// time, actor, action, target (with the incident's agency), source, outcome and reason.
// Run against the file store and against a real Redis.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import { verifyAudit } from '../../../../signaling/audit/chain-verification.ts';
import type { GrantResponse, LoginResponse } from '../../../../signaling/protocol/http.ts';
import { VIEWING_AUDIENCE } from '../../../../signaling/tokens/viewing-token.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, clinicianSession, endClinicianSessions, storedGrant } from '../../../helpers/scenario.ts';
import { NORTH, writeTwoAgencySeed } from '../../../helpers/seed.ts';
import { until } from '../../../helpers/until.ts';
import { FAKE_RTP, TestSocket } from '../../../helpers/ws-client.ts';

const UA = 'coverage-test/1.0';
const POLICE = 'metro-police';
const HEALTH = 'harbour-health';
const actor = {
  officer: { id: DEMO.officer.id, role: 'officer', agencyId: POLICE },
  supervisor: { id: DEMO.supervisor.id, role: 'supervisor', agencyId: POLICE },
  clinician: { id: DEMO.clinician.id, role: 'clinician', agencyId: HEALTH },
  silva: { id: 'u-clin-silva', role: 'clinician', agencyId: HEALTH },
  north: { id: NORTH.supervisor.id, role: 'supervisor', agencyId: NORTH.agencyId },
};

describe.each(['file', 'redis'] as const)('audit coverage (%s store)', (store) => {
  let relay: TestRelay;
  let redis: TestRedis | null = null;
  let dir: string;
  let clockOffset = 0;
  let node: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-coverage-'));
    if (store === 'redis') redis = await startRedis({ durable: true });
    relay = await startRelay(
      {
        SEED_FILE: await writeTwoAgencySeed(dir),
        GRANT_MAX_TTL_SECONDS: '3600',
        AUDIT_CHECKPOINT_EVERY: '10',
        // A closed socket ends its seat at once, so each access's end is recorded in the test.
        RESUME_GRACE_SECONDS: '0',
        ...(redis ? { REDIS_URL: redis.url } : {}),
      },
      { now: () => Date.now() + clockOffset },
    );
    node = relay.services.nodeId;
  });
  afterAll(async () => {
    await relay?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const all = () => relay.services.audit.log.entries();
  const http = async <T = any>(method: string, path: string, options: { token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${relay.url}${path}`, {
      method,
      headers: {
        'user-agent': UA,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
  };
  const socket = () => TestSocket.open(relay.wsUrl, { 'user-agent': UA });
  const login = async (username: string, password: string) => (await http<LoginResponse>('POST', '/api/session', { body: { username, password } })).body.token;

  /** Runs `action` and returns the entries it added: exactly `count` of them, once things settle. */
  async function audited<T>(count: number, action: () => Promise<T>): Promise<{ result: T; added: AuditEntry[] }> {
    const before = (await all()).length;
    const startedAt = Date.now();
    const result = await action();
    await until(async () => (await all()).length >= before + count, 5000, `${count} audit entries`);
    await new Promise((resolve) => setTimeout(resolve, 150)); // nothing more may follow
    const added = (await all()).slice(before);
    expect(added.map((e) => `${e.action}:${e.outcome}:${e.reason ?? ''}`)).toHaveLength(count);
    for (const entry of added) {
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(startedAt - 5);
      expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now());
      expect(entry.source.node).toBe(node);
    }
    return { result, added };
  }
  const one = async <T>(action: () => Promise<T>) => {
    const { result, added } = await audited(1, action);
    return { result, entry: added[0]! };
  };
  const httpSource = { ip: '127.0.0.1', userAgent: UA, node: expect.any(String) };
  const wsSource = { ip: '127.0.0.1', userAgent: UA, node: expect.any(String), connection: expect.any(String) };

  let officerToken: string;
  let supervisorToken: string;
  let northToken: string;
  let officer: TestSocket;
  let incidentId: string;
  let grant: GrantResponse;
  const target = () => ({ incidentId, agencyId: POLICE });

  it('sign-in: refused (wrong password, unknown user, lockout) and allowed', async () => {
    const wrong = await one(() => http('POST', '/api/session', { body: { username: 'sup.chen', password: 'wrong' } }));
    expect(wrong.result.status).toBe(401);
    expect(wrong.entry).toMatchObject({
      action: 'login',
      outcome: 'denied',
      reason: 'LOGIN_FAILED',
      actor: actor.supervisor,
      target: { userId: DEMO.supervisor.id },
      source: httpSource,
      detail: { username: 'sup.chen' },
    });
    const unknown = await one(() => http('POST', '/api/session', { body: { username: 'nobody', password: 'x' } }));
    expect(unknown.entry).toMatchObject({ action: 'login', outcome: 'denied', reason: 'LOGIN_FAILED', actor: null, target: {} });

    for (let i = 1; i <= 4; i += 1) {
      const { entry } = await one(() => http('POST', '/api/session', { body: { username: 'clin.silva', password: 'bad' } }));
      expect(entry).toMatchObject({ reason: 'LOGIN_FAILED', actor: actor.silva });
    }
    const locking = await one(() => http('POST', '/api/session', { body: { username: 'clin.silva', password: 'bad' } }));
    expect(locking.entry).toMatchObject({ action: 'login', outcome: 'denied', reason: 'ACCOUNT_LOCKED', detail: { lockedNow: true } });
    const locked = await one(() => http('POST', '/api/session', { body: { username: 'clin.silva', password: 'demo-clinician' } }));
    expect(locked.result.status).toBe(423);
    expect(locked.entry).toMatchObject({ action: 'login', outcome: 'denied', reason: 'ACCOUNT_LOCKED', actor: actor.silva });

    const ok = await one(() => login(DEMO.officer.username, DEMO.officer.password));
    officerToken = ok.result;
    expect(ok.entry).toMatchObject({ action: 'login', outcome: 'allowed', actor: actor.officer, target: { userId: DEMO.officer.id }, source: httpSource });
    expect(ok.entry.reason).toBeUndefined();
    supervisorToken = (await one(() => login(DEMO.supervisor.username, DEMO.supervisor.password))).result;
    northToken = (await one(() => login(NORTH.supervisor.username, NORTH.supervisor.password))).result;
  });

  it('HTTP refusals: no session, wrong role', async () => {
    const anonymous = await one(() => http('GET', '/api/incidents'));
    expect(anonymous.entry).toMatchObject({ action: 'http GET /api/incidents', outcome: 'denied', reason: 'NOT_AUTHENTICATED', actor: null, source: httpSource });
    const forged = await one(() => http('GET', '/api/incidents', { token: 'forged' }));
    expect(forged.entry).toMatchObject({ outcome: 'denied', reason: 'SESSION_INVALID' });
    const officerTries = await one(() => http('GET', '/api/clinicians', { token: officerToken }));
    expect(officerTries.entry).toMatchObject({ action: 'http GET /api/clinicians', reason: 'FORBIDDEN', actor: actor.officer });
    // Allowed reads of live state are not audit events.
    await audited(0, () => http('GET', '/api/incidents', { token: supervisorToken }));
  });

  it('signalling: refused auth, allowed auth (not an event), refused and allowed incident start, help', async () => {
    const anonymous = await socket();
    const refused = await one(() => anonymous.send('auth', { token: 'not-a-session' }));
    expect(refused.entry).toMatchObject({ action: 'signalling.auth', outcome: 'denied', reason: 'SESSION_INVALID', actor: null, source: wsSource });
    const unauthenticated = await one(() => anonymous.send('incident.start', { rtpCapabilities: {} }));
    expect(unauthenticated.entry).toMatchObject({ action: 'incident.start', outcome: 'denied', reason: 'NOT_AUTHENTICATED', actor: null });
    anonymous.close();

    const supervisorSocket = await socket();
    await audited(0, () => supervisorSocket.request('auth', { token: supervisorToken }));
    const wrongRole = await one(() => supervisorSocket.send('incident.start', { rtpCapabilities: {} }));
    expect(wrongRole.entry).toMatchObject({ action: 'incident.start', outcome: 'denied', reason: 'FORBIDDEN', actor: actor.supervisor, source: wsSource });
    supervisorSocket.close();

    officer = await socket();
    await officer.request('auth', { token: officerToken });
    const started = await one(async () => officer.request('incident.start', { rtpCapabilities: await capabilities(relay) }));
    incidentId = started.result.incidentId;
    expect(started.entry).toMatchObject({ action: 'incident.start', outcome: 'allowed', actor: actor.officer, target: target(), source: wsSource });
    const transportId = started.result.sendTransport.id;
    await officer.request('produce', { transportId, kind: 'audio', rtpParameters: FAKE_RTP.audio, source: 'camera' });
    await officer.request('produce', { transportId, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera' });

    const help = await one(() => officer.request('incident.help', { requested: true }));
    expect(help.entry).toMatchObject({ action: 'help.request', outcome: 'allowed', actor: actor.officer, target: target() });
    const withdrawn = await one(() => officer.request('incident.help', { requested: false }));
    expect(withdrawn.entry).toMatchObject({ action: 'help.withdraw', outcome: 'allowed', target: target() });
  });

  it('grants: allowed, and refused for TTL, unknown incident, another agency', async () => {
    const body = { clinicianId: DEMO.clinician.id, permissions: ['view', 'talk'], ttlSeconds: 600 };
    const created = await one(() => http<GrantResponse>('POST', `/api/incidents/${incidentId}/grants`, { token: supervisorToken, body }));
    grant = created.result.body;
    expect(created.entry).toMatchObject({
      action: 'grant.create',
      outcome: 'allowed',
      actor: actor.supervisor,
      target: { ...target(), grantId: grant.grantId, userId: DEMO.clinician.id },
      source: httpSource,
      detail: { permissions: 'view,talk', expiresAt: grant.expiresAt },
    });
    const tooLong = await one(() => http('POST', `/api/incidents/${incidentId}/grants`, { token: supervisorToken, body: { ...body, ttlSeconds: 7200 } }));
    expect(tooLong.entry).toMatchObject({ action: 'grant.create', outcome: 'denied', reason: 'GRANT_TTL_TOO_LONG', target: { ...target(), userId: DEMO.clinician.id } });
    const gone = await one(() => http('POST', '/api/incidents/inc-nope/grants', { token: supervisorToken, body }));
    expect(gone.entry).toMatchObject({ action: 'grant.create', outcome: 'denied', reason: 'INCIDENT_NOT_FOUND', target: { incidentId: 'inc-nope' } });
    expect(gone.entry.target.agencyId).toBeUndefined();
    const foreign = await one(() => http('POST', `/api/incidents/${incidentId}/grants`, { token: northToken, body }));
    expect(foreign.entry).toMatchObject({ action: 'grant.create', outcome: 'denied', reason: 'FORBIDDEN', actor: actor.north, target: target() });
  });

  it('joins, talk, refusals and leave', async () => {
    const forged = await new SignJWT({ inc: incidentId, perm: ['view'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('sightline')
      .setAudience(VIEWING_AUDIENCE)
      .setSubject(DEMO.clinician.id)
      .setJti('x')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    const intruder = await socket();
    const refused = await one(() => intruder.send('join', { incidentId, grantToken: forged, rtpCapabilities: {} }));
    expect(refused.entry).toMatchObject({ action: 'join', outcome: 'denied', reason: 'TOKEN_ALG_NOT_ALLOWED', actor: null, target: target(), source: wsSource });
    intruder.close();

    const clinician = await socket();
    const joined = await one(async () => clinician.request('join', { incidentId, grantToken: grant.token, session: await clinicianSession(relay, grant.token), rtpCapabilities: await capabilities(relay) }));
    expect(joined.entry).toMatchObject({
      action: 'join',
      outcome: 'allowed',
      actor: actor.clinician,
      target: { ...target(), grantId: grant.grantId },
      source: wsSource,
      // The grant record, not the token, is authoritative.
      detail: { permissions: 'view,talk', expiresAt: grant.expiresAt },
    });
    const sendTransportId = joined.result.sendTransport.id;
    const talkParams = { ...FAKE_RTP.audio, encodings: [{ ssrc: 44444444 }] };
    const talk = await one(() => clinician.request('produce', { transportId: sendTransportId, kind: 'audio', rtpParameters: talkParams, source: 'talkback' }));
    expect(talk.entry).toMatchObject({ action: 'talk.start', outcome: 'allowed', actor: actor.clinician, target: { ...target(), grantId: grant.grantId } });
    expect(talk.entry.source.connection).toBe(joined.entry.source.connection);
    const producerId = talk.result.producerId;
    await audited(0, () => clinician.request('producer.resume', { producerId })); // already talking
    const stop = await one(() => clinician.request('producer.pause', { producerId }));
    expect(stop.entry).toMatchObject({ action: 'talk.stop', outcome: 'info', actor: actor.clinician, target: { ...target(), grantId: grant.grantId } });
    await audited(0, () => clinician.request('producer.pause', { producerId }));
    const again = await one(() => clinician.request('producer.resume', { producerId }));
    expect(again.entry).toMatchObject({ action: 'talk.start', outcome: 'allowed' });
    const camera = await one(() => clinician.send('produce', { transportId: sendTransportId, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera' }));
    expect(camera.entry).toMatchObject({ action: 'produce', outcome: 'denied', reason: 'PERMISSION_DENIED', actor: actor.clinician, target: { ...target(), grantId: grant.grantId } });
    const notOfficer = await one(() => clinician.send('incident.end'));
    expect(notOfficer.entry).toMatchObject({ action: 'incident.end', outcome: 'denied', reason: 'FORBIDDEN', actor: actor.clinician });

    const left = await one(async () => clinician.close());
    expect(left.entry).toMatchObject({ action: 'leave', outcome: 'info', actor: actor.clinician, target: { ...target(), grantId: grant.grantId }, source: wsSource });
    expect(left.entry.source.connection).toBe(joined.entry.source.connection);
  });

  it('a grant expiring cuts access: one grant.expire, no leave afterwards', async () => {
    const issued = await storedGrant(relay, { incidentId, clinicianId: 'u-clin-silva', permissions: ['view'], expiresAt: Date.now() + 1500 });
    const token = issued.token;
    const viewer = await socket();
    await one(async () => viewer.request('join', { incidentId, grantToken: token, session: await clinicianSession(relay, token), rtpCapabilities: await capabilities(relay) }));
    const expired = await one(() => viewer.notification('access.ended'));
    expect(expired.entry).toMatchObject({ action: 'grant.expire', outcome: 'info', reason: 'GRANT_EXPIRED', actor: actor.silva, target: { ...target(), grantId: issued.grantId } });
    await audited(0, async () => viewer.close());
  });

  /** One active grant per clinician and incident: the grants of earlier cases are ended, quietly, before a new one. */
  const freeClinician = async () => {
    for (const g of await relay.services.grants.list({ incidentId, clinicianId: DEMO.clinician.id, activeOnly: true })) await relay.services.grants.revoke(g.id, 'test', 'GRANT_REVOKED');
  };

  it('extending a grant, refused and allowed; a revoked grant cuts access: one grant.revoke, no leave afterwards', async () => {
    await freeClinician();
    const granted = await http<GrantResponse>('POST', `/api/incidents/${incidentId}/grants`, {
      token: supervisorToken,
      body: { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 600 },
    });
    const viewer = await socket();
    await one(async () => viewer.request('join', { incidentId, grantToken: granted.body.token, session: await clinicianSession(relay, granted.body.token), rtpCapabilities: await capabilities(relay) }));
    const grantTarget = { ...target(), grantId: granted.body.grantId, userId: DEMO.clinician.id };

    const tooLong = await one(() => http('POST', `/api/grants/${granted.body.grantId}/extend`, { token: supervisorToken, body: { ttlSeconds: 7200 } }));
    expect(tooLong.result.status).toBe(422);
    expect(tooLong.entry).toMatchObject({ action: 'grant.extend', outcome: 'denied', reason: 'GRANT_TTL_TOO_LONG', actor: actor.supervisor, target: grantTarget, source: httpSource });
    const foreign = await one(() => http('POST', `/api/grants/${granted.body.grantId}/extend`, { token: northToken, body: { ttlSeconds: 1200 } }));
    expect(foreign.entry).toMatchObject({ action: 'grant.extend', outcome: 'denied', reason: 'FORBIDDEN', actor: actor.north, target: grantTarget });
    const extended = await one(() => http<{ expiresAt: number }>('POST', `/api/grants/${granted.body.grantId}/extend`, { token: supervisorToken, body: { ttlSeconds: 1200 } }));
    expect(extended.result.status).toBe(200);
    expect(extended.entry).toMatchObject({
      action: 'grant.extend',
      outcome: 'allowed',
      actor: actor.supervisor,
      target: grantTarget,
      source: httpSource,
      detail: { expiresAt: extended.result.body.expiresAt, previousExpiresAt: granted.body.expiresAt },
    });
    expect((await viewer.notification('grant.updated')).expiresAt).toBe(extended.result.body.expiresAt);
    const revoked = await one(() => http('POST', `/api/grants/${granted.body.grantId}/revoke`, { token: supervisorToken }));
    expect(revoked.result.status).toBe(200);
    expect(revoked.entry).toMatchObject({
      action: 'grant.revoke',
      outcome: 'allowed',
      reason: 'GRANT_REVOKED',
      actor: actor.supervisor,
      target: { ...target(), grantId: granted.body.grantId, userId: DEMO.clinician.id },
      source: httpSource,
    });
    expect((await viewer.notification('access.ended')).code).toBe('GRANT_REVOKED');
    await audited(0, async () => viewer.close());
  });

  it('a supervisor watches and leaves: one watch, one leave per access', async () => {
    const watcher = await socket();
    await audited(0, () => watcher.request('auth', { token: supervisorToken }));
    const watched = await one(async () => watcher.request('watch', { incidentId, rtpCapabilities: await capabilities(relay) }));
    expect(watched.result.grantId).toBeNull();
    expect(watched.entry).toMatchObject({ action: 'watch', outcome: 'allowed', actor: actor.supervisor, target: target(), source: wsSource });
    const stopped = await one(() => watcher.request('incident.leave'));
    expect(stopped.entry).toMatchObject({ action: 'leave', outcome: 'info', actor: actor.supervisor, target: target(), source: wsSource });
    await one(async () => watcher.request('watch', { incidentId, rtpCapabilities: await capabilities(relay) }));
    const left = await one(async () => watcher.close());
    expect(left.entry).toMatchObject({ action: 'leave', outcome: 'info', actor: actor.supervisor, target: target(), source: wsSource });
    expect(left.entry.target.grantId).toBeUndefined();
    expect(left.entry.source.connection).toBe(watched.entry.source.connection);
  });

  it('reading the audit is audited; another agency’s audit and reports are refused', async () => {
    const view = await one(() => http('GET', `/api/audit?incidentId=${incidentId}`, { token: supervisorToken }));
    expect(view.result.status).toBe(200);
    expect(view.entry).toMatchObject({ action: 'audit.view', outcome: 'allowed', actor: actor.supervisor, target: { incidentId, agencyId: POLICE } });
    const exported = await one(() => http('GET', '/api/audit?format=csv', { token: supervisorToken }));
    expect(exported.entry).toMatchObject({ action: 'audit.export', outcome: 'allowed', detail: { format: 'csv' } });
    const other = await one(() => http('GET', `/api/audit?agencyId=${HEALTH}`, { token: supervisorToken }));
    expect(other.result.status).toBe(403);
    expect(other.entry).toMatchObject({ action: 'audit.view', outcome: 'denied', reason: 'FORBIDDEN', target: { agencyId: HEALTH } });
    const officerTries = await one(() => http('GET', '/api/audit', { token: officerToken }));
    expect(officerTries.entry).toMatchObject({ action: 'http GET /api/audit', outcome: 'denied', reason: 'FORBIDDEN', actor: actor.officer });

    const report = await one(() => http('GET', `/api/incidents/${incidentId}/access-report`, { token: supervisorToken }));
    expect(report.result.status).toBe(200);
    expect(report.entry).toMatchObject({ action: 'audit.access-report', outcome: 'allowed', actor: actor.supervisor, target: target() });
    const foreign = await one(() => http('GET', `/api/incidents/${incidentId}/access-report`, { token: northToken }));
    expect(foreign.entry).toMatchObject({ action: 'audit.access-report', outcome: 'denied', reason: 'FORBIDDEN', actor: actor.north, target: target() });
    const unknown = await one(() => http('GET', '/api/incidents/inc-nope/access-report', { token: supervisorToken }));
    expect(unknown.result.status).toBe(404);
    expect(unknown.entry).toMatchObject({ action: 'audit.access-report', outcome: 'denied', reason: 'INCIDENT_NOT_FOUND' });
  });

  it('the officer ends the incident: one incident.end; a viewer cut by it does not leave again', async () => {
    await freeClinician();
    const viewOnly = await http<GrantResponse>('POST', `/api/incidents/${incidentId}/grants`, {
      token: supervisorToken,
      body: { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 600 },
    });
    const viewer = await socket();
    await viewer.request('join', { incidentId, grantToken: viewOnly.body.token, session: await clinicianSession(relay, viewOnly.body.token), rtpCapabilities: await capabilities(relay) });
    const ended = await one(() => officer.request('incident.end'));
    expect(ended.entry).toMatchObject({ action: 'incident.end', outcome: 'allowed', reason: 'INCIDENT_ENDED', actor: actor.officer, target: target(), source: wsSource });
    await viewer.notification('access.ended');
    await audited(0, async () => viewer.close());
    await audited(0, async () => officer.close());
  });

  it('sign-out, and a session that times out while idle', async () => {
    const out = await one(() => http('DELETE', '/api/session', { token: supervisorToken }));
    expect(out.entry).toMatchObject({ action: 'logout', outcome: 'info', actor: actor.supervisor, target: { userId: DEMO.supervisor.id }, source: httpSource });

    await endClinicianSessions(relay); // the clinicians' own sign-ins, made for their links
    clockOffset = (relay.services.config.SESSION_IDLE_SECONDS + 1) * 1000;
    const { added } = await audited(2, () => http('GET', '/api/me', { token: officerToken }));
    const expired = added.find((e) => e.action === 'session.expire')!;
    expect(expired).toMatchObject({ outcome: 'info', reason: 'SESSION_IDLE_TIMEOUT', actor: actor.officer, target: { userId: DEMO.officer.id } });
    expect(added.find((e) => e.action === 'http GET /api/me')).toMatchObject({ outcome: 'denied', reason: 'SESSION_EXPIRED' });
    // Found by the periodic sweep instead: once per session too.
    const north = northToken;
    await audited(1, async () => relay.services.sessions.sweep());
    await audited(0, async () => relay.services.sessions.sweep());
    expect((await http('GET', '/api/me', { token: north })).status).toBe(401);
    clockOffset = 0;
  });

  it('the whole session is one intact, checkpointed chain', async () => {
    const entries = await all();
    entries.forEach((entry, index) => expect(entry.seq).toBe(index + 1));
    const checkpoints = await (relay.services.audit.log as unknown as { store: { checkpoints(): Promise<any[]> } }).store.checkpoints();
    expect(checkpoints.length).toBeGreaterThanOrEqual(Math.floor(entries.length / 10));
    const result = await verifyAudit(
      entries.map((value, i) => ({ location: `#${i + 1}`, value })),
      checkpoints.map((value, i) => ({ location: `#${i + 1}`, value })),
      relay.services.keys.publicKey,
    );
    expect(result.problems).toEqual([]);
  });
});
