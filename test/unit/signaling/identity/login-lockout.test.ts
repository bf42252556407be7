import { describe, expect, it } from 'vitest';
import { LOCK_MS, LoginLockout, MAX_FAILURES } from '../../../../signaling/identity/login-lockout.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

/** The MemoryStore's clock drives both the failure counter window and the lock's TTL. */
function setup() {
  let now = 1_700_000_000_000;
  const store = new MemoryStore(() => now);
  const lockout = new LoginLockout(store);
  return {
    store,
    lockout,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function fail(lockout: LoginLockout, username: string, times: number): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < times; i += 1) results.push(await lockout.recordFailure(username));
  return results;
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

  it('stays locked for 10 minutes and unlocks after', async () => {
    const { lockout, advance } = setup();
    await fail(lockout, 'u', 5);
    advance(LOCK_MS - 1);
    expect(await lockout.isLocked('u')).toBe(true);
    advance(1);
    expect(await lockout.isLocked('u')).toBe(false);
  });

  it('further failures while locked do not report a new lock nor extend it', async () => {
    const { lockout, advance } = setup();
    await fail(lockout, 'u', 5);
    advance(LOCK_MS - 1000);
    // Even a full further round of failures during the lock neither re-locks nor extends it.
    expect(await fail(lockout, 'u', MAX_FAILURES)).toEqual([false, false, false, false, false]);
    expect(await lockout.isLocked('u')).toBe(true);
    advance(1000);
    expect(await lockout.isLocked('u')).toBe(false);
  });

  it('after the lock expires the count starts again from zero', async () => {
    const { lockout, advance } = setup();
    await fail(lockout, 'u', 5);
    advance(LOCK_MS);
    expect(await lockout.isLocked('u')).toBe(false);
    for (let i = 1; i <= 4; i += 1) expect(await lockout.recordFailure('u'), `failure ${i}`).toBe(false);
    expect(await lockout.isLocked('u')).toBe(false);
    expect(await lockout.recordFailure('u')).toBe(true);
    expect(await lockout.isLocked('u')).toBe(true);
  });

  it('a success resets the failure count', async () => {
    const { lockout } = setup();
    await fail(lockout, 'u', 4);
    await lockout.recordSuccess('u');
    expect(await fail(lockout, 'u', 4)).toEqual([false, false, false, false]);
    expect(await lockout.isLocked('u')).toBe(false);
    expect(await lockout.recordFailure('u')).toBe(true);
    expect(await lockout.isLocked('u')).toBe(true);
  });

  it('failures older than the 10-minute window are forgotten', async () => {
    const { lockout, advance } = setup();
    await fail(lockout, 'u', 4);
    advance(LOCK_MS);
    expect(await fail(lockout, 'u', 4)).toEqual([false, false, false, false]);
    expect(await lockout.isLocked('u')).toBe(false);
    expect(await lockout.recordFailure('u')).toBe(true);
  });

  it('is keyed case-insensitively and per user', async () => {
    const { lockout } = setup();
    for (const name of ['Sup.Chen', 'SUP.CHEN', 'sup.chen', 'Sup.chen']) await lockout.recordFailure(name);
    expect(await lockout.isLocked('sup.chen')).toBe(false);
    expect(await lockout.recordFailure('sup.CHEN')).toBe(true);
    expect(await lockout.isLocked('Sup.Chen')).toBe(true);
    expect(await lockout.isLocked('SUP.CHEN')).toBe(true);
    expect(await lockout.isLocked('officer.park')).toBe(false);
    expect(await lockout.recordFailure('officer.park')).toBe(false);
  });

  it('is shared by every LoginLockout over the same Store (several nodes)', async () => {
    const { store, lockout } = setup();
    const otherNode = new LoginLockout(store);
    await fail(lockout, 'u', 2);
    await fail(otherNode, 'u', 2);
    expect(await lockout.recordFailure('u')).toBe(true);
    expect(await otherNode.isLocked('U')).toBe(true);
  });

  it('an unknown user is not locked', async () => {
    const { lockout } = setup();
    expect(await lockout.isLocked('nobody')).toBe(false);
  });
});
