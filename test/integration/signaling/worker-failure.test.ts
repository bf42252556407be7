import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from '../../helpers/relay.ts';
import { goLive, grant, joinWith } from '../../helpers/scenario.ts';
import { until } from '../../helpers/until.ts';

describe('a dying mediasoup worker does not take the relay down', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  it('ends the incidents on the worker cleanly, tells everyone why, and keeps serving', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const { socket: viewer, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply.ok).toBe(true);
    const [pid] = relay.services.media.workerPids();
    process.kill(pid!, 'SIGKILL');
    expect((await viewer.notification('access.ended')).code).toBe('MEDIA_WORKER_DIED');
    expect((await live.socket.notification('access.ended')).code).toBe('MEDIA_WORKER_DIED');
    expect(relay.services.live.get(live.incidentId)).toBeUndefined();
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'incident.end' && e.reason === 'MEDIA_WORKER_DIED')).toBe(true);
    // The officer can go live again once the replacement worker is up.
    await until(() => relay.services.media.workerPids().length === 1, 5000, 'a replacement worker');
    live.socket.close();
    const again = await goLive(relay);
    expect(relay.services.media.room(again.incidentId)).toBeDefined();
    again.socket.close();
    viewer.close();
  });
});
