import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { VIEWER_BITRATE_FLOOR } from '../../../server/media-options.ts';
import { MediaPlane } from '../../../server/media-plane.ts';
import { FAKE_RTP } from '../../helpers/ws-client.ts';

const options = {
  workers: 1,
  listenIp: '127.0.0.1',
  portRange: { min: 46000, max: 46199 },
  maxTransportsPerPeer: 2,
  logLevel: 'warn' as const,
  initialAvailableOutgoingBitrate: 1_000_000,
  viewersPerRouter: 100,
};

describe('media plane on a real mediasoup worker', () => {
  let plane: MediaPlane | undefined;
  afterEach(() => plane?.close());

  it('caps transports per peer', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-a');
    const peer = await room.addPeer('p1');
    await peer.createTransport('send');
    await peer.createTransport('recv');
    await expect(peer.createTransport('recv')).rejects.toMatchObject({ code: 'TRANSPORT_LIMIT' });
  });

  it('keeps a floor under a viewer downlink estimate (the lowest layer never stops), none under the camera uplink', async () => {
    const transports: types.Transport[] = [];
    const onWorker = (worker: types.Worker) =>
      worker.observer.on('newrouter', (router) => router.observer.on('newtransport', (transport) => transports.push(transport)));
    mediasoup.observer.on('newworker', onWorker);
    try {
      plane = await MediaPlane.start(options);
      const peer = await (await plane.openRoom('inc-floor')).addPeer('p1');
      const send = await peer.createTransport('send');
      const recv = await peer.createTransport('recv');
      const floorOf = async (id: string) => ((await transports.find((t) => t.id === id)!.getStats()) as Array<{ minOutgoingBitrate?: number }>)[0]!.minOutgoingBitrate;
      expect(await floorOf(recv.id)).toBe(VIEWER_BITRATE_FLOOR);
      expect(await floorOf(send.id)).toBeUndefined();
    } finally {
      mediasoup.observer.off('newworker', onWorker);
    }
  });

  it('creates viewer consumers paused, and closes them when the producer goes', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-b');
    const camera = await room.addPeer('camera');
    const send = await camera.createTransport('send');
    const produced = await camera.produce({ transportId: send.id, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera', paused: false });
    const viewer = await room.addPeer('viewer', 'viewer');
    await viewer.createTransport('recv');
    const consumer = await viewer.consume(produced.producerId, plane.rtpCapabilities);
    expect(consumer).toMatchObject({ kind: 'video', source: 'camera', producerPeerId: 'camera' });
    const closed = new Promise<string>((resolve) => viewer.once('consumerClosed', resolve));
    await viewer.resumeConsumers([consumer.consumerId]);
    camera.close();
    expect(await closed).toBe(consumer.consumerId);
    expect(viewer.consumerCount()).toBe(0);
  });

  it('refuses unknown ids with codes', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-c');
    const peer = await room.addPeer('p');
    await expect(peer.connectTransport('nope', {})).rejects.toMatchObject({ code: 'TRANSPORT_NOT_FOUND' });
    await expect(peer.consume('nope', plane.rtpCapabilities)).rejects.toMatchObject({ code: 'PRODUCER_NOT_FOUND' });
    await expect(peer.resumeConsumers(['nope'])).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });
    await expect(peer.setProducerPaused('nope', true)).rejects.toMatchObject({ code: 'PRODUCER_NOT_FOUND' });
  });

  it('capabilities mediasoup cannot even read (thousands deep) are a MediaError, not a stack overflow', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-deep');
    const camera = await room.addPeer('camera');
    const send = await camera.createTransport('send');
    const video = await camera.produce({ transportId: send.id, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera', paused: false });
    const viewer = await room.addPeer('viewer', 'viewer');
    await viewer.createTransport('recv');
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    await expect(viewer.consume(video.producerId, deep)).rejects.toMatchObject({ name: 'MediaError', code: 'MEDIA_ERROR' });
    expect(viewer.consumerCount()).toBe(0);
  });

  it('close() is idempotent and cascades from the plane to rooms and peers', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-d');
    const peer = await room.addPeer('p');
    const reasons: string[] = [];
    plane.on('roomClosed', (_id, reason) => reasons.push(reason));
    plane.close();
    plane.close();
    expect(room.closed).toBe(true);
    expect(peer.closed).toBe(true);
    expect(reasons).toEqual(['shutdown']);
  });

  it('spreads a large audience over routers on other workers, piping the camera to each', async () => {
    plane = await MediaPlane.start({ ...options, workers: 2, viewersPerRouter: 2 });
    const room = await plane.openRoom('inc-big');
    const camera = await room.addPeer('camera');
    const send = await camera.createTransport('send');
    const video = await camera.produce({ transportId: send.id, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera', paused: false });
    const viewers = await Promise.all(Array.from({ length: 5 }, (_, i) => room.addPeer(`viewer-${i}`, 'viewer')));
    // Two workers: two routers, one per worker; the fifth viewer goes to the less crowded one.
    expect(room.routerCount()).toBe(2);
    expect(new Set(room.workers().map((w) => w.pid)).size).toBe(2);
    for (const viewer of viewers) {
      await viewer.createTransport('recv');
      const consumer = await viewer.consume(video.producerId, plane.rtpCapabilities);
      await viewer.resumeConsumers([consumer.consumerId]);
    }
    expect(room.consumerCount()).toBe(5);
    // A stream produced later (talk-back from a viewer on another router) reaches the camera's router too.
    const talker = viewers[4]!;
    const talkSend = await talker.createTransport('send');
    const added = new Promise((resolve) => room.once('producerAdded', resolve));
    const talk = await talker.produce({ transportId: talkSend.id, kind: 'audio', rtpParameters: FAKE_RTP.audio, source: 'talkback', paused: false });
    await added;
    await camera.createTransport('recv');
    expect((await camera.consume(talk.producerId, plane.rtpCapabilities)).kind).toBe('audio');
  });

  it('survives a worker killed with SIGKILL: its rooms end, a new worker takes new rooms', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-e');
    const [pid] = plane.workerPids();
    const ended = new Promise<string>((resolve) => plane!.on('roomClosed', (id, reason) => resolve(`${id}:${reason}`)));
    const replaced = new Promise<number>((resolve) => plane!.on('workerReplaced', resolve));
    process.kill(pid!, 'SIGKILL');
    expect(await ended).toBe('inc-e:worker-died');
    expect(room.closed).toBe(true);
    const newPid = await replaced;
    expect(newPid).not.toBe(pid);
    const next = await plane.openRoom('inc-f');
    expect(next.closed).toBe(false);
  });
});
