import { describe, expect, it } from 'vitest';
import { LatestWrites } from '../../../../signaling/live/latest-writes.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('LatestWrites', () => {
  it('never lets an older write land after a newer one, and skips the ones overtaken', async () => {
    const stored: string[] = [];
    const slow = deferred();
    const writes = new LatestWrites<string>(() => {});
    void writes.schedule('inc-1', async () => {
      await slow.promise; // the first write (a join) is slow to reach the store
      stored.push('joined');
    });
    void writes.schedule('inc-1', async () => void stored.push('talking'));
    void writes.schedule('inc-1', async () => void stored.push('left'));
    slow.resolve();
    await writes.settled();
    expect(stored).toEqual(['joined', 'left']);
  });

  it('keeps keys apart, and goes on after a failed write', async () => {
    const stored: string[] = [];
    const errors: string[] = [];
    const writes = new LatestWrites<string>((error, key) => errors.push(`${key}: ${error.message}`));
    const gate = deferred();
    void writes.schedule('a', async () => {
      await gate.promise;
      throw new Error('store unavailable');
    });
    void writes.schedule('b', async () => void stored.push('b1'));
    void writes.schedule('a', async () => void stored.push('a2'));
    gate.resolve();
    await writes.settled();
    expect(stored.sort()).toEqual(['a2', 'b1']);
    expect(errors).toEqual(['a: store unavailable']);
  });
});
