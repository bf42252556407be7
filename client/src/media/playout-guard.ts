// Keeps received audio live. After a network drop the camera's browser sends what it queued
// during the drop in one burst, and the receiving browser then plays it all: its audio runs
// seconds behind live and stays there. The guard reads each audio receiver's playout delay
// (jitter-buffer statistics) twice a second; when it stays above the limit, the receiver is
// replaced by a fresh one, which starts at live.
import type { types } from 'mediasoup-client';

export const CHECK_EVERY_MS = 500;
/** Playout delay (ms) above which received audio counts as behind live. */
export const MAX_AUDIO_DELAY_MS = 800;
/** Consecutive checks above the limit before the receiver is replaced. */
export const CHECKS_BEHIND = 2;

export interface BufferCounters {
  /** Seconds, summed over the samples emitted (RTCInboundRtpStreamStats.jitterBufferDelay). */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

/** Mean playout delay (ms) of the samples emitted between two readings; null if none were. */
export function delayBetween(before: BufferCounters, after: BufferCounters): number | null {
  const emitted = after.jitterBufferEmittedCount - before.jitterBufferEmittedCount;
  if (emitted <= 0) return null;
  return ((after.jitterBufferDelay - before.jitterBufferDelay) / emitted) * 1000;
}

/** The delays of the latest checks, newest last: behind live when the last CHECKS_BEHIND all exceed the limit. */
export function isBehindLive(delays: ReadonlyArray<number | null>): boolean {
  const recent = delays.slice(-CHECKS_BEHIND);
  return recent.length === CHECKS_BEHIND && recent.every((d) => d !== null && d > MAX_AUDIO_DELAY_MS);
}

async function counters(consumer: types.Consumer): Promise<BufferCounters | null> {
  let found: BufferCounters | null = null;
  (await consumer.getStats()).forEach((stat: Record<string, unknown>) => {
    if (stat.type === 'inbound-rtp' && typeof stat.jitterBufferDelay === 'number' && typeof stat.jitterBufferEmittedCount === 'number') {
      found = { jitterBufferDelay: stat.jitterBufferDelay, jitterBufferEmittedCount: stat.jitterBufferEmittedCount };
    }
  });
  return found;
}

export class PlayoutGuard {
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #last = new Map<string, { counters: BufferCounters; delays: Array<number | null> }>();
  #busy = false;

  constructor(
    private readonly consumers: () => types.Consumer[],
    private readonly renew: (consumerId: string) => Promise<void>,
  ) {
    this.#timer = setInterval(() => void this.#check(), CHECK_EVERY_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #check(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const audio = this.consumers().filter((c) => c.kind === 'audio' && !c.closed && !c.paused);
      for (const id of [...this.#last.keys()]) if (!audio.some((c) => c.id === id)) this.#last.delete(id);
      for (const consumer of audio) {
        const now = await counters(consumer).catch(() => null);
        if (!now) continue;
        const seen = this.#last.get(consumer.id);
        const delays = seen ? [...seen.delays, delayBetween(seen.counters, now)].slice(-CHECKS_BEHIND) : [];
        this.#last.set(consumer.id, { counters: now, delays });
        if (!isBehindLive(delays)) continue;
        this.#last.delete(consumer.id);
        console.warn(`[media] audio ${consumer.id} fell ${Math.round(delays.at(-1) ?? 0)} ms behind live: renewing its receiver`);
        await this.renew(consumer.id).catch((error: unknown) => console.warn('[media] cannot renew the receiver', error));
      }
    } finally {
      this.#busy = false;
    }
  }
}
