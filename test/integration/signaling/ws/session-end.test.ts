// A signalling socket does not outlive the session it signed in with: sign-out, idle or lifetime
// expiry and account lockout end its seat with SESSION_ENDED, close it with no resume, and are
// audited; on one node, and across two nodes sharing a real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { startTwoNodes, type TwoNodes } from '../../../helpers/two-nodes.ts';
import { capabilities, goLive, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

const closed = (socket: TestSocket) => until(() => socket.closeCode !== null, 5000, 'the socket closed');
const sessionEnds = async (relay: TestRelay) => (await relay.services.audit.log.entries()).filter((e) => e.action === 'signalling.session-end');

describe('sockets of an ended session (one node)', () => {
  let relay: TestRelay;
  let clockOffset = 0;

  beforeAll(async () => {
    // Dropped sockets keep their seats for resume here, as in production.
    relay = await startRelay({ RESUME_GRACE_SECONDS: '30' }, { now: () => Date.now() + clockOffset });
  });
  afterAll(async () => relay.close());

  it('sign-out ends a watching supervisor’s seat with SESSION_ENDED and closes every socket of that session', async () => {
    const live = await goLive(relay);
    const { socket: watcher, token } = await signedInSocket(relay, DEMO.supervisor);
    const second = await TestSocket.open(relay.wsUrl);
    await second.request('auth', { token });
    await watcher.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) });
    expect(relay.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id)).toBe(true);

    expect((await relay.api('DELETE', '/api/session', { token })).status).toBe(204);
    const ended = await watcher.notification('access.ended');
    expect(ended).toMatchObject({ incidentId: live.incidentId, code: 'SESSION_ENDED' });
    await closed(watcher);
    await closed(second);
    expect(watcher.closeCode).toBe(1008);
    expect(relay.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id)).toBe(false);
    const audited = await until(async () => ((await sessionEnds(relay)).length >= 2 ? sessionEnds(relay) : undefined), 3000, 'both sockets audited');
    expect(audited.find((e) => e.target.incidentId === live.incidentId)).toMatchObject({
      outcome: 'info',
      actor: { id: DEMO.supervisor.id },
      reason: 'SESSION_ENDED',
      detail: { cause: 'logout', seat: 'viewer' },
    });
    // The incident carries on for its officer.
    expect(relay.services.live.get(live.incidentId)).toBeDefined();
    await live.socket.request('incident.end');
    live.socket.close();
  });

  it('a signed-out officer’s socket can no longer start an incident; another session of the same officer is untouched', async () => {
    const { socket, token } = await signedInSocket(relay, DEMO.officer2);
    const { socket: other } = await signedInSocket(relay, DEMO.officer2);
    expect((await relay.api('DELETE', '/api/session', { token })).status).toBe(204);
    await closed(socket);
    expect(socket.ws.readyState).not.toBe(socket.ws.OPEN);
    expect(relay.services.live.all().some((l) => l.incident.officerId === DEMO.officer2.id)).toBe(false);
    expect((await other.send('ping')).ok).toBe(true);
    other.close();
  });

  it('an idle session found by the sweep ends the officer’s live incident and closes the socket', async () => {
    const live = await goLive(relay, DEMO.officer2);
    clockOffset += (relay.services.config.SESSION_IDLE_SECONDS + 1) * 1000;
    await relay.services.sessions.sweep();
    await closed(live.socket);
    await until(() => relay.services.live.get(live.incidentId) === undefined, 3000, 'the incident ended');
    const entry = (await sessionEnds(relay)).find((e) => e.target.incidentId === live.incidentId);
    expect(entry).toMatchObject({ actor: { id: DEMO.officer2.id }, detail: { cause: 'idle', seat: 'officer' } });
  });

  it('a seat kept for resume after its socket dropped ends at sign-out, not at the end of the grace period', async () => {
    const live = await goLive(relay);
    const { socket: watcher, token } = await signedInSocket(relay, DEMO.supervisor);
    await watcher.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) });
    const watching = () => relay.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id);
    watcher.close();
    await closed(watcher);
    expect(watching()).toBe(true);
    expect((await relay.api('DELETE', '/api/session', { token })).status).toBe(204);
    await until(() => !watching(), 3000, 'the kept seat to end');
    await until(async () => (await sessionEnds(relay)).find((e) => e.target.incidentId === live.incidentId), 3000, 'the kept seat’s end audited');
    await live.socket.request('incident.end');
    live.socket.close();
  });

  it('locking the account closes the sockets of all its sessions', async () => {
    clockOffset = 0;
    const { socket } = await signedInSocket(relay, DEMO.clinicianOffCall);
    await socket.notification('inbox');
    for (let i = 0; i < 5; i++) await relay.api('POST', '/api/session', { body: { username: DEMO.clinicianOffCall.username, password: 'wrong-password' } });
    await closed(socket);
    const entry = await until(async () => (await sessionEnds(relay)).find((e) => e.actor?.id === 'u-clin-silva'), 3000, 'the lockout audited');
    expect(entry.detail).toMatchObject({ cause: 'locked' });
  });
});

describe('sockets of an ended session (two nodes on one Redis)', () => {
  let nodes: TwoNodes;
  let a: TestRelay;
  let b: TestRelay;
  beforeAll(async () => {
    nodes = await startTwoNodes();
    ({ a, b } = nodes);
  });
  afterAll(async () => nodes?.close());

  it('sign-out on node A ends a supervisor’s watch served by node A for a socket on node B', async () => {
    const live = await goLive(a);
    const { socket: watcher, token } = await signedInSocket(b, DEMO.supervisor);
    await watcher.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(b) });
    expect(a.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id)).toBe(true);

    expect((await a.api('DELETE', '/api/session', { token })).status).toBe(204);
    const ended = await watcher.notification('access.ended');
    expect(ended).toMatchObject({ incidentId: live.incidentId, code: 'SESSION_ENDED' });
    await closed(watcher);
    expect(watcher.closeCode).toBe(1008);
    expect(a.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id)).toBe(false);
    await live.socket.request('incident.end');
    live.socket.close();
  });
});
