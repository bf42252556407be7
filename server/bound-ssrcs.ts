// The SSRCs of the camera's streams on a prepared receive transport, reserved when it is made, so
// that the browser binds its receivers for them ahead of the join (signalled, not discovered).
// Chromium makes a receiver for a stream it was not told of as its first packet arrives, and hands
// that stream's first frames through its encoded-transform queue, which waits for the next tick
// of its metronome and for the page's main thread: 9–29 ms before the first frame reached the
// decoder, measured, against under 2 ms on a signalled stream.
//
// mediasoup picks a consumer's SSRC itself (a random number, RTX on the next one) and takes none
// in its options. The consumer of a bound stream is therefore made while mediasoup's generator
// yields the reserved SSRC, within the synchronous start of `consume()`, where mediasoup draws it;
// the peer then checks that the consumer took it (test/integration/server/bound-ssrcs.test.ts
// pins this to the installed mediasoup).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { types } from 'mediasoup';
import { MediaError } from './media-errors.ts';

export interface BoundSsrcs {
  video: { ssrc: number; rtxSsrc: number };
  audio: { ssrc: number };
}

export type BoundKind = keyof BoundSsrcs;

interface MediasoupUtils {
  generateRandomNumber(): number;
}

const require = createRequire(import.meta.url);
// The module mediasoup's own ortc.js draws SSRCs from (the same instance: Node caches it by path).
const utils = require(join(dirname(require.resolve('mediasoup')), 'utils.js')) as MediasoupUtils;

/** Fresh SSRCs for the camera's video (and its RTX, on the next one, as mediasoup does) and sound. */
export function reserveBoundSsrcs(): BoundSsrcs {
  const video = utils.generateRandomNumber();
  return { video: { ssrc: video, rtxSsrc: video + 1 }, audio: { ssrc: utils.generateRandomNumber() } };
}

/** Runs `consume` (a mediasoup `transport.consume()` call) so that the consumer it makes takes `ssrc`. */
export function consumeWithSsrc<T>(ssrc: number, consume: () => Promise<T>): Promise<T> {
  const generate = utils.generateRandomNumber;
  utils.generateRandomNumber = () => ssrc;
  try {
    return consume();
  } finally {
    utils.generateRandomNumber = generate;
  }
}

/**
 * Makes the consumer of a bound stream of `kind` with `consume` (a mediasoup `transport.consume()`
 * call), on the SSRCs reserved for it; one that did not take them is closed and refused.
 */
export async function consumeBound<T extends { rtpParameters: types.RtpParameters; close(): void }>(kind: BoundKind, reserved: BoundSsrcs, consume: () => Promise<T>): Promise<T> {
  const consumer = await consumeWithSsrc(reserved[kind].ssrc, consume);
  if (tookBoundSsrcs(kind, reserved, consumer.rtpParameters)) return consumer;
  consumer.close();
  throw new MediaError('MEDIA_ERROR', `the bound ${kind} stream did not take its reserved SSRC`);
}

/** Whether the consumer's parameters carry the SSRCs reserved for its kind. */
export function tookBoundSsrcs(kind: BoundKind, reserved: BoundSsrcs, rtpParameters: { encodings?: Array<{ ssrc?: number; rtx?: { ssrc: number } }> }): boolean {
  const encoding = rtpParameters.encodings?.[0];
  if (kind === 'audio') return encoding?.ssrc === reserved.audio.ssrc;
  return encoding?.ssrc === reserved.video.ssrc && (encoding.rtx === undefined || encoding.rtx.ssrc === reserved.video.rtxSsrc);
}
