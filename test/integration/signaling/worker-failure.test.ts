import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from '../../helpers/relay.ts';
import { capabilities, goLive, grant, joinWith } from '../../helpers/scenario.ts';
import { FAKE_RTP } from '../../helpers/ws-client.ts';

describe('a dying mediasoup worker does not take the relay down', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  it('rebuilds the incident on a new worker; participants rejoin with the same seats and grant', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const { socket: viewer, reply } = await joinWith(relay, live.incidentId, granted.token);
    expect(reply.ok).toBe(true);
    const [pid] = relay.services.media.workerPids();
    process.kill(pid!, 'SIGKILL');
    expect((await viewer.notification('media.reset')).code).toBe('MEDIA_WORKER_DIED');
    expect((await live.socket.notification('media.reset')).incidentId).toBe(live.incidentId);
    expect(relay.services.media.workerPids()[0]).not.toBe(pid);
    expect(relay.services.live.get(live.incidentId)).toBeDefined();

    // The officer publishes again on new transports; the viewer is offered the new streams.
    const caps = await capabilities(relay);
    const officerMedia = await live.socket.request('media.rejoin', { rtpCapabilities: caps });
    expect(officerMedia.sendTransport).not.toBeNull();
    const viewerMedia = await viewer.request('media.rejoin', { rtpCapabilities: caps });
    expect(viewerMedia.consumers).toEqual([]);
    expect(await viewer.send('media.rejoin', { rtpCapabilities: caps })).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
    await live.socket.request('produce', { transportId: officerMedia.sendTransport.id, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera' });
    const offered = await viewer.notification('consumer.new');
    expect(offered.consumer).toMatchObject({ kind: 'video', source: 'camera' });
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'incident.media-recovered' && e.target.incidentId === live.incidentId)).toBe(true);
    viewer.close();
    live.socket.close();
  });
});
