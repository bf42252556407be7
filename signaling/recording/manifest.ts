// The per-incident recording manifest: the tracks recorded, and every segment in the order it was
// finished with its SHA-256. Written as canonical JSON so the same manifest always hashes the same.
// Pure; the recorder writes it and the offline verifier reads it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/audit-entry.ts';
import type { ManifestSegment, RecordingManifest } from '../protocol/recordings.ts';


export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.jws';
export const PUBLIC_KEY_FILE = 'public-key.jwk';
export const AUDIT_EXTRACT_FILE = 'audit.jsonl';

export function newManifest(incident: { id: string; agencyId: string }, segmentSeconds: number, now: Date): RecordingManifest {
  return { version: 1, incidentId: incident.id, agencyId: incident.agencyId, startedAt: now.toISOString(), endedAt: null, segmentSeconds, tracks: [], segments: [], problems: [] };
}

/** The manifest file's exact bytes. */
export const manifestBytes = (manifest: RecordingManifest): Buffer => Buffer.from(`${canonicalJson(manifest)}\n`);

export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** The audit detail of one segment: what ties the audit trail to the manifest entry. */
export function segmentAuditDetail(segment: ManifestSegment): Record<string, string | number | boolean> {
  return { n: segment.n, track: segment.track, file: segment.file, sha256: segment.sha256, bytes: segment.bytes, startedAt: segment.startedAt, endedAt: segment.endedAt, complete: segment.complete };
}

/**
 * The first inconsistency in the manifest's order and times, or null: segments numbered 1..n,
 * each of a listed track, starting no later than it ends, a track's segments one after another,
 * and all within the recording's span.
 */
export function manifestOrderProblem(manifest: RecordingManifest): string | null {
  const tracks = new Map(manifest.tracks.map((t) => [t.id, t]));
  const lastEnd = new Map<string, number>();
  const start = Date.parse(manifest.startedAt);
  const end = manifest.endedAt === null ? Infinity : Date.parse(manifest.endedAt);
  // Clocks are read in different processes: a segment may overlap its neighbour by this much.
  const slackMs = 1000;
  for (const [index, segment] of manifest.segments.entries()) {
    const where = `segment ${segment.n} (${segment.file})`;
    if (segment.n !== index + 1) return `${where} is out of order: expected number ${index + 1}`;
    if (!tracks.has(segment.track)) return `${where} names unknown track ${segment.track}`;
    if (!segment.file.startsWith(`tracks/${segment.track}/`)) return `${where} is not in its track's folder`;
    const [from, to] = [Date.parse(segment.startedAt), Date.parse(segment.endedAt)];
    if (to < from) return `${where} ends before it starts`;
    if (from < start - slackMs || to > end + slackMs) return `${where} lies outside the recording (${manifest.startedAt} – ${manifest.endedAt})`;
    if (from < (lastEnd.get(segment.track) ?? -Infinity) - slackMs) return `${where} starts before the previous segment of track ${segment.track} ended`;
    lastEnd.set(segment.track, to);
  }
  return null;
}
