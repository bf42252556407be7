// Resuming a dropped signalling connection: the seat (participant, incident, grant) is kept for
// the grace period, a single-use resume token takes it back on a new socket, ICE restarts on
// every transport, and what the seat missed meanwhile is delivered after the reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive, grant, joinWith } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

const closed = (socket: TestSocket) => socket.waitFor(() => (socket.closeCode === null ? undefined : socket.closeCode), 5000);

describe('resume after a dropped signalling connection', () => {
  let relay: TestRelay;
  let supervisorToken: string;
  beforeAll(async () => {
    relay = await startRelay({ RESUME_GRACE_SECONDS: '30' });
    ({ token: supervisorToken } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password));
  });
  afterAll(async () => relay.close());

  it('keeps an officer’s incident through a drop; resume restarts ICE and the seat works as before', async () => {
    const live = await goLive(relay);
    expect(live.started.resumeToken).toMatch(/^[^~]+~[\w-]{40,}$/);
    live.socket.close();
    await closed(live.socket);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(relay.services.live.get(live.incidentId)).toBeDefined();
    expect(relay.services.media.room(live.incidentId)?.producers()).toHaveLength(2);

    const socket = await TestSocket.open(relay.wsUrl);
    const resumed = await socket.request('resume', { resumeToken: live.started.resumeToken });
    expect(resumed.incidentId).toBe(live.incidentId);
    expect(resumed.expiresAt).toBeNull();
    expect(resumed.resumeToken).not.toBe(live.started.resumeToken);
    const ids = resumed.transports.map((t: { id: string }) => t.id).sort();
    expect(ids).toEqual([live.started.sendTransport.id, live.started.recvTransport.id].sort());
    const send = resumed.transports.find((t: { id: string }) => t.id === live.started.sendTransport.id);
    expect(send.iceParameters.usernameFragment).not.toBe(live.started.sendTransport.iceParameters.usernameFragment);

    // The token was single-use.
    const again = await TestSocket.open(relay.wsUrl);
    expect(await again.send('resume', { resumeToken: live.started.resumeToken })).toMatchObject({ ok: false, error: { code: 'RESUME_FAILED' } });
    // The seat is the officer's again: it may end the incident.
    expect(await socket.request('incident.end')).toEqual({ incidentId: live.incidentId });
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'resume' && e.outcome === 'allowed' && e.actor?.id === DEMO.officer.id)).toBe(true);
    expect(audit.some((e) => e.action === 'resume' && e.outcome === 'denied' && e.reason === 'RESUME_FAILED')).toBe(true);
    socket.close();
    again.close();
  });

  it('a clinician resumes with the same grant and no new token, and gets what it missed while away', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { ttlSeconds: 120 });
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    if (!reply.ok) throw new Error(reply.error.code);
    const before = relay.services.media.room(live.incidentId)!.consumerCount();
    socket.close();
    await closed(socket);
    // Extended while away: the update waits for the seat.
    const extended = await relay.api<{ expiresAt: number }>('POST', `/api/grants/${granted.grantId}/extend`, { token: supervisorToken, body: { ttlSeconds: 900 } });
    expect(extended.status).toBe(200);
    expect(relay.services.media.room(live.incidentId)!.consumerCount()).toBe(before);

    const back = await TestSocket.open(relay.wsUrl);
    const resumed = await back.request('resume', { resumeToken: reply.data.resumeToken });
    expect(resumed).toMatchObject({ incidentId: live.incidentId, expiresAt: extended.body.expiresAt });
    expect(resumed.transports).toHaveLength(reply.data.sendTransport ? 2 : 1);
    const updated = await back.notification('grant.updated');
    expect(updated.expiresAt).toBe(extended.body.expiresAt);
    // Same consumers as before: resuming them works on the new socket.
    await back.request('consumers.resume', { consumerIds: reply.data.consumers.map((c: { id: string }) => c.id) });
    expect(relay.services.live.get(live.incidentId)!.participants().filter((p) => p.info.userId === DEMO.clinician.id)).toHaveLength(1);
    await live.socket.request('incident.end');
    expect((await back.notification('access.ended')).code).toBe('INCIDENT_ENDED');
    back.close();
    live.socket.close();
  });

  it('a grant revoked while the clinician was away cannot be resumed', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    if (!reply.ok) throw new Error(reply.error.code);
    socket.close();
    await closed(socket);
    await relay.api('POST', `/api/grants/${granted.grantId}/revoke`, { token: supervisorToken });
    const back = await TestSocket.open(relay.wsUrl);
    expect(await back.send('resume', { resumeToken: reply.data.resumeToken })).toMatchObject({ ok: false, error: { code: 'RESUME_FAILED' } });
    expect(relay.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.clinician.id)).toBe(false);
    await live.socket.request('incident.end');
    back.close();
    live.socket.close();
  });

  it('takes the seat from a socket that still looks open (the network dropped without a FIN)', async () => {
    const live = await goLive(relay);
    const socket = await TestSocket.open(relay.wsUrl);
    await socket.request('resume', { resumeToken: live.started.resumeToken });
    expect(await closed(live.socket)).toBeGreaterThan(0);
    expect(relay.services.live.get(live.incidentId)).toBeDefined();
    await socket.request('incident.end');
    socket.close();
  });

  it('refuses resume on a connection that is already seated, and junk tokens', async () => {
    const live = await goLive(relay);
    expect(await live.socket.send('resume', { resumeToken: live.started.resumeToken })).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
    const other = await TestSocket.open(relay.wsUrl);
    expect(await other.send('resume', { resumeToken: 'x'.repeat(43) })).toMatchObject({ ok: false, error: { code: 'RESUME_FAILED' } });
    await live.socket.request('incident.end');
    other.close();
    live.socket.close();
  });

  it('restarts ICE on one transport on request', async () => {
    const live = await goLive(relay);
    const restarted = await live.socket.request('transport.restartIce', { transportId: live.started.recvTransport.id });
    expect(restarted.iceParameters.usernameFragment).not.toBe(live.started.recvTransport.iceParameters.usernameFragment);
    expect(restarted.iceServers).toBeUndefined();
    expect(await live.socket.send('transport.restartIce', { transportId: 'nope' })).toMatchObject({ ok: false, error: { code: 'TRANSPORT_NOT_FOUND' } });
    await live.socket.request('incident.end');
    live.socket.close();
  });
});

describe('the grace period', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ RESUME_GRACE_SECONDS: '1' });
  });
  afterAll(async () => relay.close());

  it('ends an officer’s incident once the grace period passes without a resume', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const { socket: viewer } = await joinWith(relay, live.incidentId, granted.token);
    const droppedAt = Date.now();
    live.socket.close();
    const ended = await viewer.notification('access.ended');
    expect(ended.code).toBe('INCIDENT_ENDED');
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(900);
    expect(Date.now() - droppedAt).toBeLessThan(3000);
    await until(() => relay.services.live.get(live.incidentId) === undefined, 2000, 'the incident to end');
    const late = await TestSocket.open(relay.wsUrl);
    expect(await late.send('resume', { resumeToken: live.started.resumeToken })).toMatchObject({ ok: false, error: { code: 'RESUME_FAILED' } });
    late.close();
    viewer.close();
  });
});
