// Refusals that anyone can cause in bulk (requests without a session, malformed or oversized
// signalling messages) are sampled, so that a flood cannot fill the audit trail: the first
// refusal of a kind (source address, actor, action, reason) in a window is an entry of its own;
// later ones in that window are counted, and one summary entry per kind and window records how
// many there were and when (`detail.repeated`, `detail.firstAt`, `detail.lastAt`). Nothing is
// dropped silently. Sampling is per node; requests without a session are also limited per
// address across nodes (shared counters), and answered RATE_LIMITED over the limit.
import type { Counters } from '../state/store.ts';
import type { AuditEvent } from './audit-entry.ts';
import type { Auditor } from './auditor.ts';

/** Kinds tracked at once; beyond this, refusals are tallied per action and reason for any address. */
const MAX_KINDS = 10_000;

interface Tally {
  event: AuditEvent;
  windowEnds: number;
  repeated: number;
  firstAt: number;
  lastAt: number;
}

export interface RefusalSamplerOptions {
  /** Length of a sampling window. */
  windowMs: number;
  /** Refused requests without a session per address per minute before they are answered RATE_LIMITED. */
  anonymousPerMinute: number;
  now?: () => number;
}

export class RefusalSampler {
  #tallies = new Map<string, Tally>();
  #timer: NodeJS.Timeout;
  #closed = false;

  constructor(
    private readonly auditor: Auditor,
    private readonly counters: Counters,
    private readonly options: RefusalSamplerOptions,
  ) {
    this.#timer = setInterval(() => void this.flush(false), Math.max(100, options.windowMs / 2));
    this.#timer.unref();
  }

  /** Audits a refusal: an entry for the first of its kind in a window, a count for the rest. */
  async refuse(event: AuditEvent): Promise<void> {
    const now = this.#now();
    let key = kindOf(event);
    if (!this.#tallies.has(key) && this.#tallies.size >= MAX_KINDS) {
      key = `*|${event.action}|${event.reason ?? ''}`;
      event = { ...event, actor: null, source: { ...event.source, ip: null, userAgent: null, connection: undefined } };
    }
    const tally = this.#tallies.get(key);
    if (tally && now < tally.windowEnds && !this.#closed) {
      tally.repeated += 1;
      tally.lastAt = now;
      return;
    }
    // The new window starts before anything is awaited, so concurrent refusals count into it.
    this.#tallies.set(key, { event, windowEnds: now + this.options.windowMs, repeated: 0, firstAt: now, lastAt: now });
    if (tally) await this.#summarise(tally);
    await this.auditor.note(event);
  }

  /**
   * A request without a (valid) session was refused: counted against its address's limit, then
   * audited as a sampled refusal. Returns true when the address is over its limit (answer
   * RATE_LIMITED); the refusal is then audited with that reason and the original in `detail.refused`.
   */
  async anonymous(event: AuditEvent): Promise<boolean> {
    let count = 0;
    try {
      count = await this.counters.increment(`anonymous:${event.source.ip ?? 'unknown'}`, 60_000);
    } catch {
      // The shared counters are unreachable: refuse as usual; the refusal is still audited.
    }
    const limited = count > this.options.anonymousPerMinute;
    await this.refuse(limited ? { ...event, reason: 'RATE_LIMITED', detail: { ...event.detail, refused: event.reason ?? null } } : event);
    return limited;
  }

  /** Writes the summaries of finished windows (all of them when `all`). */
  async flush(all = true): Promise<void> {
    const now = this.#now();
    for (const [key, tally] of this.#tallies) {
      if (!all && now < tally.windowEnds) continue;
      this.#tallies.delete(key);
      await this.#summarise(tally);
    }
  }

  /** Stops the timer and writes every pending summary. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush(true);
  }

  async #summarise(tally: Tally): Promise<void> {
    if (tally.repeated === 0) return;
    await this.auditor.note({
      ...tally.event,
      source: { ...tally.event.source, connection: undefined },
      detail: {
        ...tally.event.detail,
        repeated: tally.repeated,
        firstAt: new Date(tally.firstAt).toISOString(),
        lastAt: new Date(tally.lastAt).toISOString(),
      },
    });
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Refusals of one kind: same address, actor, action and reason. */
function kindOf(event: AuditEvent): string {
  return [event.source.ip ?? '', event.actor?.id ?? '', event.action, event.reason ?? ''].join('|');
}
