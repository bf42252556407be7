// Signalling `join` and WHEP play go through one admission: the same checks, and audit entries
// that say the same things about the clinician whichever channel they came on. A grant is
// redeemed only by its clinician: signed in (signalling) or through a player device registered to
// them (WHEP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessReport } from '../../../../signaling/protocol/audit.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { offerSdp } from '../../../helpers/sdp-offers.ts';
import { endGrants, goLive, grant, joinWith, registerPlayer } from '../../../helpers/scenario.ts';

describe('one admission for every channel', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  const whep = (incidentId: string, token: string) =>
    fetch(`${relay.url}/whep/${incidentId}`, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: offerSdp({ direction: 'recvonly' }) });

  it('a join and a WHEP play are audited alike, and so are their refusals', async () => {
    const live = await goLive(relay);
    const overSignalling = await grant(relay, live.incidentId, { permissions: ['view'] });
    const { socket, reply } = await joinWith(relay, live.incidentId, overSignalling.token);
    expect(reply).toMatchObject({ ok: true });
    socket.close();
    await endGrants(relay, live.incidentId);
    const overWhep = await grant(relay, live.incidentId, { permissions: ['view'] });
    const player = await registerPlayer(relay);
    const played = await whep(live.incidentId, player);
    expect(played.status).toBe(201);

    const entries = await relay.services.audit.log.entries();
    const joined = (grantId: string) => entries.find((e) => e.action === 'join' && e.outcome === 'allowed' && e.target.grantId === grantId)!;
    const clinician = { id: DEMO.clinician.id, role: 'clinician' };
    const common = { actor: clinician, detail: { permissions: 'view', expiresAt: expect.any(Number) } };
    expect(joined(overSignalling.grantId)).toMatchObject(common);
    expect(joined(overWhep.grantId)).toMatchObject({ ...common, detail: { ...common.detail, via: 'whep' } });
    expect(Object.keys(joined(overWhep.grantId).detail!).sort()).toEqual([...Object.keys(joined(overSignalling.grantId).detail!), 'via'].sort());

    // A leaked link is useless to anyone but its clinician, on either channel: over WHEP a viewing
    // token is no credential; in signalling it needs the clinician's own session.
    const before = entries.length;
    expect((await whep(live.incidentId, overWhep.token)).status).toBe(401);
    const unsigned = await joinWith(relay, live.incidentId, overWhep.token, null);
    expect(unsigned.reply).toMatchObject({ ok: false, error: { code: 'SIGN_IN_REQUIRED' } });
    unsigned.socket.close();
    const { token: someoneElse } = await relay.login(DEMO.clinicianOffCall.username, DEMO.clinicianOffCall.password);
    const stolen = await joinWith(relay, live.incidentId, overWhep.token, someoneElse);
    expect(stolen.reply).toMatchObject({ ok: false, error: { code: 'GRANT_NOT_YOURS' } });
    stolen.socket.close();
    const refusals = (await relay.services.audit.log.entries()).slice(before).filter((e) => e.action === 'join' && e.outcome === 'denied');
    expect(refusals.map((e) => ({ reason: e.reason, actor: e.actor?.id ?? null, grantId: e.target.grantId ?? null, via: e.detail?.via ?? null }))).toEqual([
      { reason: 'DEVICE_LOGIN_FAILED', actor: null, grantId: null, via: 'whep' },
      { reason: 'SIGN_IN_REQUIRED', actor: null, grantId: overWhep.grantId, via: null },
      { reason: 'GRANT_NOT_YOURS', actor: DEMO.clinicianOffCall.id, grantId: overWhep.grantId, via: null },
    ]);

    // The player closes its resource: it left, nothing ended the incident; the access report has
    // both accesses, each on its channel.
    const closed = await fetch(new URL(played.headers.get('location')!, relay.url), { method: 'DELETE', headers: { authorization: `Bearer ${player}` } });
    expect(closed.status).toBe(200);
    const left = (await relay.services.audit.log.entries()).find((e) => e.action === 'leave' && e.target.grantId === overWhep.grantId)!;
    expect(left).toMatchObject({ outcome: 'info', detail: { via: 'whep' } });
    expect(left.reason).toBeUndefined();
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const report = await relay.api<AccessReport>('GET', `/api/incidents/${live.incidentId}/access-report`, { token });
    expect(report.body.sessions.map((s) => [s.authority, s.via, s.grantId, s.endedBy, s.endReason])).toEqual([
      ['incident-officer', 'console', null, null, null],
      ['grant', 'console', overSignalling.grantId, 'leave', null],
      ['grant', 'whep', overWhep.grantId, 'leave', null],
    ]);

    await live.socket.request('incident.end');
    live.socket.close();
  });
});
