import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../helpers/relay.ts';
import { goLive, grant, joinWith, storedGrant } from '../../helpers/scenario.ts';
import { until } from '../../helpers/until.ts';
import { FAKE_RTP } from '../../helpers/ws-client.ts';

describe('live path over real mediasoup and WebSocket', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  it('officer goes live with send and receive transports announced on loopback', async () => {
    const live = await goLive(relay);
    expect(live.incidentId).toMatch(/^inc-/);
    expect(live.started.sendTransport.iceCandidates.length).toBeGreaterThan(0);
    for (const candidate of live.started.sendTransport.iceCandidates) expect(candidate.address).toBe('127.0.0.1');
    expect(relay.services.media.room(live.incidentId)?.producers()).toHaveLength(2);
    await live.socket.request('incident.end');
    expect(relay.services.media.room(live.incidentId)).toBeUndefined();
    live.socket.close();
  });

  it('a granted clinician joins in one round trip, receives paused camera consumers, and talks back to the officer', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { permissions: ['view', 'talk'] });
    expect(granted.link).toContain(`/watch.html#incident=${live.incidentId}&token=`);
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply).toMatchObject({ ok: true });
    const joined = reply.ok ? reply.data : null;
    expect(joined.permissions.sort()).toEqual(['talk', 'view']);
    expect(joined.officer.userId).toBe(DEMO.officer.id);
    expect(joined.sendTransport).not.toBeNull();
    expect(joined.consumers.map((c: { kind: string }) => c.kind).sort()).toEqual(['audio', 'video']);
    expect(joined.consumers.every((c: { source: string }) => c.source === 'camera')).toBe(true);
    await socket.request('consumers.resume', { consumerIds: joined.consumers.map((c: { id: string }) => c.id) });

    // The officer sees the clinician in presence.
    const presence = await live.socket.waitFor(() =>
      [...live.socket.notifications].reverse().find((n) => n.type === 'presence' && n.participants.length === 1),
    );
    expect(presence.type === 'presence' && presence.participants[0]).toMatchObject({ userId: DEMO.clinician.id, watching: true, talking: false });

    // Talk-back: the officer is offered the clinician's audio.
    const talk = await socket.request('produce', {
      transportId: joined.sendTransport.id,
      kind: 'audio',
      rtpParameters: { ...FAKE_RTP.audio, encodings: [{ ssrc: 33333333 }] },
      source: 'talkback',
      paused: true,
    });
    const offered = await live.socket.notification('consumer.new');
    expect(offered.consumer).toMatchObject({ kind: 'audio', source: 'talkback', producerId: talk.producerId });
    expect(offered.consumer.from.userId).toBe(DEMO.clinician.id);
    await socket.request('producer.resume', { producerId: talk.producerId });
    await live.socket.waitFor(() =>
      live.socket.notifications.find((n) => n.type === 'presence' && n.participants.some((p) => p.talking)),
    );

    // A clinician may not send video or pretend to be the camera.
    const refused = await socket.send('produce', {
      transportId: joined.sendTransport.id,
      kind: 'video',
      rtpParameters: FAKE_RTP.video,
      source: 'camera',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });

    // Ending the incident cuts the clinician and says why.
    await live.socket.request('incident.end');
    const ended = await socket.notification('access.ended');
    expect(ended.code).toBe('INCIDENT_ENDED');
    socket.close();
    live.socket.close();
  });

  it('view-only grants get no send transport and cannot talk', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply.ok && reply.data.sendTransport).toBeNull();
    const talk = await socket.send('produce', {
      transportId: reply.ok ? reply.data.recvTransport.id : 'x',
      kind: 'audio',
      rtpParameters: FAKE_RTP.audio,
      source: 'talkback',
    });
    expect(talk).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    await live.socket.request('incident.end');
    socket.close();
    live.socket.close();
  });

  it('cuts the clinician within a second of the token expiring, without waiting for a reconnect', async () => {
    const live = await goLive(relay);
    const expiresAt = Date.now() + 1500;
    const { token, grantId } = await storedGrant(relay, { clinicianId: DEMO.clinician.id, incidentId: live.incidentId, expiresAt });
    const { socket, reply } = await joinWith(relay, live.incidentId, token);
    expect(reply.ok).toBe(true);
    const room = relay.services.media.room(live.incidentId);
    const peerId = relay.services.live.get(live.incidentId)?.participants().find((p) => !p.isOfficer)?.info.peerId;
    expect(peerId && room?.peer(peerId)?.consumerCount()).toBe(2);

    const ended = await socket.notification('access.ended');
    const cutAt = Date.now();
    expect(ended.code).toBe('GRANT_EXPIRED');
    expect(cutAt).toBeGreaterThanOrEqual(expiresAt);
    expect(cutAt).toBeLessThan(expiresAt + 1000);
    expect(peerId && room?.peer(peerId)).toBeUndefined();
    expect(room?.consumerCount()).toBe(0);
    // The media is cut first; the expiry's audit entry is appended right after.
    await until(
      async () => (await relay.services.audit.log.entries()).some((e) => e.action === 'grant.expire' && e.target.grantId === grantId),
      2000,
      'the grant.expire audit entry',
    );
    // The socket stays usable, but the grant is over.
    expect((await socket.send('ping')).ok).toBe(true);
    expect(await socket.send('consumers.resume', { consumerIds: ['x'] })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    await live.socket.request('incident.end');
    socket.close();
    live.socket.close();
  });

  it('records every access and refusal in the hash-chained audit trail', async () => {
    const entries = await relay.services.audit.log.entries();
    const actions = new Set(entries.map((e) => `${e.action}:${e.outcome}`));
    for (const expected of ['login:allowed', 'incident.start:allowed', 'grant.create:allowed', 'join:allowed', 'talk.start:allowed', 'incident.end:allowed']) {
      expect(actions).toContain(expected);
    }
    const join = entries.find((e) => e.action === 'join' && e.outcome === 'allowed');
    expect(join?.actor).toEqual({ id: DEMO.clinician.id, role: 'clinician', agencyId: 'harbour-health' });
    expect(join?.source.ip).toBe('127.0.0.1');
    entries.forEach((entry, index) => expect(entry.seq).toBe(index + 1));
  });

  it('renews a consumer that fell behind live: a fresh paused consumer of the same stream replaces it', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    const joined = reply.ok ? reply.data : null;
    const audio = joined.consumers.find((c: { kind: string }) => c.kind === 'audio');
    await socket.request('consumers.resume', { consumerIds: joined.consumers.map((c: { id: string }) => c.id) });
    const room = relay.services.media.room(live.incidentId)!;
    const peerId = relay.services.live.get(live.incidentId)!.participants().find((p) => !p.isOfficer)!.info.peerId;

    const { consumer } = await socket.request('consumer.renew', { consumerId: audio.id });
    expect(consumer.id).not.toBe(audio.id);
    expect(consumer).toMatchObject({ kind: 'audio', source: 'camera', producerId: audio.producerId });
    expect(consumer.from.userId).toBe(DEMO.officer.id);
    expect(room.peer(peerId)!.consumerCount()).toBe(2);
    await socket.request('consumers.resume', { consumerIds: [consumer.id] });
    // The old one is gone, and only this connection's own consumers can be renewed.
    expect(await socket.send('consumer.renew', { consumerId: audio.id })).toMatchObject({ ok: false, error: { code: 'CONSUMER_NOT_FOUND' } });
    expect(await socket.send('consumer.renew', { consumerId: 'not-a-consumer' })).toMatchObject({ ok: false, error: { code: 'CONSUMER_NOT_FOUND' } });
    await live.socket.request('incident.end');
    socket.close();
    live.socket.close();
  });
});
