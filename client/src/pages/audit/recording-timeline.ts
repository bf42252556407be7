// A recording on one wall clock: each track's segments placed by the times the relay wrote into
// the manifest, so tracks recorded by separate muxers play side by side as they were heard.
// Pure; the player asks it which segment of a track covers a moment, and how far into it.
import type { ManifestSegment, ManifestTrack, RecordingManifest } from '../../../../signaling/protocol/recordings.ts';

export interface PlacedSegment {
  n: number;
  /** Milliseconds from the recording's start. */
  fromMs: number;
  toMs: number;
}

export interface Timeline {
  /** Wall-clock time of position 0 (epoch ms). */
  originMs: number;
  durationMs: number;
  /** Each track's segments in order. */
  segments: ReadonlyMap<string, readonly PlacedSegment[]>;
}

export function timelineOf(manifest: Pick<RecordingManifest, 'startedAt' | 'endedAt' | 'segments'>): Timeline {
  const originMs = Date.parse(manifest.startedAt);
  const segments = new Map<string, PlacedSegment[]>();
  let endMs = manifest.endedAt ? Date.parse(manifest.endedAt) : originMs;
  for (const segment of manifest.segments as readonly ManifestSegment[]) {
    const placed = { n: segment.n, fromMs: Date.parse(segment.startedAt) - originMs, toMs: Date.parse(segment.endedAt) - originMs };
    segments.set(segment.track, [...(segments.get(segment.track) ?? []), placed]);
    endMs = Math.max(endMs, Date.parse(segment.endedAt));
  }
  for (const list of segments.values()) list.sort((a, b) => a.fromMs - b.fromMs);
  return { originMs, durationMs: Math.max(0, endMs - originMs), segments };
}

/** The segment of `track` that covers `atMs` (the later one where two overlap), and how far into it. */
export function segmentAt(timeline: Timeline, track: string, atMs: number): { segment: PlacedSegment; offsetMs: number } | null {
  const list = timeline.segments.get(track) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const segment = list[i]!;
    if (segment.fromMs <= atMs && atMs < segment.toMs) return { segment, offsetMs: atMs - segment.fromMs };
  }
  return null;
}

/** How a reviewer knows a track: whose it is and what it carries. */
export function trackLabel(track: Pick<ManifestTrack, 'kind' | 'source' | 'userId' | 'role'>, names: Readonly<Record<string, string>>): string {
  const who = track.userId ? (names[track.userId] ?? track.userId) : 'Unknown sender';
  if (track.source === 'talkback') return `${who} (${track.role ?? 'clinician'}): talk-back`;
  return `${who} (${track.role ?? 'officer'}): camera ${track.kind}`;
}

/** `m:ss` (or `h:mm:ss`) for a position in milliseconds. */
export function formatPosition(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
