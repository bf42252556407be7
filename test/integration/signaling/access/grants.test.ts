import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, goLive, grant, joinWith, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import type { TestSocket } from '../../../helpers/ws-client.ts';

describe('grants: revoke, extend, incident end, console and inbox in real time', () => {
  let relay: TestRelay;
  let supervisorToken: string;
  beforeAll(async () => {
    // These tests end officers' incidents by closing their sockets: no resume grace period here.
    relay = await startRelay({ RESUME_GRACE_SECONDS: '0' });
    ({ token: supervisorToken } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password));
  });
  afterAll(async () => relay.close());

  const latestConsole = (socket: TestSocket) =>
    [...socket.notifications].reverse().find((n) => n.type === 'console.incidents') as Extract<TestSocket['notifications'][number], { type: 'console.incidents' }> | undefined;

  it('revocation cuts the clinician within 250 ms and refuses the token afterwards', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply.ok).toBe(true);
    const started = performance.now();
    const revoked = await relay.api<{ status: string }>('POST', `/api/grants/${granted.grantId}/revoke`, { token: supervisorToken });
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked' } });
    const ended = await socket.notification('access.ended');
    const latencyMs = performance.now() - started;
    expect(ended.code).toBe('GRANT_REVOKED');
    expect(latencyMs).toBeLessThan(250);
    const room = relay.services.media.room(live.incidentId)!;
    expect(room.consumerCount()).toBe(0);
    const again = await joinWith(relay, live.incidentId, granted.token);
    expect(again.reply).toMatchObject({ ok: false, error: { code: 'TOKEN_REVOKED' } });
    const audit = await relay.services.audit.log.entries();
    expect(audit.filter((e) => e.action === 'grant.revoke' && e.target.grantId === granted.grantId)).toHaveLength(1);
    for (const s of [socket, again.socket, live.socket]) s.close();
    console.log(JSON.stringify({ revokeToCutMs: Math.round(latencyMs * 10) / 10 }));
  });

  it('extending moves the live expiry and tells the clinician; revoked grants cannot be extended', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { ttlSeconds: 60 });
    const { socket } = await joinWith(relay, live.incidentId, granted.token);
    const extended = await relay.api<{ expiresAt: number }>('POST', `/api/grants/${granted.grantId}/extend`, { token: supervisorToken, body: { ttlSeconds: 1200 } });
    expect(extended.status).toBe(200);
    expect(extended.body.expiresAt).toBeGreaterThan(granted.expiresAt + 1000 * 1000);
    const updated = await socket.notification('grant.updated');
    expect(updated.expiresAt).toBe(extended.body.expiresAt);
    const tooLong = await relay.api('POST', `/api/grants/${granted.grantId}/extend`, { token: supervisorToken, body: { ttlSeconds: 10 ** 7 } });
    expect(tooLong).toMatchObject({ status: 422, body: { error: { code: 'GRANT_TTL_TOO_LONG' } } });
    await relay.api('POST', `/api/grants/${granted.grantId}/revoke`, { token: supervisorToken });
    const late = await relay.api('POST', `/api/grants/${granted.grantId}/extend`, { token: supervisorToken, body: { ttlSeconds: 60 } });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'GRANT_NOT_ACTIVE' } } });
    socket.close();
    live.socket.close();
  });

  it('one active grant per clinician and incident: a second is refused, accepting "watch me" reuses it, revoking frees the pair', async () => {
    const live = await goLive(relay);
    const first = await grant(relay, live.incidentId, { clinicianId: DEMO.clinician.id });
    // A second grant from a supervisor is refused, and the refusal is audited.
    const second = await relay.api<{ error: { code: string; message: string } }>('POST', `/api/incidents/${live.incidentId}/grants`, {
      token: supervisorToken,
      body: { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 300 },
    });
    expect(second).toMatchObject({ status: 409, body: { error: { code: 'GRANT_ALREADY_ACTIVE' } } });
    expect(second.body.error.message).toMatch(/extend or revoke/);
    expect((await relay.services.grants.list({ incidentId: live.incidentId, clinicianId: DEMO.clinician.id, activeOnly: true })).map((g) => g.id)).toEqual([first.grantId]);
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'grant.create' && e.outcome === 'denied' && e.reason === 'GRANT_ALREADY_ACTIVE' && e.target.incidentId === live.incidentId)).toBe(true);

    // The on-call clinician accepting the officer's "watch me" gets a link to the grant they hold.
    await live.socket.request('incident.help', { requested: true });
    const { token: clinicianToken } = await relay.login(DEMO.clinician.username, DEMO.clinician.password);
    const accepted = await relay.api<{ grantId: string }>('POST', `/api/incidents/${live.incidentId}/help/accept`, { token: clinicianToken, body: {} });
    expect(accepted).toMatchObject({ status: 201, body: { grantId: first.grantId } });
    expect(await relay.services.grants.list({ incidentId: live.incidentId, clinicianId: DEMO.clinician.id, activeOnly: true })).toHaveLength(1);

    // The request is open in her inbox until her watching answers it: then it clears, leaves the
    // inbox, and the officer is told who answered.
    const { socket: inbox } = await signedInSocket(relay, DEMO.clinician);
    const openHelp = () => [...inbox.notifications].reverse().find((n) => n.type === 'inbox');
    await until(() => openHelp()?.type === 'inbox' && openHelp()!.help.some((h) => h.incidentId === live.incidentId), 3000, 'the request in the inbox');
    // Revoking the one grant cuts her off entirely, and frees the pair for a new grant.
    const { socket: viewer, reply } = await joinWith(relay, live.incidentId, first.token);
    expect(reply.ok).toBe(true);
    const answered = await live.socket.notification('help.answered');
    expect(answered).toMatchObject({ incidentId: live.incidentId, clinician: { userId: DEMO.clinician.id, name: 'Dr. Grace Okafor' } });
    expect(await relay.services.incidents.find(live.incidentId)).toMatchObject({ helpRequested: false, helpAnswer: { userId: DEMO.clinician.id } });
    await until(() => openHelp()?.type === 'inbox' && openHelp()!.help.length === 0, 3000, 'the request to leave the inbox');
    inbox.close();
    await relay.api('POST', `/api/grants/${first.grantId}/revoke`, { token: supervisorToken });
    expect((await viewer.notification('access.ended')).code).toBe('GRANT_REVOKED');
    const again = await grant(relay, live.incidentId, { clinicianId: DEMO.clinician.id });
    expect(again.grantId).not.toBe(first.grantId);
    for (const s of [viewer, live.socket]) s.close();
  });

  it('ending an incident ends every grant on it', async () => {
    const live = await goLive(relay);
    const a = await grant(relay, live.incidentId);
    const b = await grant(relay, live.incidentId, { clinicianId: DEMO.clinicianOffCall.id });
    await live.socket.request('incident.end');
    await until(async () => (await relay.services.grants.get(b.grantId)).revokedAt !== null, 2000, 'grants to end');
    for (const id of [a.grantId, b.grantId]) expect((await relay.services.grants.get(id)).revokeReason).toBe('INCIDENT_ENDED');
    // A link opened after the officer stopped says the incident ended, not that a supervisor withdrew it.
    const late = await joinWith(relay, live.incidentId, a.token);
    expect(late.reply).toMatchObject({ ok: false, error: { code: 'INCIDENT_ENDED' } });
    late.socket.close();
    live.socket.close();
  });

  it('pushes the console to supervisors as incidents, viewers and grants change, with no polling', async () => {
    const { socket: console_ } = await signedInSocket(relay, DEMO.supervisor);
    await console_.notification('console.incidents');
    const live = await goLive(relay);
    await until(() => latestConsole(console_)?.incidents.some((i) => i.id === live.incidentId), 2000, 'the new incident on the console');
    const granted = await grant(relay, live.incidentId);
    await until(() => latestConsole(console_)?.incidents.find((i) => i.id === live.incidentId)?.grants.some((g) => g.id === granted.grantId), 2000, 'the grant');
    const { socket: viewer } = await joinWith(relay, live.incidentId, granted.token);
    const watching = await until(
      () => latestConsole(console_)?.incidents.find((i) => i.id === live.incidentId && i.viewers.some((v) => v.userId === DEMO.clinician.id)),
      2000,
      'the viewer',
    );
    expect(watching.grants.find((g) => g.id === granted.grantId)).toMatchObject({ status: 'active', watching: true, clinician: { id: DEMO.clinician.id } });
    await live.socket.request('incident.location', { location: { lat: 43.65, lon: -79.38, accuracy: 15 } });
    await until(() => latestConsole(console_)?.incidents.find((i) => i.id === live.incidentId)?.location?.lat === 43.65, 2000, 'the location');
    await live.socket.request('incident.end');
    await until(() => !latestConsole(console_)?.incidents.some((i) => i.id === live.incidentId), 2000, 'the incident to leave the console');
    for (const s of [console_, viewer, live.socket]) s.close();
  });

  it('pushes the inbox to clinicians: pending, then active once joined, and a fresh link works', async () => {
    const { socket: inbox, token } = await signedInSocket(relay, DEMO.clinician);
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const latestInbox = () => [...inbox.notifications].reverse().find((n) => n.type === 'inbox') as Extract<TestSocket['notifications'][number], { type: 'inbox' }> | undefined;
    const pending = await until(() => latestInbox()?.entries.find((e) => e.grant.id === granted.grantId), 2000, 'the grant in the inbox');
    expect(pending).toMatchObject({ state: 'pending', incident: { id: live.incidentId, officerName: 'Cst. Ana Reyes' } });
    const link = await relay.api<{ token: string; link: string }>('POST', `/api/grants/${granted.grantId}/link`, { token, body: {} });
    expect(link.status).toBe(200);
    const { socket: viewer, reply } = await joinWith(relay, live.incidentId, link.body.token);
    expect(reply.ok).toBe(true);
    await until(() => latestInbox()?.entries.find((e) => e.grant.id === granted.grantId && e.state === 'active'), 2000, 'the grant to be active');
    const { token: otherToken } = await relay.login(DEMO.clinicianOffCall.username, DEMO.clinicianOffCall.password);
    expect(await relay.api('POST', `/api/grants/${granted.grantId}/link`, { token: otherToken, body: {} })).toMatchObject({ status: 404, body: { error: { code: 'GRANT_NOT_FOUND' } } });
    for (const s of [inbox, viewer, live.socket]) s.close();
  });

  it('lets a supervisor watch their agency’s incident, and no other', async () => {
    const live = await goLive(relay);
    const { socket } = await signedInSocket(relay, DEMO.supervisor);
    const watched = await socket.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) });
    expect(watched.consumers).toHaveLength(2);
    expect(watched.sendTransport).toBeNull();
    const { socket: durham } = await signedInSocket(relay, DEMO.durhamSupervisor);
    expect(await durham.send('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await socket.request('incident.leave')).toEqual({ incidentId: live.incidentId });
    expect(relay.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id)).toBe(false);
    expect((await socket.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) })).grantId).toBeNull();
    expect(await live.socket.send('incident.leave')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const { socket: officer2 } = await signedInSocket(relay, DEMO.officer2);
    expect(await officer2.send('watch', { incidentId: live.incidentId, rtpCapabilities: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    for (const s of [socket, durham, officer2, live.socket]) s.close();
  });
});
