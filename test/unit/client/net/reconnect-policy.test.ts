import { describe, expect, it } from 'vitest';
import { credentialsExpireAt } from '../../../../client/src/media/ice-config.ts';
import { backoffDelay, FEED_BACKOFF, isFinalRefusal, RECONNECT_BACKOFF, withinGrace } from '../../../../client/src/net/reconnect-policy.ts';

describe('reconnect backoff', () => {
  it('grows exponentially up to the cap, drawn from the upper half of each ceiling', () => {
    const low = (attempt: number) => backoffDelay(attempt, RECONNECT_BACKOFF, () => 0);
    const high = (attempt: number) => backoffDelay(attempt, RECONNECT_BACKOFF, () => 1);
    expect([0, 1, 2, 3, 4, 10].map(high)).toEqual([100, 200, 400, 500, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map(low)).toEqual([50, 100, 200, 250, 250, 250]);
  });

  it('pushed pages (console, inbox) come back unhurried: 1, 2, 4, 8 s up to 10 s', () => {
    const high = (attempt: number) => backoffDelay(attempt, FEED_BACKOFF, () => 1);
    expect([0, 1, 2, 3, 4, 10].map(high)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(0, FEED_BACKOFF, () => 0)).toBe(500);
  });

  it('is jittered: many clients spread out', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = Array.from({ length: 200 }, () => backoffDelay(6, RECONNECT_BACKOFF, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...delays)).toBeLessThanOrEqual(500);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('takes other shapes (full jitter, other caps) and treats negative attempts as the first', () => {
    const options = { baseMs: 1000, maxMs: 30_000, factor: 3, jitter: 1 };
    expect(backoffDelay(0, options, () => 0)).toBe(0);
    expect(backoffDelay(2, options, () => 1)).toBe(9000);
    expect(backoffDelay(10, options, () => 0.5)).toBe(15_000);
    expect(backoffDelay(-3, options, () => 1)).toBe(1000);
  });

  it('gives up on refusals no retry can fix, and retries the rest', () => {
    for (const code of ['RESUME_FAILED', 'TOKEN_REVOKED', 'TOKEN_EXPIRED', 'GRANT_EXPIRED', 'SESSION_EXPIRED', 'INCIDENT_NOT_FOUND', 'INCIDENT_ENDED', 'ACCESS_WITHDRAWN'] as const) {
      expect(isFinalRefusal(code)).toBe(true);
    }
    for (const code of ['NETWORK', 'TIMEOUT', 'DISCONNECTED', 'RATE_LIMITED', 'INTERNAL', 'AUDIT_UNAVAILABLE'] as const) {
      expect(isFinalRefusal(code)).toBe(false);
    }
  });

  it('keeps trying only within the grace period', () => {
    expect(withinGrace(1000, 30_999, 30_000)).toBe(true);
    expect(withinGrace(1000, 31_000, 30_000)).toBe(false);
  });
});

describe('TURN credential expiry on the client', () => {
  it('is the earliest "<expiry>:<user>" username, or null', () => {
    const servers = [
      { urls: ['turn:a'], username: '1700003600:u-1', credential: 'x' },
      { urls: ['turns:a'], username: '1700000600:u-1', credential: 'y' },
    ];
    expect(credentialsExpireAt(servers)).toBe(1_700_000_600_000);
    expect(credentialsExpireAt([{ urls: ['turn:a'], username: 'static', credential: 'z' }])).toBeNull();
    expect(credentialsExpireAt(undefined)).toBeNull();
  });
});
