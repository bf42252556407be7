// A video consumer created paused is held by the relay's worker (recipe `held_start`): it keeps the
// camera's stream from its keyframe on and sends nothing, and its first resume sends what it kept,
// keyframe first, with the kept frames' timestamps 1 ms apart. Real worker, real ffmpeg camera
// (its first frame a keyframe, then one every 3 s; it ignores keyframe requests); the viewer is a
// UDP socket here.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { MediaPlane } from '../../../server/media-plane.ts';
import { startRtpCamera, type RtpCamera } from '../../helpers/rtp-camera.ts';
import { until } from '../../helpers/until.ts';

const offset = Number(process.env.SIGHTLINE_TEST_PORT_OFFSET ?? 0);
const options = {
  workers: 1,
  listenIp: '127.0.0.1',
  portRange: { min: 46700 + offset, max: 46799 + offset },
  maxTransportsPerPeer: 2,
  logLevel: 'warn' as const,
  initialAvailableOutgoingBitrate: 1_000_000,
  viewersPerRouter: 100,
};

interface Received {
  at: number;
  seq: number;
  timestamp: number;
  /** The last packet of a frame. */
  marker: boolean;
  /** The first packet of a VP8 keyframe. */
  keyFrameStart: boolean;
}

/** RTP header and VP8 payload descriptor (RFC 7741), enough to find where keyframes start. */
function parseVp8(packet: Buffer): Omit<Received, 'at'> | null {
  const payloadType = packet[1]! & 0x7f;
  if (packet.length < 12 || (packet[0]! >> 6) !== 2 || (payloadType >= 72 && payloadType <= 78)) return null; // RTCP
  // mediasoup's bandwidth probation packets (SSRC 1234, payload type 127) carry no media.
  if (payloadType === 127 && packet.readUInt32BE(8) === 1234) return null;
  let at = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) at += 4 + packet.readUInt16BE(at + 2) * 4;
  const descriptor = packet[at]!;
  const start = (descriptor & 0x10) !== 0 && (descriptor & 0x07) === 0;
  at += 1;
  if (descriptor & 0x80) {
    const extension = packet[at]!;
    at += 1;
    if (extension & 0x80) at += packet[at]! & 0x80 ? 2 : 1;
    if (extension & 0x40) at += 1;
    if (extension & 0x30) at += 1;
  }
  return { seq: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), marker: (packet[1]! & 0x80) !== 0, keyFrameStart: start && (packet[at]! & 0x01) === 0 };
}

describe('a video consumer held from its creation to its first resume', () => {
  let plane: MediaPlane | undefined;
  let camera: RtpCamera | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.close();
    await camera?.close();
    plane?.close();
  });

  async function heldViewer(): Promise<{ consumer: types.Consumer; received: Received[] }> {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-held');
    camera = await startRtpCamera(room.router, { keyframeSeconds: 3 });
    const received: Received[] = [];
    socket = createSocket('udp4');
    socket.on('message', (packet) => {
      const rtp = parseVp8(packet);
      if (rtp) received.push({ at: Date.now(), ...rtp });
    });
    await new Promise<void>((resolve) => socket!.bind(0, '127.0.0.1', resolve));
    const transport = await room.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
    const consumer = await transport.consume({ producerId: camera.videoProducer.id, rtpCapabilities: room.router.rtpCapabilities, paused: true });
    return { consumer, received };
  }

  it('sends nothing while held, then the kept keyframe and what followed it at once, 1 ms apart', async () => {
    const { consumer, received } = await heldViewer();
    expect(consumer.paused).toBe(true);
    // The camera's first keyframe comes while the consumer is held, and 1.3 s of what follows.
    await until(async () => ((await camera!.videoProducer.getStats())[0]?.packetCount ?? 0) > 0, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(received).toEqual([]);

    await consumer.resume();
    const frameSteps = () => {
      const frames = [...new Set(received.map((packet) => packet.timestamp))];
      return frames.slice(1).map((timestamp, i) => (timestamp - frames[i]!) >>> 0);
    };
    await until(() => frameSteps().filter((step) => step !== 90).length >= 3, 3_000);
    // The first packet out is the keyframe's first, sequence numbers run on without a gap, and the
    // frames kept since (1.3 s worth) carry timestamps 1 ms apart, ending where the live frames
    // then continue at the camera's own spacing (15 fps: 6000 ticks).
    expect(received[0]!.keyFrameStart).toBe(true);
    for (let i = 1; i < received.length; i++) expect((received[i]!.seq - received[i - 1]!.seq) & 0xffff).toBe(1);
    // A frame's packets keep one timestamp: a new one only after a frame's last packet.
    for (let i = 1; i < received.length; i++) expect(received[i]!.timestamp !== received[i - 1]!.timestamp).toBe(received[i - 1]!.marker);
    expect(received.filter((packet) => !packet.marker).length).toBeGreaterThan(0);
    const steps = frameSteps();
    const kept = steps.findIndex((step) => step !== 90);
    expect(kept).toBeGreaterThan(5);
    expect(steps.slice(kept)).toEqual(steps.slice(kept).map(() => 6000));
  });

  it('ends the hold as an ordinary pause: a later resume waits for the next keyframe', async () => {
    const { consumer, received } = await heldViewer();
    await until(async () => ((await camera!.videoProducer.getStats())[0]?.packetCount ?? 0) > 0, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await consumer.pause();
    await consumer.resume();
    await until(() => received.length > 0, 5_000);
    // Nothing kept is sent: the first packet is a keyframe the camera made after the resume, and
    // frames come at the camera's own spacing from the first.
    expect(received[0]!.keyFrameStart).toBe(true);
    await until(() => new Set(received.map((packet) => packet.timestamp)).size >= 3, 2_000);
    const frames = [...new Set(received.map((packet) => packet.timestamp))];
    expect((frames[1]! - frames[0]!) >>> 0).toBe(6000);
  });
});
