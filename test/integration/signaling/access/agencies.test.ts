import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive, grant, joinWith, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import type { TestSocket } from '../../../helpers/ws-client.ts';

type Notification = TestSocket['notifications'][number];
const latest = <T extends Notification['type']>(socket: TestSocket, type: T) =>
  [...socket.notifications].reverse().find((n) => n.type === type) as Extract<Notification, { type: T }> | undefined;

describe('sharing agreements and "watch me" across agencies', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  it('a "marked only" partner sees an incident once it is marked, grants its own clinician, and loses both when the agreement is revoked', async () => {
    const live = await goLive(relay);
    const { socket: durhamConsole, token: durhamToken } = await signedInSocket(relay, DEMO.durhamSupervisor);
    await durhamConsole.notification('console.incidents');
    const visible = async () => (await relay.api<Array<{ id: string }>>('GET', '/api/incidents', { token: durhamToken })).body.map((i) => i.id);
    expect(await visible()).not.toContain(live.incidentId);
    const early = await relay.api('POST', `/api/incidents/${live.incidentId}/grants`, { token: durhamToken, body: { clinicianId: DEMO.durhamClinician.id, permissions: ['view'], ttlSeconds: 600 } });
    expect(early).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });

    // Metro's supervisor marks the incident for sharing.
    const { token: metroToken } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect((await relay.api('PATCH', `/api/incidents/${live.incidentId}`, { token: metroToken, body: { shared: true } })).status).toBe(200);
    expect(await visible()).toContain(live.incidentId);
    await until(() => latest(durhamConsole, 'console.incidents')?.incidents.find((i) => i.id === live.incidentId && i.access === 'shared'), 2000, 'the shared incident on Durham’s console');

    // Durham may grant only its own clinicians, under the agreement.
    const toHarbour = await relay.api('POST', `/api/incidents/${live.incidentId}/grants`, { token: durhamToken, body: { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 600 } });
    expect(toHarbour).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const clinicians = await relay.api<Array<{ id: string }>>('GET', `/api/clinicians?incidentId=${live.incidentId}`, { token: durhamToken });
    expect(clinicians.body.map((c) => c.id)).toEqual([DEMO.durhamClinician.id]);
    const granted = await grant(relay, live.incidentId, { supervisor: DEMO.durhamSupervisor, clinicianId: DEMO.durhamClinician.id, permissions: ['view'] });
    expect((await relay.services.grants.get(granted.grantId)).agreementId).toBe('agr-metro-durham');
    const { socket: clinician, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply.ok).toBe(true);

    // Only an admin of the sharing agency may revoke the agreement.
    const { token: durhamAdmin } = await relay.login(DEMO.durhamAdmin.username, DEMO.durhamAdmin.password);
    expect(await relay.api('POST', '/api/agreements/agr-metro-durham/revoke', { token: durhamAdmin, body: {} })).toMatchObject({ status: 403 });
    const { token: metroAdmin } = await relay.login(DEMO.admin.username, DEMO.admin.password);
    expect((await relay.api('POST', '/api/agreements/agr-metro-durham/revoke', { token: metroAdmin, body: {} })).status).toBe(200);
    // The clinician is told that sharing was withdrawn, not that the incident ended or a supervisor revoked.
    expect((await clinician.notification('access.ended')).code).toBe('ACCESS_WITHDRAWN');
    expect((await relay.services.grants.get(granted.grantId)).revokeReason).toBe('AGREEMENT_REVOKED');
    // The grant's end is audited in the name of the admin who withdrew the sharing.
    const ended = (await relay.services.audit.log.entries()).find((e) => e.action === 'grant.revoke' && e.target.grantId === granted.grantId);
    expect(ended).toMatchObject({ outcome: 'info', reason: 'AGREEMENT_REVOKED', actor: { id: DEMO.admin.id }, detail: { cause: 'agreement.revoke' } });
    expect(await visible()).not.toContain(live.incidentId);
    await until(() => !latest(durhamConsole, 'console.incidents')?.incidents.some((i) => i.id === live.incidentId), 2000, 'the incident to leave Durham’s console');
    const rejoin = await joinWith(relay, live.incidentId, granted.token);
    expect(rejoin.reply).toMatchObject({ ok: false, error: { code: 'ACCESS_WITHDRAWN' } });

    // Agreements can be made again by the sharing agency's admin.
    const created = await relay.api<{ id: string }>('POST', '/api/agreements', { token: metroAdmin, body: { toAgencyId: 'durham-police', scope: 'marked' } });
    expect(created.status).toBe(201);
    expect(await relay.api('POST', '/api/agreements', { token: metroAdmin, body: { toAgencyId: 'durham-police', scope: 'all' } })).toMatchObject({ status: 409, body: { error: { code: 'AGREEMENT_EXISTS' } } });
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'agreement.revoke' && e.outcome === 'denied' && e.actor?.id === DEMO.durhamAdmin.id)).toBe(true);
    expect(audit.some((e) => e.action === 'agreement.create' && e.outcome === 'allowed')).toBe(true);
    for (const s of [durhamConsole, clinician, rejoin.socket, live.socket]) s.close();
  });

  it('"watch me" alerts supervisors and on-call clinicians who may see it; an on-call clinician accepts in one step', async () => {
    const { socket: metroConsole } = await signedInSocket(relay, DEMO.supervisor);
    const { socket: durhamConsole } = await signedInSocket(relay, DEMO.durhamSupervisor);
    const { socket: onCall, token: onCallToken } = await signedInSocket(relay, DEMO.clinician);
    const { socket: offCall, token: offCallToken } = await signedInSocket(relay, DEMO.clinicianOffCall);
    const live = await goLive(relay, DEMO.officer2);
    expect(await relay.api('POST', `/api/incidents/${live.incidentId}/help/accept`, { token: onCallToken, body: {} })).toMatchObject({
      status: 409,
      body: { error: { code: 'HELP_NOT_REQUESTED' } },
    });
    await live.socket.request('incident.help', { requested: true });
    const alert = await metroConsole.notification('alert.help');
    expect(alert.alert).toMatchObject({ incidentId: live.incidentId, officerName: 'Cst. Daniel Park', agencyId: 'metro-police' });
    expect((await onCall.notification('alert.help')).alert.incidentId).toBe(live.incidentId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(offCall.notifications.some((n) => n.type === 'alert.help')).toBe(false);
    expect(durhamConsole.notifications.some((n) => n.type === 'alert.help')).toBe(false); // not marked for sharing
    await until(() => latest(metroConsole, 'console.incidents')?.incidents.find((i) => i.id === live.incidentId)?.helpRequested, 2000, 'the help flag');

    expect(await relay.api('POST', `/api/incidents/${live.incidentId}/help/accept`, { token: offCallToken, body: {} })).toMatchObject({ status: 403 });
    const accepted = await relay.api<{ token: string; permissions: string[] }>('POST', `/api/incidents/${live.incidentId}/help/accept`, { token: onCallToken, body: {} });
    expect(accepted).toMatchObject({ status: 201, body: { permissions: ['view', 'talk'] } });
    const { socket: viewer, reply } = await joinWith(relay, live.incidentId, accepted.body.token);
    expect(reply.ok).toBe(true);
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'help.request' && e.target.incidentId === live.incidentId)).toBe(true);
    expect(audit.find((e) => e.action === 'grant.create' && e.actor?.id === DEMO.clinician.id)?.detail?.authority).toBe('help-request');
    for (const s of [metroConsole, durhamConsole, onCall, offCall, viewer, live.socket]) s.close();
  });
});
