// A prepared seat's receivers are bound ahead for SSRCs the relay reserves, and the consumers the
// join makes on them take those SSRCs (server/bound-ssrcs.ts). mediasoup takes no SSRC in its
// options: this pins the way the relay gives one to the installed mediasoup, on a real worker.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeBound, consumeWithSsrc, reserveBoundSsrcs, tookBoundSsrcs } from '../../../server/bound-ssrcs.ts';

const offset = Number(process.env.SIGHTLINE_TEST_PORT_OFFSET ?? 0);

describe('SSRCs reserved for receivers bound ahead', () => {
  let worker: types.Worker;
  let router: types.Router;
  let recv: types.WebRtcTransport;
  const producers: Partial<Record<'audio' | 'video', types.Producer>> = {};

  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 46800 + offset, rtcMaxPort: 46849 + offset });
    router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      ],
    });
    const send = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    producers.video = await send.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        encodings: [{ ssrc: 1111 }],
      },
    });
    producers.audio = await send.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 2222 }] },
    });
    recv = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  });
  afterAll(() => worker?.close());

  const consume = (kind: 'audio' | 'video', mid?: string) => () =>
    recv.consume({ producerId: producers[kind]!.id, rtpCapabilities: router.rtpCapabilities, paused: true, enableRtx: true, ...(mid ? { mid } : {}) });

  it('the video consumer takes the reserved SSRC, and its RTX the next one', async () => {
    const reserved = reserveBoundSsrcs();
    expect(reserved.video.rtxSsrc).toBe(reserved.video.ssrc + 1);
    const consumer = await consumeWithSsrc(reserved.video.ssrc, consume('video', 'bv'));
    expect(consumer.rtpParameters.encodings![0]!.ssrc).toBe(reserved.video.ssrc);
    expect(consumer.rtpParameters.encodings![0]!.rtx?.ssrc).toBe(reserved.video.rtxSsrc);
    expect(tookBoundSsrcs('video', reserved, consumer.rtpParameters)).toBe(true);
  });

  it('the sound consumer takes its own reserved SSRC', async () => {
    const reserved = reserveBoundSsrcs();
    const consumer = await consumeWithSsrc(reserved.audio.ssrc, consume('audio', 'ba'));
    expect(consumer.rtpParameters.encodings![0]!.ssrc).toBe(reserved.audio.ssrc);
    expect(tookBoundSsrcs('audio', reserved, consumer.rtpParameters)).toBe(true);
  });

  it('a bound consumer is made on its reserved SSRCs; one that did not take them is closed and refused', async () => {
    const reserved = reserveBoundSsrcs();
    const consumer = await consumeBound('video', reserved, consume('video', 'bv3'));
    expect(consumer.rtpParameters.encodings![0]!.ssrc).toBe(reserved.video.ssrc);
    let closed = false;
    const elsewhere = { rtpParameters: { codecs: [], encodings: [{ ssrc: reserved.video.ssrc + 7 }] }, close: () => void (closed = true) };
    await expect(consumeBound('video', reserved, () => Promise.resolve(elsewhere))).rejects.toMatchObject({ code: 'MEDIA_ERROR' });
    expect(closed).toBe(true);
  });

  it('other consumers still get SSRCs of mediasoup’s own drawing, and a consumer of other SSRCs is told apart', async () => {
    const reserved = reserveBoundSsrcs();
    await consumeWithSsrc(reserved.video.ssrc, consume('video', 'bv2'));
    const other = await consume('video')();
    expect(other.rtpParameters.encodings![0]!.ssrc).not.toBe(reserved.video.ssrc);
    expect(tookBoundSsrcs('video', reserved, other.rtpParameters)).toBe(false);
    expect(tookBoundSsrcs('audio', reserved, other.rtpParameters)).toBe(false);
  });
});
