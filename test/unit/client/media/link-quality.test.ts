import { describe, expect, it } from 'vitest';
import { describeLinkQuality, linkQuality, type VideoCounters } from '../../../../client/src/media/link-quality.ts';

const at = (seconds: number, counters: Partial<VideoCounters>): VideoCounters => ({
  framesDecoded: 0,
  packetsReceived: 0,
  packetsLost: 0,
  freezeCount: 0,
  frameHeight: 480,
  at: seconds * 1000,
  ...counters,
});

describe('linkQuality', () => {
  it('good: full frame rate, little loss, no freeze', () => {
    const q = linkQuality(at(0, {}), at(2, { framesDecoded: 50, packetsReceived: 500, packetsLost: 2 }));
    expect(q).toMatchObject({ quality: 'good', height: 480, framesPerSecond: 25 });
    expect(describeLinkQuality(q)).toBe('480p · 25 fps · Good connection');
  });

  it('fair: a lower frame rate (a base temporal layer) or a few percent loss', () => {
    expect(linkQuality(at(0, {}), at(2, { framesDecoded: 24, packetsReceived: 300, frameHeight: 120 }))).toMatchObject({ quality: 'fair', height: 120 });
    expect(linkQuality(at(0, {}), at(2, { framesDecoded: 50, packetsReceived: 480, packetsLost: 20 })).quality).toBe('fair');
  });

  it('poor: a freeze, heavy loss, or a few frames a second', () => {
    expect(linkQuality(at(0, {}), at(2, { framesDecoded: 50, packetsReceived: 500, freezeCount: 1 })).quality).toBe('poor');
    expect(linkQuality(at(0, {}), at(2, { framesDecoded: 50, packetsReceived: 400, packetsLost: 100 })).quality).toBe('poor');
    expect(linkQuality(at(0, {}), at(2, { framesDecoded: 10, packetsReceived: 100 })).quality).toBe('poor');
  });

  it('none: no frame decoded between the readings', () => {
    const q = linkQuality(at(0, { framesDecoded: 10 }), at(2, { framesDecoded: 10 }));
    expect(q.quality).toBe('none');
    expect(describeLinkQuality(q)).toBe('480p · No picture');
  });
});
