// A seat made ready ahead of a join (the inbox's pre-connection): a receive transport with nothing
// consumed, admitted like a join but audited only when refused; the join on the same socket takes
// it over and its consumers run at once; it ends with its grant (revoked, expired), with the
// incident, with its socket, and when the same grant prepares again elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantResponse } from '../../../../signaling/protocol/http.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, clinicianSession, endGrants, goLive, grant, storedGrant } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

const SCTP = { numStreams: { OS: 1024, MIS: 1024 } };

describe('seats prepared ahead of a join', () => {
  let relay: TestRelay;
  let live: Awaited<ReturnType<typeof goLive>>;
  let supervisorToken: string;
  beforeAll(async () => {
    relay = await startRelay({ RESUME_GRACE_SECONDS: '0' });
    live = await goLive(relay);
    ({ token: supervisorToken } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password));
  });
  afterAll(async () => {
    live.socket.close();
    await relay.close();
  });

  const incident = () => relay.services.live.get(live.incidentId)!;
  const prepared = () => incident().prepared.size;
  const transports = () => incident().room.peers().reduce((n, peer) => n + peer.transportCount(), 0);
  const entriesOf = async (grantId: string) => (await relay.services.audit.log.entries()).filter((e) => e.target.grantId === grantId);

  async function prepare(granted: GrantResponse, incidentId = live.incidentId) {
    const socket = await TestSocket.open(relay.wsUrl);
    const session = await clinicianSession(relay, granted.token);
    const reply = await socket.send('prepare', { incidentId, grantId: granted.grantId, session, sctpCapabilities: SCTP });
    return { socket, session, reply };
  }

  it('holds a connected-to-be transport with nothing consumed, unaudited; the join takes it over and runs its sound at once', async () => {
    await endGrants(relay, live.incidentId);
    const granted = await grant(relay, live.incidentId);
    const before = transports();
    const { socket, session, reply } = await prepare(granted);
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data.recvTransport.sctpParameters).toBeTruthy();
    expect(reply.data.dataConsumer.dataProducerId).toBeTruthy();
    expect(reply.data.expiresAt).toBe(granted.expiresAt);
    expect(prepared()).toBe(1);
    expect(transports()).toBe(before + 1);
    expect(incident().participants().some((p) => p.info.userId === DEMO.clinician.id), 'not a participant: no presence').toBe(false);
    expect(incident().room.consumerCount(), 'nothing consumed').toBe(0);
    expect((await entriesOf(granted.grantId)).map((e) => e.action), 'nothing is audited for a prepared seat').toEqual(['grant.create']);

    const joined = await socket.request('join', { incidentId: live.incidentId, grantId: granted.grantId, session, rtpCapabilities: await capabilities(relay) });
    expect(joined.recvTransport.id, 'the prepared transport is the seat’s').toBe(reply.data.recvTransport.id);
    expect(joined.consumers.map((c: { kind: string }) => c.kind).sort()).toEqual(['audio', 'video']);
    const audio = joined.consumers.find((c: { kind: string }) => c.kind === 'audio');
    expect(joined.running, 'its sound runs at once; its video when the browser is ready').toEqual([audio.id]);
    expect(prepared()).toBe(0);
    const participant = incident().participants().find((p) => p.info.userId === DEMO.clinician.id)!;
    expect(participant.media.transportCount(), 'receive (taken over) and send (talk)').toBe(2);
    expect((await entriesOf(granted.grantId)).map((e) => `${e.action}:${e.outcome}`)).toEqual(['grant.create:allowed', 'join:allowed']);
    socket.close();
    await until(() => !incident().participants().some((p) => p.info.userId === DEMO.clinician.id), 3000, 'the seat goes with its socket');
  });

  it('sends the camera’s streams on the receivers the browser bound ahead, running from the join', async () => {
    await endGrants(relay, live.incidentId);
    const granted = await grant(relay, live.incidentId);
    const { socket, session, reply } = await prepare(granted);
    expect(reply.ok).toBe(true);
    const joined = await socket.request('join', {
      incidentId: live.incidentId,
      grantId: granted.grantId,
      session,
      rtpCapabilities: await capabilities(relay),
      bound: { video: 'bv', audio: 'ba' },
    });
    const mids = Object.fromEntries(joined.consumers.map((c: { kind: string; rtpParameters: { mid?: string } }) => [c.kind, c.rtpParameters.mid]));
    expect(mids).toEqual({ video: 'bv', audio: 'ba' });
    // With the SSRCs the prepare reply gave the browser for them: its receivers are signalled ahead.
    type Encodings = { encodings: Array<{ ssrc: number; rtx?: { ssrc: number } }> };
    const encodings = Object.fromEntries(joined.consumers.map((c: { kind: string; rtpParameters: Encodings }) => [c.kind, c.rtpParameters.encodings[0]]));
    const { boundSsrcs } = (reply as { data: unknown }).data as { boundSsrcs: { video: { ssrc: number; rtxSsrc: number }; audio: { ssrc: number } } };
    expect(encodings).toEqual({ video: { ssrc: boundSsrcs.video.ssrc, rtx: { ssrc: boundSsrcs.video.rtxSsrc } }, audio: { ssrc: boundSsrcs.audio.ssrc } });
    expect([...joined.running].sort(), 'both run at once: the browser has nothing to set up').toEqual(joined.consumers.map((c: { id: string }) => c.id).sort());
    const participant = incident().participants().find((p) => p.info.userId === DEMO.clinician.id)!;
    expect(participant.media.consumerCount(), 'the two streams, on the prepared transport').toBe(2);
    expect((await entriesOf(granted.grantId)).map((e) => `${e.action}:${e.outcome}`), 'the join is still the access on record').toEqual(['grant.create:allowed', 'join:allowed']);
    socket.close();
    await until(() => !incident().participants().some((p) => p.info.userId === DEMO.clinician.id), 3000, 'the seat goes with its socket');
  });

  it('binds nothing on a join that did not prepare its seat', async () => {
    await endGrants(relay, live.incidentId);
    const granted = await grant(relay, live.incidentId);
    const socket = await TestSocket.open(relay.wsUrl);
    const session = await clinicianSession(relay, granted.token);
    const joined = await socket.request('join', { incidentId: live.incidentId, grantId: granted.grantId, session, rtpCapabilities: await capabilities(relay), bound: { video: 'bv', audio: 'ba' } });
    expect(joined.consumers.map((c: { rtpParameters: { mid?: string } }) => c.rtpParameters.mid).some((mid: string) => mid === 'bv' || mid === 'ba'), 'no transport to bind on').toBe(false);
    expect(joined.running).toBeUndefined();
    socket.close();
    await until(() => !incident().participants().some((p) => p.info.userId === DEMO.clinician.id), 3000, 'the seat goes with its socket');
  });

  it('is refused, and audited, for a grant that is not the session holder’s, and once per connection', async () => {
    await endGrants(relay, live.incidentId);
    const granted = await grant(relay, live.incidentId);
    const socket = await TestSocket.open(relay.wsUrl);
    const { token: otherSession } = await relay.login(DEMO.clinicianOffCall.username, DEMO.clinicianOffCall.password);
    const refused = await socket.send('prepare', { incidentId: live.incidentId, grantId: granted.grantId, session: otherSession, sctpCapabilities: SCTP });
    expect(refused).toMatchObject({ ok: false, error: { code: 'GRANT_NOT_FOUND' } });
    const denied = (await entriesOf(granted.grantId)).filter((e) => e.action === 'prepare');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ outcome: 'denied', reason: 'GRANT_NOT_FOUND', actor: { id: DEMO.clinicianOffCall.id } });
    socket.close();

    const { socket: held, session } = await prepare(granted);
    const again = await held.send('prepare', { incidentId: live.incidentId, grantId: granted.grantId, session, sctpCapabilities: SCTP });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
    expect(prepared()).toBe(1);
    held.close();
    await until(() => prepared() === 0, 3000, 'a prepared seat goes with its socket');
  });

  it('ends when its grant is revoked, when it expires, and when the same grant prepares elsewhere', async () => {
    await endGrants(relay, live.incidentId);
    const revoked = await grant(relay, live.incidentId);
    const first = await prepare(revoked);
    const second = await prepare(revoked);
    const takenOver = await first.socket.notification('access.ended');
    expect(takenOver.code).toBe('SEAT_TAKEN_OVER');
    expect(prepared()).toBe(1);
    expect((await relay.api('POST', `/api/grants/${revoked.grantId}/revoke`, { token: supervisorToken })).status).toBe(200);
    expect((await second.socket.notification('access.ended')).code).toBe('GRANT_REVOKED');
    expect(prepared()).toBe(0);
    first.socket.close();
    second.socket.close();

    const expiring = await storedGrant(relay, { incidentId: live.incidentId, clinicianId: DEMO.clinician.id, expiresAt: Date.now() + 1500 });
    const soon = await prepare(expiring);
    expect(soon.reply.ok).toBe(true);
    expect((await soon.socket.notification('access.ended')).code).toBe('GRANT_EXPIRED');
    expect(prepared()).toBe(0);
    soon.socket.close();
  });

  it('ends with its incident', async () => {
    const other = await goLive(relay, DEMO.officer2);
    const granted = await grant(relay, other.incidentId);
    const { socket, reply } = await prepare(granted, other.incidentId);
    expect(reply.ok).toBe(true);
    await other.socket.request('incident.end');
    expect((await socket.notification('access.ended')).code).toBe('INCIDENT_ENDED');
    socket.close();
    other.socket.close();
  });
});
