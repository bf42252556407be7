import { describe, expect, it } from 'vitest';
import { lossPercent, SequenceLoss, sumLoss } from './rtp-loss.ts';

const feed = (sequence: number[]) => {
  const loss = new SequenceLoss();
  for (const n of sequence) loss.add(n);
  return loss.count();
};

describe('SequenceLoss', () => {
  it('counts nothing lost for an unbroken run', () => {
    expect(feed([10, 11, 12, 13])).toEqual({ expected: 4, received: 4, lost: 0, duplicates: 0 });
  });

  it('counts a gap as lost, and a retransmission that fills it as received', () => {
    expect(feed([1, 2, 5, 6])).toMatchObject({ expected: 6, received: 4, lost: 2 });
    expect(feed([1, 2, 5, 3, 4, 6])).toMatchObject({ expected: 6, received: 6, lost: 0 });
  });

  it('counts a repeated packet as a duplicate, not as received', () => {
    expect(feed([1, 2, 2, 3, 2])).toEqual({ expected: 3, received: 3, lost: 0, duplicates: 2 });
  });

  it('follows the sequence number across its wrap', () => {
    expect(feed([65533, 65534, 65535, 0, 1, 3])).toMatchObject({ expected: 7, received: 6, lost: 1 });
    expect(feed([65534, 0, 65535, 1])).toMatchObject({ expected: 4, received: 4, lost: 0 });
  });

  it('ignores packets from before the first one it saw', () => {
    expect(feed([100, 99, 101])).toMatchObject({ expected: 2, received: 2, lost: 0 });
  });

  it('keeps counting over many wraps with bounded memory', () => {
    const loss = new SequenceLoss();
    let dropped = 0;
    for (let i = 0; i < 300_000; i++) {
      if (i % 1000 === 999) dropped++;
      else loss.add(i & 0xffff);
    }
    expect(loss.count()).toMatchObject({ expected: 300_000 - 1, received: 300_000 - dropped, lost: dropped - 1 });
  });

  it('sums streams and gives loss as a percentage', () => {
    const total = sumLoss([
      { expected: 100, received: 99, lost: 1, duplicates: 0 },
      { expected: 300, received: 299, lost: 1, duplicates: 2 },
    ]);
    expect(total).toEqual({ expected: 400, received: 398, lost: 2, duplicates: 2 });
    expect(lossPercent(total)).toBe(0.5);
    expect(lossPercent(sumLoss([]))).toBeNull();
  });
});
