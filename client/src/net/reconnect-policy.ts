// When to try again after a signalling connection dropped, for every socket the client holds (a
// seat's, and the pushed pages'): jittered exponential backoff, and which refusals of `resume` are
// final. Pure, so that it is unit-tested.
import type { AnyErrorCode } from './errors.ts';

export interface BackoffOptions {
  /** Ceiling of the first delay. */
  baseMs: number;
  /** Ceiling of every delay. */
  maxMs: number;
  factor: number;
  /** Share of each ceiling that is random: 0 = none, 1 = "full jitter". */
  jitter: number;
}

/**
 * Reconnect quickly (a phone losing its network for seconds is the normal case; the stream
 * should be back within 2 s of the network) but spread thousands of clients out after a relay
 * restart: delays grow 100, 200, 400 ms to 500 ms, each drawn from the upper half of its ceiling.
 * Attempts stop with the seat's grace period (30 s by default).
 */
export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 500, factor: 2, jitter: 0.5 };

/**
 * Pages kept up to date by pushes (console, inbox) hold no seat and lose nothing while away (the
 * server sends a full snapshot after every sign-in), so they come back unhurried: 1, 2, 4, 8 s up
 * to 10 s, each drawn from the upper half of its ceiling so that a relay restart is not met by
 * every console at once.
 */
export const FEED_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 10_000, factor: 2, jitter: 0.5 };

/**
 * Connection attempts overlap: a new one starts after each backoff delay while earlier ones are
 * still pending, and the first to open wins. An attempt whose SYN was lost while the network was
 * down would otherwise hold up recovery until TCP's own retry (1 s, then 3 s...), while a slow
 * network (high latency, TLS) still gets up to this long to connect.
 */
export const CONNECT_ATTEMPT_TIMEOUT_MS = 5000;
/** Attempts pending at once, at most. */
export const MAX_PENDING_ATTEMPTS = 4;

/** Delay before attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * options.factor ** Math.max(0, attempt));
  return Math.round(ceiling * (1 - options.jitter) + ceiling * options.jitter * random());
}

/** `resume` refusals that no retry can fix: the seat, grant or session is gone. */
export function isFinalRefusal(code: AnyErrorCode): boolean {
  return (
    code === 'RESUME_FAILED' ||
    code === 'ALREADY_JOINED' ||
    code.startsWith('TOKEN_') ||
    code.startsWith('GRANT_') ||
    code.startsWith('SESSION_') ||
    code === 'INCIDENT_NOT_FOUND' ||
    code === 'INCIDENT_ENDED' ||
    code === 'ACCESS_WITHDRAWN'
  );
}

/** Keep trying while the server may still hold the seat (its grace period, measured from the drop). */
export const withinGrace = (droppedAt: number, now: number, graceMs: number): boolean => now - droppedAt < graceMs;
