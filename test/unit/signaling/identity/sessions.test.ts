import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SightlineError } from '../../../../signaling/errors.ts';
import { sessionDigest, SessionStore } from '../../../../signaling/identity/sessions.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

const IDLE = 30 * 60_000;
const MAX = 12 * 3600_000;

/** One clock drives both the SessionStore and the MemoryStore's TTLs, as in production. */
function setup(limits = { idleMs: IDLE, maxMs: MAX }) {
  let now = 1_700_000_000_000;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
    set: (at: number) => {
      now = at;
    },
    get now() {
      return now;
    },
  };
  const store = new MemoryStore(() => now);
  const sessions = new SessionStore(store, limits, () => now);
  return { sessions, store, clock };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SightlineError);
    return (error as SightlineError).code;
  }
  throw new Error('expected a SightlineError');
}

describe('SessionStore', () => {
  it('creates opaque random tokens and touch returns the session', async () => {
    const { sessions, clock } = setup();
    const a = await sessions.create('u-1');
    const b = await sessions.create('u-1');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await sessions.touch(a)).toEqual({ key: sessionDigest(a), userId: 'u-1', createdAt: clock.now, lastSeenAt: clock.now, deviceId: null });
    expect((await sessions.touch(b)).userId).toBe('u-1');
  });

  it('records the camera a device session was opened from', async () => {
    const { sessions } = setup();
    const token = await sessions.create('u-officer', 'cam-0001');
    expect(await sessions.touch(token)).toMatchObject({ userId: 'u-officer', deviceId: 'cam-0001' });
  });

  it('stores only the digest of the token, never the token itself', async () => {
    const { sessions, store } = setup();
    const token = await sessions.create('u-1');
    const raw = store.collection('sessions', z.unknown());
    expect(await raw.get(token)).toBeUndefined();
    expect(await raw.get(sessionDigest(token))).toMatchObject({ userId: 'u-1' });
    expect(sessionDigest(token)).not.toBe(token);
  });

  it('touch refreshes lastSeenAt but not createdAt', async () => {
    const { sessions, clock } = setup();
    const start = clock.now;
    const token = await sessions.create('u-1');
    clock.advance(5_000);
    expect(await sessions.touch(token)).toEqual({ key: sessionDigest(token), userId: 'u-1', createdAt: start, lastSeenAt: start + 5_000, deviceId: null });
  });

  it('unknown tokens are SESSION_INVALID', async () => {
    const { sessions } = setup();
    await sessions.create('u-1');
    expect(await codeOf(sessions.touch('nope'))).toBe('SESSION_INVALID');
    expect(await codeOf(sessions.touch(''))).toBe('SESSION_INVALID');
  });

  it('lives through exactly the idle timeout and is expired after it (strictly longer than idleMs)', async () => {
    const { sessions, clock } = setup();
    const token = await sessions.create('u-1');
    clock.advance(IDLE - 1);
    expect((await sessions.touch(token)).userId).toBe('u-1');
    clock.advance(IDLE);
    expect((await sessions.touch(token)).userId).toBe('u-1');
    clock.advance(IDLE + 1);
    // The record outlives the idle timeout, so the expiry is noticed once; then the session is gone.
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_EXPIRED');
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
  });

  it('an idle session is refused as expired once idleMs has passed, then removed', async () => {
    const { sessions, store, clock } = setup();
    const token = await sessions.create('u-1');
    clock.advance(IDLE + 1);
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_EXPIRED');
    expect(await store.collection('sessions', z.unknown()).get(sessionDigest(token))).toBeUndefined();
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
  });

  it('activity keeps the session alive past many idle periods', async () => {
    const { sessions, clock } = setup();
    const token = await sessions.create('u-1');
    for (let i = 0; i < 5; i += 1) {
      clock.advance(IDLE - 1);
      expect((await sessions.touch(token)).userId).toBe('u-1');
    }
  });

  it('expires at the absolute maximum even when active', async () => {
    const { sessions, clock } = setup();
    const token = await sessions.create('u-1');
    const step = IDLE / 2;
    let elapsed = 0;
    while (elapsed + step <= MAX) {
      clock.advance(step);
      elapsed += step;
      expect((await sessions.touch(token)).userId).toBe('u-1');
    }
    expect(elapsed).toBe(MAX);
    clock.advance(1);
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_EXPIRED');
    // An expired session is removed: afterwards it is simply unknown.
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
  });

  it('the absolute maximum applies with a short maxMs too', async () => {
    const { sessions, clock } = setup({ idleMs: 1000, maxMs: 5000 });
    const start = clock.now;
    const token = await sessions.create('u-1');
    for (clock.set(start + 900); clock.now <= start + 5000; clock.advance(900)) await sessions.touch(token);
    clock.set(start + 5001);
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_EXPIRED');
  });

  it('end() removes the session and reports whether it existed', async () => {
    const { sessions } = setup();
    const token = await sessions.create('u-1');
    const other = await sessions.create('u-2');
    expect(await sessions.end(token)).toBe(true);
    expect(await sessions.end(token)).toBe(false);
    expect(await sessions.end('unknown')).toBe(false);
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
    expect((await sessions.touch(other)).userId).toBe('u-2');
  });

  it('sessions are shared by every SessionStore over the same Store (several nodes)', async () => {
    const { sessions, store, clock } = setup();
    const otherNode = new SessionStore(store, { idleMs: IDLE, maxMs: MAX }, () => clock.now);
    const token = await sessions.create('u-1');
    expect((await otherNode.touch(token)).userId).toBe('u-1');
    expect(await otherNode.end(token)).toBe(true);
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
  });

  it('reports each session that times out exactly once, with the cause, whether found on use or by sweep', async () => {
    let now = 0;
    const expired: Array<[string, string]> = [];
    const store = new MemoryStore(() => now);
    const sessions = new SessionStore(store, { idleMs: 1000, maxMs: 5000 }, () => now, (session, cause) => expired.push([session.userId, cause]));
    const used = await sessions.create('u-used');
    await sessions.create('u-swept');
    await sessions.create('u-long');
    const ended = await sessions.create('u-ended');
    await sessions.end(ended);
    now = 1001;
    expect(await codeOf(sessions.touch(used))).toBe('SESSION_EXPIRED');
    expect(await codeOf(sessions.touch(used))).toBe('SESSION_INVALID');
    await sessions.sweep();
    await sessions.sweep();
    expect(expired).toEqual([
      ['u-used', 'idle'],
      ['u-swept', 'idle'],
      ['u-long', 'idle'],
    ]);

    expired.length = 0;
    now = 10_000;
    const active = await sessions.create('u-active');
    for (now = 10_900; now <= 15_000; now += 900) await sessions.touch(active);
    now = 15_001;
    expect(await codeOf(sessions.touch(active))).toBe('SESSION_EXPIRED');
    expect(expired).toEqual([['u-active', 'lifetime']]);
  });

  it('a session past its lifetime and never used again is still reported by the sweep, then dropped by the store', async () => {
    let now = 0;
    const expired: Array<[string, string]> = [];
    const store = new MemoryStore(() => now);
    const sessions = new SessionStore(store, { idleMs: 1000, maxMs: 5000 }, () => now, (session, cause) => expired.push([session.userId, cause]));
    const raw = store.collection('sessions', z.unknown());
    const swept = await sessions.create('u-swept');
    for (now = 900; now <= 5000; now += 900) await sessions.touch(swept);
    now = 5000 + 999;
    await sessions.sweep();
    expect(expired).toEqual([['u-swept', 'lifetime']]);
    expect(await raw.get(sessionDigest(swept))).toBeUndefined();

    // Never swept nor used: the store forgets it one idle period after its lifetime, not before.
    now = 10_000;
    const forgotten = await sessions.create('u-forgotten');
    now = 10_000 + 5000 + 999;
    expect(await raw.get(sessionDigest(forgotten))).toBeDefined();
    now = 10_000 + 5000 + 1000;
    expect(await raw.get(sessionDigest(forgotten))).toBeUndefined();
  });

  it('tells of every ending once, with its cause: sign-out, lockout of all of a user’s sessions, expiry', async () => {
    let now = 0;
    const ended: Array<[string, string]> = [];
    const store = new MemoryStore(() => now);
    const sessions = new SessionStore(store, { idleMs: 1000, maxMs: 5000 }, () => now, () => undefined, (session, cause) => ended.push([session.userId, cause]));
    const out = await sessions.create('u-out');
    await sessions.create('u-locked');
    await sessions.create('u-locked');
    await sessions.create('u-idle');
    expect(await sessions.end(out)).toBe(true);
    expect(await sessions.end(out)).toBe(false);
    expect(await sessions.endAllFor('u-locked', 'locked')).toBe(2);
    expect(await sessions.endAllFor('u-locked', 'locked')).toBe(0);
    now = 1001;
    await sessions.sweep();
    expect(ended).toEqual([
      ['u-out', 'logout'],
      ['u-locked', 'locked'],
      ['u-locked', 'locked'],
      ['u-idle', 'idle'],
    ]);
  });
});
