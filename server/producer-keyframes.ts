// Keyframes of one peer's video producers, asked of the camera by the relay itself: forced once
// the camera's media flows again after a network gap, and a new viewer's first keyframe past the
// throttle of requests made for others (keyframe-gate.ts).
import type { types } from 'mediasoup';
import { mediaCall } from './media-errors.ts';
import { KeyFrameGate, type FirstKeyFrame } from './keyframe-gate.ts';

type VideoProducer = types.Producer<{ source: string }>;

/** A keyframe forced this recently after a gap covers another request for the same gap. */
const RECENT_FORCED_KEYFRAME_MS = 2000;

export class ProducerKeyFrames {
  /** When each video producer was last made to send a keyframe after a gap. */
  readonly #forcedAt = new Map<string, number>();
  /** Each video producer's keyframe requests and keyframes, as its trace events tell them. */
  readonly #gates = new Map<string, KeyFrameGate>();
  /** Video producers with a forced keyframe request waiting for the camera to hear it. */
  readonly #forceLater = new Set<string>();

  constructor(
    /** mediasoup's keyFrameRequestDelay of these producers, ms. */
    private readonly delayMs: number,
    /** A producer flows again after a gap, with a keyframe forced: its viewers ask for it too. */
    private readonly flowing: (producerId: string) => void,
  ) {}

  /** Follows a new video producer's keyframe requests (to the camera) and keyframes (from it). */
  async watch(producer: VideoProducer): Promise<void> {
    const gate = new KeyFrameGate(this.delayMs);
    this.#gates.set(producer.id, gate);
    producer.on('trace', (trace) => {
      if (trace.type === 'keyframe' && trace.direction === 'in') gate.keyFrame(Date.now());
      else if ((trace.type === 'pli' || trace.type === 'fir') && trace.direction === 'out') gate.requested(Date.now());
    });
    await mediaCall('enableTraceEvent', () => producer.enableTraceEvent(['keyframe', 'pli', 'fir'])).catch(() => undefined);
  }

  forget(producerId: string): void {
    this.#forcedAt.delete(producerId);
    this.#gates.delete(producerId);
  }

  /** How a new viewer's first keyframe is to be had now (keyframe-gate.ts); decided before its consumer resumes. */
  firstFor(producer: VideoProducer | undefined): FirstKeyFrame {
    return producer ? (this.#gates.get(producer.id)?.firstFor(Date.now()) ?? 'plain') : 'plain';
  }

  /**
   * A keyframe now, past the throttle: only the new viewer waits for it; the others are not made
   * to ask again. So soon after the camera's last keyframe that it would drop the request, it is
   * asked once it will hear it (keyframe-gate.ts); the caller does not wait for that.
   */
  async force(producer: VideoProducer | undefined): Promise<void> {
    if (!producer) return;
    const wait = this.#gates.get(producer.id)?.waitBeforeForce(Date.now()) ?? 0;
    if (wait <= 0) {
      await pauseAndResume(producer);
      return;
    }
    // One forced request serves every viewer that wants it in the same window.
    if (this.#forceLater.has(producer.id)) return;
    this.#forceLater.add(producer.id);
    setTimeout(() => {
      this.#forceLater.delete(producer.id);
      void pauseAndResume(producer);
    }, wait).unref();
  }

  /**
   * After a sender's network dropped (on resume or ICE restart): as soon as its video flows
   * again, get a keyframe from it at once. Frames after the gap depend on what was lost, and a
   * plain keyframe request sits behind the one made while the sender was unreachable (mediasoup
   * re-sends that only after 1 s, once). Skipped where one was forced just before (a resume and
   * the ICE restart after it): a second would make viewers wait for yet another keyframe. Gives up
   * after `timeoutMs`.
   */
  async onceFlowing(videos: VideoProducer[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      videos.map(async (producer) => {
        // Retransmissions count: after a drop the sender answers the relay's NACKs first, and its
        // new media waits behind them, while a keyframe request can already reach it.
        const packets = async () => (await producer.getStats()).reduce((n, s) => n + s.packetCount + (s.packetsRetransmitted ?? 0), 0);
        try {
          const before = await packets();
          while (!producer.closed && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 40));
            if ((await packets()) > before) break;
          }
          if (Date.now() >= deadline || Date.now() - (this.#forcedAt.get(producer.id) ?? 0) < RECENT_FORCED_KEYFRAME_MS) return;
          this.#forcedAt.set(producer.id, Date.now());
          if (await pauseAndResume(producer)) this.flowing(producer.id);
        } catch {
          // Closed meanwhile.
        }
      }),
    );
  }
}

/**
 * Pausing and resuming the producer makes mediasoup send a forced keyframe request now (past its
 * request delay), and makes its consumers wait for that keyframe instead of forwarding
 * undecodable frames. A producer the sender paused itself (camera off) is left alone.
 */
async function pauseAndResume(producer: VideoProducer): Promise<boolean> {
  if (producer.closed || producer.paused) return false;
  try {
    await producer.pause();
    await producer.resume();
    return true;
  } catch {
    return false; // closed meanwhile
  }
}
