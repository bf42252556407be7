import { describe, expect, it } from 'vitest';
import { CHECKS_BEHIND, delayBetween, isBehindLive, MAX_AUDIO_DELAY_MS } from '../../../../client/src/media/playout-guard.ts';

describe('playout delay between two readings', () => {
  it('is the mean delay of the samples emitted in between, in ms', () => {
    expect(delayBetween({ jitterBufferDelay: 10, jitterBufferEmittedCount: 48_000 }, { jitterBufferDelay: 96_010, jitterBufferEmittedCount: 96_000 })).toBe(2000);
    expect(delayBetween({ jitterBufferDelay: 0, jitterBufferEmittedCount: 0 }, { jitterBufferDelay: 4800, jitterBufferEmittedCount: 48_000 })).toBeCloseTo(100);
  });

  it('is null when nothing was played (a paused or silent stream)', () => {
    expect(delayBetween({ jitterBufferDelay: 5, jitterBufferEmittedCount: 100 }, { jitterBufferDelay: 5, jitterBufferEmittedCount: 100 })).toBeNull();
  });
});

describe('behind live', () => {
  const high = MAX_AUDIO_DELAY_MS + 1;
  it('needs every one of the latest checks above the limit', () => {
    expect(isBehindLive(Array(CHECKS_BEHIND).fill(high))).toBe(true);
    expect(isBehindLive([...Array(CHECKS_BEHIND - 1).fill(high), MAX_AUDIO_DELAY_MS])).toBe(false);
    expect(isBehindLive([high, ...Array(CHECKS_BEHIND - 1).fill(null)])).toBe(false);
  });

  it('needs enough checks, and looks only at the latest', () => {
    expect(isBehindLive(Array(CHECKS_BEHIND - 1).fill(high))).toBe(false);
    expect(isBehindLive([100, ...Array(CHECKS_BEHIND).fill(high)])).toBe(true);
    expect(isBehindLive([...Array(CHECKS_BEHIND).fill(high), 100])).toBe(false);
  });
});
