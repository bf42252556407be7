import { describe, expect, it } from 'vitest';
import { LOCK_MS, LoginLockout, MAX_FAILURES } from '../../../../signaling/identity/login-lockout.ts';

function setup() {
  let now = 1_700_000_000_000;
  const lockout = new LoginLockout(() => now);
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

  it('the fifth consecutive failure locks, not before', () => {
    const { lockout } = setup();
    for (let i = 1; i <= 4; i += 1) {
      expect(lockout.recordFailure('officer.reyes'), `failure ${i}`).toBe(false);
      expect(lockout.isLocked('officer.reyes')).toBe(false);
    }
    expect(lockout.recordFailure('officer.reyes')).toBe(true);
    expect(lockout.isLocked('officer.reyes')).toBe(true);
  });

  it('further failures while locked do not report a new lock nor extend it', () => {
    const { lockout, advance } = setup();
    for (let i = 0; i < 5; i += 1) lockout.recordFailure('u');
    advance(LOCK_MS - 1000);
    expect(lockout.recordFailure('u')).toBe(false);
    expect(lockout.isLocked('u')).toBe(true);
    advance(1000);
    expect(lockout.isLocked('u')).toBe(false);
  });

  it('stays locked for 10 minutes and unlocks after', () => {
    const { lockout, advance } = setup();
    for (let i = 0; i < 5; i += 1) lockout.recordFailure('u');
    advance(LOCK_MS - 1);
    expect(lockout.isLocked('u')).toBe(true);
    advance(1);
    expect(lockout.isLocked('u')).toBe(false);
  });

  it('after the lock expires the count starts again from zero', () => {
    const { lockout, advance } = setup();
    for (let i = 0; i < 5; i += 1) lockout.recordFailure('u');
    advance(LOCK_MS);
    for (let i = 1; i <= 4; i += 1) expect(lockout.recordFailure('u'), `failure ${i}`).toBe(false);
    expect(lockout.isLocked('u')).toBe(false);
    expect(lockout.recordFailure('u')).toBe(true);
    expect(lockout.isLocked('u')).toBe(true);
  });

  it('a success resets the failure count', () => {
    const { lockout } = setup();
    for (let i = 0; i < 4; i += 1) lockout.recordFailure('u');
    lockout.recordSuccess('u');
    for (let i = 0; i < 4; i += 1) expect(lockout.recordFailure('u')).toBe(false);
    expect(lockout.isLocked('u')).toBe(false);
    expect(lockout.recordFailure('u')).toBe(true);
  });

  it('is keyed case-insensitively and per user', () => {
    const { lockout } = setup();
    for (const name of ['Sup.Chen', 'SUP.CHEN', 'sup.chen', 'Sup.chen']) lockout.recordFailure(name);
    expect(lockout.isLocked('sup.chen')).toBe(false);
    expect(lockout.recordFailure('sup.CHEN')).toBe(true);
    expect(lockout.isLocked('Sup.Chen')).toBe(true);
    expect(lockout.isLocked('officer.park')).toBe(false);
    lockout.recordSuccess('SUP.chen');
    expect(lockout.isLocked('sup.chen')).toBe(false);
  });

  it('an unknown user is not locked', () => {
    const { lockout } = setup();
    expect(lockout.isLocked('nobody')).toBe(false);
  });
});
