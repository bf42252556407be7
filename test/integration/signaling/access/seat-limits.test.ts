// Bounded seats: one grant holds one seat (a second join takes it over, and the first is told and
// cut), a seat sends one stream per kind and source, a producer no viewer could receive is refused
// when offered instead of breaking later joins, and the node refuses viewers before its WebRTC
// ports run out, keeping a reserve so an officer can still start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, clinicianSession, goLive, grant, joinWith, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import { FAKE_RTP, TestSocket } from '../../../helpers/ws-client.ts';

describe('seat and producer limits', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(() => relay.close());

  it('one grant holds one seat: each new join takes it over, the previous holder is told and cut, and it is audited', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { permissions: ['view', 'talk'] });
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 24; i++) {
      const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
      expect(reply.ok, `join ${i}`).toBe(true);
      sockets.push(socket);
      const seats = relay.services.live.get(live.incidentId)!.participants().filter((p) => p.grantId === granted.grantId);
      expect(seats).toHaveLength(1);
    }
    for (const previous of sockets.slice(0, -1)) {
      expect((await previous.notification('access.ended')).code).toBe('SEAT_TAKEN_OVER');
      expect(await previous.send('consumers.resume', { consumerIds: ['x'] })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    }
    expect(sockets.at(-1)!.notifications.some((n) => n.type === 'access.ended')).toBe(false);
    const takeovers = (await relay.services.audit.log.entries()).filter((e) => e.action === 'seat.takeover' && e.target.grantId === granted.grantId);
    expect(takeovers).toHaveLength(23);
    // The media plane holds the one seat's transports only.
    await until(() => relay.services.media.ports.inUse <= 4, 2000, 'the replaced seats’ ports to be released');
    for (const s of [...sockets, live.socket]) s.close();
  });

  it('a seat sends one talk-back stream; further produce calls are refused with PRODUCER_LIMIT', async () => {
    const live = await goLive(relay, DEMO.officer2);
    const granted = await grant(relay, live.incidentId, { permissions: ['view', 'talk'] });
    const { socket, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply.ok).toBe(true);
    const transportId = reply.ok ? (reply.data.sendTransport as { id: string }).id : '';
    const talk = { transportId, kind: 'audio', rtpParameters: FAKE_RTP.audio, source: 'talkback', paused: true } as const;
    expect((await socket.send('produce', talk)).ok).toBe(true);
    const refusals: string[] = [];
    for (let i = 0; i < 20; i++) {
      const again = await socket.send('produce', { ...talk, rtpParameters: { ...FAKE_RTP.audio, encodings: [{ ssrc: 50_000 + i }] } });
      if (!again.ok) refusals.push(again.error.code);
    }
    expect(refusals).toHaveLength(20);
    expect(new Set(refusals)).toEqual(new Set(['PRODUCER_LIMIT']));
    const officer = relay.services.live.get(live.incidentId)!.officer!;
    expect(officer.media.consumerCount()).toBe(1);
    // The officer's camera is one audio and one video as well.
    const cameraTransport = live.started.sendTransport.id as string;
    expect(await live.socket.send('produce', { transportId: cameraTransport, kind: 'video', rtpParameters: { ...FAKE_RTP.video, encodings: [{ ssrc: 777 }] }, source: 'camera' })).toMatchObject({ ok: false, error: { code: 'PRODUCER_LIMIT' } });
    for (const s of [socket, live.socket]) s.close();
  });

  it('a producer no viewer could receive is refused when offered, and joins keep working', async () => {
    const { token } = await relay.login(DEMO.officer.username, DEMO.officer.password);
    const officer = await TestSocket.open(relay.wsUrl);
    await officer.request('auth', { token });
    const started = await officer.request('incident.start', { rtpCapabilities: await capabilities(relay) });
    const transportId = started.sendTransport.id as string;
    const encodings = Array.from({ length: 300 }, (_, i) => ({ rid: `r${i}`, scalabilityMode: 'L1T3' }));
    expect(await officer.send('produce', { transportId, kind: 'video', rtpParameters: { ...FAKE_RTP.video, encodings }, source: 'camera' })).toMatchObject({
      ok: false,
      error: { code: 'PRODUCER_UNSUPPORTED' },
    });
    await officer.request('produce', { transportId, kind: 'audio', rtpParameters: FAKE_RTP.audio, source: 'camera' });
    await officer.request('produce', { transportId, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera' });
    const granted = await grant(relay, started.incidentId);
    const { socket, reply } = await joinWith(relay, started.incidentId, granted.token);
    expect(reply.ok && reply.data.consumers).toHaveLength(2);
    for (const s of [socket, officer]) s.close();
  });
});

describe('node port capacity', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    // 20 ports, below the kernel's ephemeral range so no other socket takes one: 2 kept for officers, 18 for everyone.
    relay = await startRelay({ RTC_MIN_PORT: '31900', RTC_MAX_PORT: '31919' });
  });
  afterAll(() => relay.close());

  it('refuses viewers with NODE_AT_CAPACITY before the ports run out, and an officer can still start', async () => {
    const live = await goLive(relay);
    const { socket: supervisor } = await signedInSocket(relay, DEMO.supervisor);
    supervisor.close();
    const watchers: TestSocket[] = [];
    let refusal: unknown = null;
    for (let i = 0; i < 40 && !refusal; i++) {
      const { socket } = await signedInSocket(relay, DEMO.supervisor);
      watchers.push(socket);
      const watched = await socket.send('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) });
      if (!watched.ok) refusal = watched.error;
    }
    expect(refusal).toMatchObject({ code: 'NODE_AT_CAPACITY' });
    expect(watchers.length).toBe(17);
    expect(relay.services.media.ports.inUse).toBe(18);
    // A refused join is audited as refused, with no "joined" entry, and leaves its socket free.
    const granted = await grant(relay, live.incidentId);
    const before = (await relay.services.audit.log.entries()).length;
    const { socket: clinician, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply).toMatchObject({ ok: false, error: { code: 'NODE_AT_CAPACITY' } });
    const entries = (await relay.services.audit.log.entries()).slice(before);
    expect(entries.filter((e) => e.action === 'join').map((e) => [e.outcome, e.reason])).toEqual([['denied', 'NODE_AT_CAPACITY']]);
    // The reserve is there for an officer going live.
    const second = await goLive(relay, DEMO.officer2);
    expect(second.incidentId).toEqual(expect.any(String));
    // Once viewers leave, the refused socket joins (and the refused watcher watches) without
    // reconnecting: 20 ports in use now, a clinician with talk takes two and the watcher one.
    for (let i = 0; i < 5; i++) watchers.shift()!.close();
    await until(() => relay.services.media.ports.inUse <= 15, 2000, 'five viewers’ ports to be released');
    expect(await clinician.send('join', { incidentId: live.incidentId, grantToken: granted.token, session: await clinicianSession(relay, granted.token), rtpCapabilities: await capabilities(relay) })).toMatchObject({ ok: true });
    expect(await watchers.at(-1)!.send('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) })).toMatchObject({ ok: true });
    for (const s of [...watchers, clinician, live.socket, second.socket]) s.close();
  });
});
