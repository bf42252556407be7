// The console's viewer takes a seat on a socket of its own: signed in with `feed: false`, it gets
// no console pushes (the console's own socket has them), watches, keeps that choice when it
// resumes after a drop, and releases the seat at once on `incident.leave`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, goLive } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

const pushes = (socket: TestSocket) => socket.notifications.filter((n) => n.type === 'console.incidents' || n.type === 'alert.help').length;

describe('a seat-only socket (auth with feed: false)', () => {
  let relay: TestRelay;
  let token: string;
  beforeAll(async () => {
    relay = await startRelay({ RESUME_GRACE_SECONDS: '30' });
    ({ token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password));
  });
  afterAll(async () => relay.close());

  it('watches without the console feed, resumes without it, and leaves at once', async () => {
    const live = await goLive(relay);
    const console_ = await TestSocket.open(relay.wsUrl);
    await console_.request('auth', { token });
    const seat = await TestSocket.open(relay.wsUrl);
    await seat.request('auth', { token, feed: false });
    const watched = await seat.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) });
    await until(() => console_.notifications.some((n) => n.type === 'console.incidents'), 3000, 'the console socket gets its feed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pushes(seat), 'the seat socket gets no console pushes').toBe(0);

    // The network drops; the seat comes back on a new socket, still without the feed.
    seat.close();
    const resumedSocket = await TestSocket.open(relay.wsUrl);
    const resumed = await resumedSocket.request('resume', { resumeToken: watched.resumeToken });
    expect(resumed.incidentId).toBe(live.incidentId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pushes(resumedSocket), 'nor after it resumed').toBe(0);

    const seated = () => relay.services.live.get(live.incidentId)!.participants().filter((p) => p.info.userId === DEMO.supervisor.id).length;
    expect(seated()).toBe(1);
    await resumedSocket.request('incident.leave');
    expect(seated(), 'the seat is released before the reply').toBe(0);
    const audit = await relay.services.audit.log.entries();
    expect(audit.filter((e) => e.action === 'leave' && e.actor?.id === DEMO.supervisor.id && e.target.incidentId === live.incidentId)).toHaveLength(1);

    resumedSocket.close();
    console_.close();
    await live.socket.request('incident.end');
    live.socket.close();
  });

  it('a socket signed in as before (no feed flag) still gets the feed', async () => {
    const socket = await TestSocket.open(relay.wsUrl);
    await socket.request('auth', { token });
    await until(() => pushes(socket) > 0, 3000, 'the console feed');
    socket.close();
  });
});
