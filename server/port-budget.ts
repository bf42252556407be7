// The node's WebRTC ports, counted. Every WebRTC transport holds one port of the configured range
// (per protocol), so the range bounds how many transports the node can carry. Viewers are refused
// while a reserve is left, so that an officer can still start an incident when viewers have taken
// everything else; a refusal is a clear NODE_AT_CAPACITY before mediasoup runs out of ports.
import { MediaError } from './media-errors.ts';

export type PortClaimant = 'publisher' | 'viewer';

export class PortBudget {
  #inUse = 0;

  constructor(
    readonly capacity: number,
    /** Ports only publishers (officers' cameras) may take. */
    readonly publisherReserve: number,
  ) {}

  /** A budget for a port range: a tenth of it (at least two ports) is kept for publishers. */
  static forRange(range: { min: number; max: number }): PortBudget {
    const capacity = Math.max(0, range.max - range.min + 1);
    return new PortBudget(capacity, Math.min(capacity, Math.max(2, Math.ceil(capacity / 10))));
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Claims one port; returns its release (idempotent). Throws NODE_AT_CAPACITY when none may be had. */
  claim(claimant: PortClaimant): () => void {
    const limit = claimant === 'publisher' ? this.capacity : this.capacity - this.publisherReserve;
    if (this.#inUse >= limit) {
      throw new MediaError('NODE_AT_CAPACITY', `all ${limit} WebRTC ports this node gives ${claimant}s are in use`);
    }
    this.#inUse += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inUse -= 1;
    };
  }
}
