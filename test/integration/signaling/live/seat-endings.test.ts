// A seat ends the same way whichever channel carries it (a signalling socket, a WHEP player), and
// each ending is audited once, by what ended it: a revoked grant by its grant.revoke, an expired
// one by its grant.expire, a viewer leaving of its own accord by one leave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantResponse } from '../../../../signaling/protocol/http.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { offerSdp } from '../../../helpers/sdp-offers.ts';
import { goLive, grant, joinWith, registerPlayer, storedGrant } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';

describe('how a seat ends, on either channel', () => {
  let relay: TestRelay;
  let live: Awaited<ReturnType<typeof goLive>>;
  let player: string;
  let supervisorToken: string;
  beforeAll(async () => {
    // A WHEP player here never connects its transport: the grace period outlasts each case.
    relay = await startRelay({ RESUME_GRACE_SECONDS: '30' });
    live = await goLive(relay);
    player = await registerPlayer(relay);
    ({ token: supervisorToken } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password));
  });
  afterAll(async () => {
    await live.socket.request('incident.end');
    live.socket.close();
    await relay.close();
  });

  /** Seats the clinician with `granted` over the channel; returns how the seat leaves of its own accord. */
  async function seat(channel: 'signalling' | 'whep', granted: GrantResponse): Promise<() => Promise<void>> {
    if (channel === 'signalling') {
      const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
      expect(reply).toMatchObject({ ok: true });
      return async () => {
        await socket.request('incident.leave');
        socket.close();
      };
    }
    const played = await fetch(`${relay.url}/whep/${live.incidentId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${player}` },
      body: offerSdp({ direction: 'recvonly' }),
    });
    expect(played.status).toBe(201);
    const resource = new URL(played.headers.get('location')!, relay.url);
    return async () => {
      expect((await fetch(resource, { method: 'DELETE', headers: { authorization: `Bearer ${player}` } })).status).toBe(200);
    };
  }

  const seated = () => relay.services.live.get(live.incidentId)!.participants().filter((p) => p.info.userId === DEMO.clinician.id).length;
  const endings = async (grantId: string) =>
    (await relay.services.audit.log.entries()).filter((e) => e.target.grantId === grantId && ['leave', 'grant.revoke', 'grant.expire'].includes(e.action)).map((e) => e.action);

  for (const channel of ['signalling', 'whep'] as const) {
    it(`over ${channel}: revoked, expired and left are each audited once, by what ended the seat`, async () => {
      const revoked = await grant(relay, live.incidentId, { permissions: ['view'] });
      await seat(channel, revoked);
      expect(seated()).toBe(1);
      expect((await relay.api('POST', `/api/grants/${revoked.grantId}/revoke`, { token: supervisorToken })).status).toBe(200);
      await until(() => seated() === 0, 5000, 'the revoked seat is cut');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await endings(revoked.grantId)).toEqual(['grant.revoke']);

      const expiring = await storedGrant(relay, { incidentId: live.incidentId, clinicianId: DEMO.clinician.id, expiresAt: Date.now() + 1500, permissions: ['view'] });
      await seat(channel, expiring);
      expect(seated()).toBe(1);
      await until(() => seated() === 0, 5000, 'the expired seat is cut');
      await until(async () => (await endings(expiring.grantId)).length > 0, 3000, 'the expiry is audited');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await endings(expiring.grantId)).toEqual(['grant.expire']);

      const leaving = await grant(relay, live.incidentId, { permissions: ['view'] });
      const leave = await seat(channel, leaving);
      await leave();
      expect(seated()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await endings(leaving.grantId)).toEqual(['leave']);
      expect((await relay.api('POST', `/api/grants/${leaving.grantId}/revoke`, { token: supervisorToken })).status).toBe(200);
    });
  }
});
