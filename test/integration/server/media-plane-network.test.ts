// What the media plane offers for real networks, on a real worker: ICE restart with new
// credentials, transport descriptions for SDP answers, and a peer on a router of its own whose
// consumers take a player's payload types (WHEP), fed from the room's producers.
import { afterEach, describe, expect, it } from 'vitest';
import { MediaPlane } from '../../../server/media-plane.ts';
import { FAKE_RTP } from '../../helpers/ws-client.ts';

const options = {
  workers: 1,
  listenIp: '127.0.0.1',
  portRange: { min: 46200, max: 46399 },
  maxTransportsPerPeer: 2,
  logLevel: 'warn' as const,
  initialAvailableOutgoingBitrate: 1_000_000,
  viewersPerRouter: 100,
};

describe('media plane: ICE restart and per-player payload types', () => {
  let plane: MediaPlane | undefined;
  afterEach(() => plane?.close());

  it('restarts ICE with new credentials and describes the transport as it now is', async () => {
    plane = await MediaPlane.start(options);
    const peer = await (await plane.openRoom('inc-ice')).addPeer('p');
    const created = await peer.createTransport('send');
    const restarted = (await peer.restartIce(created.id)) as { usernameFragment: string; password: string };
    expect(restarted.usernameFragment).not.toBe((created.iceParameters as { usernameFragment: string }).usernameFragment);
    expect(peer.transportDescription(created.id)?.iceParameters).toMatchObject(restarted);
    expect(peer.transports()).toEqual([{ id: created.id, direction: 'send' }]);
    await expect(peer.restartIce('nope')).rejects.toMatchObject({ code: 'TRANSPORT_NOT_FOUND' });
  });

  it('gives a player’s peer consumers with the player’s payload types, fed by the room’s producers', async () => {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-whep');
    const camera = await room.addPeer('camera');
    const send = await camera.createTransport('send');
    const video = await camera.produce({ transportId: send.id, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera', paused: false });
    const playerCodecs = [{ kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 45 }];
    const player = await room.addPeerWithPayloadTypes('player', playerCodecs);
    await player.createTransport('recv');
    const capabilities = { codecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 45, parameters: {}, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }], headerExtensions: [] };
    const consumer = await player.consume(video.producerId, capabilities);
    expect(consumer).toMatchObject({ producerId: video.producerId, producerPeerId: 'camera', source: 'camera', kind: 'video' });
    expect((consumer.rtpParameters as { codecs: Array<{ payloadType: number }> }).codecs.map((c) => c.payloadType)).toEqual([45]);
    // A plain viewer of the same room gets the room's payload types.
    const viewer = await room.addPeer('viewer', 'viewer');
    await viewer.createTransport('recv');
    const plain = await viewer.consume(video.producerId, plane.rtpCapabilities);
    expect((plain.rtpParameters as { codecs: Array<{ payloadType: number }> }).codecs[0]!.payloadType).not.toBe(45);
    // The producer going away closes the player's consumer too (through the pipe).
    const closed = new Promise<string>((resolve) => player.once('consumerClosed', resolve));
    camera.close();
    expect(await closed).toBe(consumer.consumerId);
    player.close();
    expect(room.peer('player')).toBeUndefined();
  });
});
