import { describe, expect, it } from 'vitest';
import { SightlineError } from '../../../../signaling/errors.ts';
import { SessionStore } from '../../../../signaling/identity/sessions.ts';

const IDLE = 30 * 60_000;
const MAX = 12 * 3600_000;

function setup() {
  let now = 1_700_000_000_000;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
    get now() {
      return now;
    },
  };
  const store = new SessionStore({ idleMs: IDLE, maxMs: MAX }, () => now);
  return { store, clock };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SightlineError);
    return (error as SightlineError).code;
  }
  throw new Error('expected a SightlineError');
}

describe('SessionStore', () => {
  it('creates opaque random tokens and touch returns the session', () => {
    const { store, clock } = setup();
    const a = store.create('u-1');
    const b = store.create('u-1');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(store.touch(a)).toEqual({ userId: 'u-1', createdAt: clock.now, lastSeenAt: clock.now });
    expect(store.touch(b).userId).toBe('u-1');
  });

  it('touch refreshes lastSeenAt but not createdAt', () => {
    const { store, clock } = setup();
    const start = clock.now;
    const token = store.create('u-1');
    clock.advance(5_000);
    expect(store.touch(token)).toEqual({ userId: 'u-1', createdAt: start, lastSeenAt: start + 5_000 });
  });

  it('unknown tokens are SESSION_INVALID', () => {
    const { store } = setup();
    store.create('u-1');
    expect(codeOf(() => store.touch('nope'))).toBe('SESSION_INVALID');
    expect(codeOf(() => store.touch(''))).toBe('SESSION_INVALID');
  });

  it('expires after the idle timeout (strictly longer than idleMs)', () => {
    const { store, clock } = setup();
    const token = store.create('u-1');
    clock.advance(IDLE);
    expect(store.touch(token).userId).toBe('u-1');
    clock.advance(IDLE + 1);
    expect(codeOf(() => store.touch(token))).toBe('SESSION_EXPIRED');
    // An expired session is removed: afterwards it is simply unknown.
    expect(codeOf(() => store.touch(token))).toBe('SESSION_INVALID');
  });

  it('activity keeps the session alive past one idle period', () => {
    const { store, clock } = setup();
    const token = store.create('u-1');
    for (let i = 0; i < 5; i += 1) {
      clock.advance(IDLE - 1);
      expect(store.touch(token).userId).toBe('u-1');
    }
  });

  it('expires at the absolute maximum even when active', () => {
    const { store, clock } = setup();
    const token = store.create('u-1');
    const step = IDLE / 2;
    let elapsed = 0;
    while (elapsed + step <= MAX) {
      clock.advance(step);
      elapsed += step;
      expect(store.touch(token).userId).toBe('u-1');
    }
    expect(elapsed).toBe(MAX);
    clock.advance(1);
    expect(codeOf(() => store.touch(token))).toBe('SESSION_EXPIRED');
    expect(codeOf(() => store.touch(token))).toBe('SESSION_INVALID');
  });

  it('end() removes the session and reports whether it existed', () => {
    const { store } = setup();
    const token = store.create('u-1');
    const other = store.create('u-2');
    expect(store.end(token)).toBe(true);
    expect(store.end(token)).toBe(false);
    expect(store.end('unknown')).toBe(false);
    expect(codeOf(() => store.touch(token))).toBe('SESSION_INVALID');
    expect(store.touch(other).userId).toBe('u-2');
  });

  it('sweep() drops idle sessions and keeps live ones', () => {
    const { store, clock } = setup();
    const old = store.create('u-old');
    clock.advance(IDLE / 2);
    const active = store.create('u-active');
    const quiet = store.create('u-quiet');
    clock.advance(IDLE / 2 + 1);
    store.touch(active);
    store.sweep();
    // Swept sessions are gone (SESSION_INVALID); a merely expired one would say SESSION_EXPIRED.
    expect(codeOf(() => store.touch(old))).toBe('SESSION_INVALID');
    expect(store.touch(active).userId).toBe('u-active');
    expect(store.touch(quiet).userId).toBe('u-quiet');

    clock.advance(IDLE + 1);
    store.sweep();
    expect(codeOf(() => store.touch(active))).toBe('SESSION_INVALID');
    expect(codeOf(() => store.touch(quiet))).toBe('SESSION_INVALID');
  });

  it('sweep() keeps a session idle for exactly idleMs', () => {
    const { store, clock } = setup();
    const token = store.create('u-1');
    clock.advance(IDLE);
    store.sweep();
    expect(store.touch(token).userId).toBe('u-1');
  });

  it('sweep() drops sessions past the absolute maximum', () => {
    let now = 0;
    const store = new SessionStore({ idleMs: 1000, maxMs: 5000 }, () => now);
    const token = store.create('u-1');
    for (now = 900; now <= 5000; now += 900) store.touch(token);
    now = 5001;
    store.sweep();
    expect(codeOf(() => store.touch(token))).toBe('SESSION_INVALID');
  });

  it('reports each session that times out exactly once, with the cause, whether found on use or by sweep', () => {
    let now = 0;
    const expired: Array<[string, string]> = [];
    const store = new SessionStore({ idleMs: 1000, maxMs: 5000 }, () => now, (session, cause) => expired.push([session.userId, cause]));
    const used = store.create('u-used');
    const swept = store.create('u-swept');
    const longLived = store.create('u-long');
    const ended = store.create('u-ended');
    store.end(ended);
    now = 1001;
    expect(codeOf(() => store.touch(used))).toBe('SESSION_EXPIRED');
    expect(codeOf(() => store.touch(used))).toBe('SESSION_INVALID');
    store.sweep();
    store.sweep();
    expect(expired).toEqual([
      ['u-used', 'idle'],
      ['u-swept', 'idle'],
      ['u-long', 'idle'],
    ]);

    expired.length = 0;
    now = 0;
    const active = store.create('u-active');
    for (now = 900; now <= 5000; now += 900) store.touch(active);
    now = 5001;
    expect(codeOf(() => store.touch(active))).toBe('SESSION_EXPIRED');
    expect(expired).toEqual([['u-active', 'lifetime']]);
    void swept;
    void longLived;
  });
});
