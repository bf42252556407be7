import { describe, expect, it } from 'vitest';
import { LOCK_MS, LoginLockout, MAX_FAILURES } from '../../../../signaling/identity/login-lockout.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

function setup() {
  let now = 1_700_000_000_000;
  const lockout = new LoginLockout(new MemoryStore(() => now));
  return {
    lockout,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('LoginLockout', () => {
  it('locks after 5 failures for 10 minutes', () => {
    expect(MAX_FAILURES).toBe(5);
    expect(LOCK_MS).toBe(600_000);
  });

  it('the fifth consecutive failure locks, not before', async () => {
    const { lockout } = setup();
    for (let i = 1; i <= 4; i += 1) {
      expect(await lockout.recordFailure('officer.reyes'), `failure ${i}`).toBe(false);
      expect(await lockout.isLocked('officer.reyes')).toBe(false);
    }
    expect(await lockout.recordFailure('officer.reyes')).toBe(true);
    expect(await lockout.isLocked('officer.reyes')).toBe(true);
  });

  it('failures while locked do not report a new lock nor extend it', async () => {
    const { lockout, advance } = setup();
    for (let i = 0; i < 5; i += 1) await lockout.recordFailure('u');
    advance(LOCK_MS - 1000);
    for (let i = 0; i < 5; i += 1) expect(await lockout.recordFailure('u')).toBe(false);
    expect(await lockout.isLocked('u')).toBe(true);
    advance(1000);
    expect(await lockout.isLocked('u')).toBe(false);
  });

  it('stays locked for 10 minutes and unlocks after', async () => {
    const { lockout, advance } = setup();
    for (let i = 0; i < 5; i += 1) await lockout.recordFailure('u');
    advance(LOCK_MS - 1);
    expect(await lockout.isLocked('u')).toBe(true);
    advance(1);
    expect(await lockout.isLocked('u')).toBe(false);
  });

  it('failures older than the window are forgotten', async () => {
    const { lockout, advance } = setup();
    for (let i = 0; i < 4; i += 1) await lockout.recordFailure('u');
    advance(LOCK_MS);
    for (let i = 1; i <= 4; i += 1) expect(await lockout.recordFailure('u'), `failure ${i}`).toBe(false);
    expect(await lockout.recordFailure('u')).toBe(true);
  });

  it('a success resets the failure count', async () => {
    const { lockout } = setup();
    for (let i = 0; i < 4; i += 1) await lockout.recordFailure('u');
    await lockout.recordSuccess('u');
    for (let i = 0; i < 4; i += 1) expect(await lockout.recordFailure('u')).toBe(false);
    expect(await lockout.isLocked('u')).toBe(false);
    expect(await lockout.recordFailure('u')).toBe(true);
  });

  it('is keyed case-insensitively and per user', async () => {
    const { lockout } = setup();
    for (const name of ['Sup.Chen', 'SUP.CHEN', 'sup.chen', 'Sup.chen']) await lockout.recordFailure(name);
    expect(await lockout.isLocked('sup.chen')).toBe(false);
    expect(await lockout.recordFailure('sup.CHEN')).toBe(true);
    expect(await lockout.isLocked('Sup.Chen')).toBe(true);
    expect(await lockout.isLocked('officer.park')).toBe(false);
  });

  it('an unknown user is not locked', async () => {
    const { lockout } = setup();
    expect(await lockout.isLocked('nobody')).toBe(false);
  });
});
