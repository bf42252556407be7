import { describe, expect, it } from 'vitest';
import { SightlineError } from '../../../../signaling/errors.ts';
import { SessionStore } from '../../../../signaling/identity/sessions.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

const IDLE = 30 * 60_000;
const MAX = 12 * 3600_000;

function setup(limits = { idleMs: IDLE, maxMs: MAX }) {
  let now = 1_700_000_000_000;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
    get now() {
      return now;
    },
  };
  const sessions = new SessionStore(new MemoryStore(() => now), limits, () => now);
  return { sessions, clock };
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
    const b = await sessions.create('u-1', 'cam-1');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await sessions.touch(a)).toEqual({ userId: 'u-1', createdAt: clock.now, lastSeenAt: clock.now, deviceId: null });
    expect((await sessions.touch(b)).deviceId).toBe('cam-1');
  });

  it('touch refreshes lastSeenAt but not createdAt', async () => {
    const { sessions, clock } = setup();
    const start = clock.now;
    const token = await sessions.create('u-1');
    clock.advance(5_000);
    expect(await sessions.touch(token)).toMatchObject({ userId: 'u-1', createdAt: start, lastSeenAt: start + 5_000 });
  });

  it('unknown tokens are SESSION_INVALID', async () => {
    const { sessions } = setup();
    await sessions.create('u-1');
    expect(await codeOf(sessions.touch('nope'))).toBe('SESSION_INVALID');
    expect(await codeOf(sessions.touch(''))).toBe('SESSION_INVALID');
  });

  it('is gone after the idle timeout', async () => {
    const { sessions, clock } = setup();
    const token = await sessions.create('u-1');
    clock.advance(IDLE - 1);
    expect((await sessions.touch(token)).userId).toBe('u-1');
    clock.advance(IDLE);
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
  });

  it('activity keeps the session alive past one idle period', async () => {
    const { sessions, clock } = setup();
    const token = await sessions.create('u-1');
    for (let i = 0; i < 5; i += 1) {
      clock.advance(IDLE - 1);
      expect((await sessions.touch(token)).userId).toBe('u-1');
    }
  });

  it('expires at the absolute maximum even when active, and is then forgotten', async () => {
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
    expect(await codeOf(sessions.touch(token))).toBe('SESSION_INVALID');
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
});
