import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive } from '../../../helpers/scenario.ts';
import type { TestSocket } from '../../../helpers/ws-client.ts';

describe('HTTP API', () => {
  let relay: TestRelay;
  let incidentId: string;
  let officer: TestSocket;
  beforeAll(async () => {
    relay = await startRelay({ GRANT_MAX_TTL_SECONDS: '3600' });
    ({ incidentId, socket: officer } = await goLive(relay));
  });
  afterAll(async () => {
    officer.close();
    await relay.close();
  });

  it('signs in with a password and refuses a wrong one without saying which part was wrong', async () => {
    const ok = await relay.api<{ token: string; user: Record<string, unknown> }>('POST', '/api/session', {
      body: { username: 'SUP.CHEN', password: DEMO.supervisor.password },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toEqual({ id: DEMO.supervisor.id, username: 'sup.chen', name: 'Sgt. Mei Chen', role: 'supervisor', agencyId: 'metro-police' });
    expect(JSON.stringify(ok.body)).not.toContain('scrypt');
    const wrongPassword = await relay.api('POST', '/api/session', { body: { username: 'sup.chen', password: 'nope' } });
    const unknownUser = await relay.api('POST', '/api/session', { body: { username: 'nobody', password: 'nope' } });
    expect(wrongPassword).toEqual({ status: 401, body: { error: { code: 'LOGIN_FAILED', message: expect.any(String) } } });
    expect(unknownUser).toEqual(wrongPassword);
  });

  it('locks an account after five failed sign-ins, even for the right password', async () => {
    for (let i = 0; i < 5; i++) await relay.api('POST', '/api/session', { body: { username: 'clin.silva', password: 'bad' } });
    const locked = await relay.api('POST', '/api/session', { body: { username: 'clin.silva', password: 'demo-clinician' } });
    expect(locked).toMatchObject({ status: 423, body: { error: { code: 'ACCOUNT_LOCKED' } } });
    const audit = await relay.services.audit.log.entries();
    expect(audit.filter((e) => e.action === 'login' && e.reason === 'ACCOUNT_LOCKED').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses malformed and oversized bodies with codes', async () => {
    expect(await relay.api('POST', '/api/session', { body: { username: 'x' } })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const huge = await relay.api('POST', '/api/session', { body: { username: 'x', password: 'y'.repeat(100_000) } });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'MESSAGE_TOO_LARGE' } } });
    expect(await relay.api('GET', '/api/nothing-here')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('needs a session, the supervisor role, and sends security headers', async () => {
    expect(await relay.api('GET', '/api/incidents')).toMatchObject({ status: 401, body: { error: { code: 'NOT_AUTHENTICATED' } } });
    expect(await relay.api('GET', '/api/incidents', { token: 'forged' })).toMatchObject({ status: 401, body: { error: { code: 'SESSION_INVALID' } } });
    const { token } = await relay.login(DEMO.officer.username, DEMO.officer.password);
    expect(await relay.api('GET', '/api/incidents', { token })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const response = await fetch(`${relay.url}/healthz`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lists live incidents of the supervisor’s agency with their officer', async () => {
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const { status, body } = await relay.api<Array<{ id: string; officer: { userId: string } }>>('GET', '/api/incidents', { token });
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ id: incidentId, officer: { userId: DEMO.officer.id }, helpRequested: false });
    const help = await officer.request('incident.help', { requested: true });
    expect(help).toEqual({ incidentId, helpRequested: true });
    const again = await relay.api<Array<{ helpRequested: boolean }>>('GET', '/api/incidents', { token });
    expect(again.body[0]?.helpRequested).toBe(true);
  });

  it('validates grants: clinician only, known incident, TTL within the maximum', async () => {
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const post = (id: string, body: unknown) => relay.api('POST', `/api/incidents/${id}/grants`, { token, body });
    expect(await post(incidentId, { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 7200 })).toMatchObject({
      status: 422,
      body: { error: { code: 'GRANT_TTL_TOO_LONG' } },
    });
    expect(await post(incidentId, { clinicianId: DEMO.officer2.id, permissions: ['view'], ttlSeconds: 60 })).toMatchObject({
      status: 422,
      body: { error: { code: 'NOT_A_CLINICIAN' } },
    });
    expect(await post(incidentId, { clinicianId: 'u-nobody', permissions: ['view'], ttlSeconds: 60 })).toMatchObject({
      status: 404,
      body: { error: { code: 'USER_NOT_FOUND' } },
    });
    expect(await post('inc-gone', { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 60 })).toMatchObject({
      status: 404,
      body: { error: { code: 'INCIDENT_NOT_FOUND' } },
    });
    expect(await post(incidentId, { clinicianId: DEMO.clinician.id, permissions: ['admin'], ttlSeconds: 60 })).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_REQUEST' } },
    });
    const ok = await post(incidentId, { clinicianId: DEMO.clinician.id, permissions: ['view', 'view'], ttlSeconds: 60 });
    expect(ok).toMatchObject({ status: 201, body: { permissions: ['view'], clinicianId: DEMO.clinician.id } });
  });

  it('signs out: the session stops working', async () => {
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect((await relay.api('DELETE', '/api/session', { token })).status).toBe(204);
    expect(await relay.api('GET', '/api/me', { token })).toMatchObject({ status: 401, body: { error: { code: 'SESSION_INVALID' } } });
  });
});
