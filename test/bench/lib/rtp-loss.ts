// Loss of one RTP stream as its receiver saw it, from sequence numbers alone (RFC 3550 A.3):
// expected is the span from the first to the highest sequence number (across wraps), received
// counts each sequence number once. A retransmission that fills a gap makes it received; one
// that repeats a packet already seen is a duplicate. Memory is bounded: duplicates are told
// apart over the last WINDOW sequence numbers only.

const WINDOW = 4096;
const HALF = 0x8000;

export interface LossCount {
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
}

export class SequenceLoss {
  #first: number | null = null;
  /** Highest extended sequence number seen (cycles × 65536 + sequence number). */
  #highest = 0;
  #received = 0;
  #duplicates = 0;
  /** Extended sequence numbers seen, over the last WINDOW: slot `n % WINDOW` holds n once n is seen. */
  readonly #recent = new Float64Array(WINDOW).fill(-1);

  add(sequenceNumber: number): void {
    if (this.#first === null) {
      this.#first = sequenceNumber;
      this.#highest = sequenceNumber;
      this.#accept(sequenceNumber);
      return;
    }
    const delta = (sequenceNumber - (this.#highest & 0xffff) + 0x10000) & 0xffff;
    // Forward within half the space is new (or a jump ahead); otherwise it is late or repeated.
    const extended = delta < HALF ? this.#highest + delta : this.#highest - (0x10000 - delta);
    if (extended < this.#first) return; // from before this receiver started: not part of its span
    if (this.#recent[extended % WINDOW] === extended) {
      this.#duplicates++;
      return;
    }
    if (extended <= this.#highest - WINDOW) return; // too old to tell apart: not counted either way
    if (extended > this.#highest) this.#highest = extended;
    this.#accept(extended);
  }

  #accept(extended: number): void {
    this.#received++;
    this.#recent[extended % WINDOW] = extended;
  }

  count(): LossCount {
    const expected = this.#first === null ? 0 : this.#highest - this.#first + 1;
    return { expected, received: this.#received, lost: Math.max(0, expected - this.#received), duplicates: this.#duplicates };
  }
}

/** Sums the counts of several streams (a viewer's audio and video). */
export function sumLoss(counts: LossCount[]): LossCount {
  return counts.reduce((a, b) => ({ expected: a.expected + b.expected, received: a.received + b.received, lost: a.lost + b.lost, duplicates: a.duplicates + b.duplicates }), {
    expected: 0,
    received: 0,
    lost: 0,
    duplicates: 0,
  });
}

/** Lost packets as a percentage of expected; null when nothing was expected. */
export const lossPercent = (count: LossCount): number | null => (count.expected === 0 ? null : (100 * count.lost) / count.expected);
