import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../signaling/ws/token-bucket.ts';

function setup(rate: number, burst: number) {
  let now = 1_000_000;
  const bucket = new TokenBucket(rate, burst, () => now);
  return {
    bucket,
    advance: (ms: number) => {
      now += ms;
    },
    takeMany: (n: number) => Array.from({ length: n }, () => bucket.take()).filter(Boolean).length,
  };
}

describe('TokenBucket', () => {
  it('starts full: allows exactly `burst` takes at once', () => {
    const { bucket, takeMany } = setup(20, 40);
    expect(takeMany(40)).toBe(40);
    expect(bucket.take()).toBe(false);
    expect(bucket.take()).toBe(false);
  });

  it('refills at `rate` tokens per second', () => {
    const { bucket, advance, takeMany } = setup(20, 40);
    takeMany(40);
    advance(49);
    expect(bucket.take()).toBe(false); // 0.98 of a token
    advance(1);
    expect(bucket.take()).toBe(true); // 1 token after 50 ms at 20/s
    expect(bucket.take()).toBe(false);
    advance(500);
    expect(takeMany(20)).toBe(10);
  });

  it('never holds more than `burst`', () => {
    const { advance, takeMany } = setup(20, 40);
    takeMany(40);
    advance(60_000);
    expect(takeMany(100)).toBe(40);
  });

  it('refused takes do not consume tokens', () => {
    const { bucket, advance, takeMany } = setup(1, 2);
    takeMany(2);
    for (let i = 0; i < 10; i += 1) expect(bucket.take()).toBe(false);
    advance(1000);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('supports fractional rates', () => {
    const { bucket, advance, takeMany } = setup(0.5, 1);
    expect(takeMany(3)).toBe(1);
    advance(1999);
    expect(bucket.take()).toBe(false);
    advance(1);
    expect(bucket.take()).toBe(true);
  });

  it('a sustained rate at the limit is allowed indefinitely', () => {
    const { advance, takeMany } = setup(10, 1);
    for (let i = 0; i < 100; i += 1) {
      advance(100);
      expect(takeMany(1)).toBe(1);
    }
  });
});
