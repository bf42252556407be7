import { describe, expect, it } from 'vitest';
import { formatPosition, segmentAt, timelineOf, trackLabel } from '../../../../../client/src/pages/audit/recording-timeline.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, 0) + s * 1000).toISOString();
const manifest = {
  startedAt: at(0),
  endedAt: at(30),
  segments: [
    { n: 1, track: 't1', startedAt: at(1), endedAt: at(11) },
    { n: 2, track: 't3', startedAt: at(12), endedAt: at(15) },
    { n: 3, track: 't1', startedAt: at(11), endedAt: at(21) },
    { n: 4, track: 't1', startedAt: at(20.5), endedAt: at(31) },
  ],
} as never;

describe('recording timeline', () => {
  it('places segments on the recording’s clock, per track, and runs to the last moment recorded', () => {
    const timeline = timelineOf(manifest);
    expect(timeline.durationMs).toBe(31_000);
    expect(timeline.segments.get('t1')!.map((s) => [s.n, s.fromMs, s.toMs])).toEqual([
      [1, 1000, 11_000],
      [3, 11_000, 21_000],
      [4, 20_500, 31_000],
    ]);
  });

  it('finds the segment covering a moment and how far into it; the later of two overlapping; none in a gap', () => {
    const timeline = timelineOf(manifest);
    expect(segmentAt(timeline, 't1', 500)).toBeNull();
    expect(segmentAt(timeline, 't1', 5000)).toEqual({ segment: { n: 1, fromMs: 1000, toMs: 11_000 }, offsetMs: 4000 });
    expect(segmentAt(timeline, 't1', 11_000)?.segment.n).toBe(3);
    expect(segmentAt(timeline, 't1', 20_700)).toMatchObject({ segment: { n: 4 }, offsetMs: 200 });
    expect(segmentAt(timeline, 't3', 11_999)).toBeNull();
    expect(segmentAt(timeline, 't3', 13_000)).toMatchObject({ segment: { n: 2 }, offsetMs: 1000 });
    expect(segmentAt(timeline, 'nope', 13_000)).toBeNull();
  });

  it('names tracks by whose they are and what they carry', () => {
    const names = { 'u-clin-okafor': 'Dr. Amara Okafor' };
    expect(trackLabel({ kind: 'audio', source: 'talkback', userId: 'u-clin-okafor', role: 'clinician' }, names)).toBe('Dr. Amara Okafor (clinician): talk-back');
    expect(trackLabel({ kind: 'video', source: 'camera', userId: 'u-off-reyes', role: 'officer' }, names)).toBe('u-off-reyes (officer): camera video');
  });

  it('formats positions as a player shows them', () => {
    expect([formatPosition(0), formatPosition(61_500), formatPosition(3_725_000)]).toEqual(['0:00', '1:01', '1:02:05']);
  });
});
