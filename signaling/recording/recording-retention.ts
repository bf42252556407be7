// Retention of evidence recordings: a recording whose incident ended more than
// RECORDING_RETENTION_DAYS ago loses its segments, unless an admin put it on legal hold. Each
// deletion is audited before a byte goes (no audit entry, no deletion) and leaves a signed purge
// record beside the manifest. Run by the audit trail's retention job on every node, each over the
// recordings on its own disk; on shared storage two nodes may meet at one recording, and only the
// one that claims its segments first deletes them.
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_MS } from '../audit/audit-purge.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { readManifest } from './evidence-export.ts';
import { readHold } from './legal-hold.ts';
import type { RecordingManifest } from '../protocol/recordings.ts';
import { MANIFEST_FILE, manifestBytes, sha256Hex } from './manifest.ts';
import { isPurged, PURGE_RECORD_FILE, signPurgeRecord, type PurgeRecord } from './purge-record.ts';
import { RecordingPaths } from './recording-paths.ts';

const TRACKS = 'tracks';
/** Segments claimed by a purge under way: renamed first, so one purger alone deletes them. */
const CLAIMED = 'tracks.purging';

export interface RecordingRetentionOptions {
  paths: RecordingPaths;
  keys: Pick<SigningKeys, 'kid' | 'privateKey'>;
  /** Where the deletion is recorded before it happens; a write that fails stops it. */
  audit: Pick<AuditLog, 'record'>;
  source: AuditSource;
  retentionDays: number;
  /** Recordings still being written are never purged. */
  isRecording(incidentId: string): boolean;
}

export interface RecordingPurgeResult {
  cutoff: string;
  /** Incidents whose segments this run deleted. */
  purged: string[];
  /** Incidents past retention that a legal hold keeps. */
  held: string[];
}

/** When a recording ended: its seal, or (never sealed: its node died) its last segment or start. */
export function recordingEnd(manifest: RecordingManifest): string {
  return manifest.endedAt ?? manifest.segments.at(-1)?.endedAt ?? manifest.startedAt;
}

/** Deletes the segments of every recording on this disk past retention and not on hold. */
export async function purgeExpiredRecordings(options: RecordingRetentionOptions, now: Date): Promise<RecordingPurgeResult> {
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS);
  const result: RecordingPurgeResult = { cutoff: cutoff.toISOString(), purged: [], held: [] };
  const names = await readdir(options.paths.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  for (const incidentId of names.filter(RecordingPaths.isIncidentId).sort()) {
    if (options.isRecording(incidentId)) continue;
    const dir = options.paths.incidentDir(incidentId);
    if (await isPurged(options.paths, incidentId)) {
      await rm(join(dir, CLAIMED), { recursive: true, force: true }); // a purge cut short after its record
      continue;
    }
    const manifest = await readManifest(options.paths, incidentId).catch(() => null);
    if (!manifest || !(Date.parse(recordingEnd(manifest)) < cutoff.getTime())) continue;
    if (await readHold(options.paths, incidentId)) {
      result.held.push(incidentId);
      continue;
    }
    if (await purgeOne(options, incidentId, manifest, now)) result.purged.push(incidentId);
  }
  return result;
}

async function purgeOne(options: RecordingRetentionOptions, incidentId: string, manifest: RecordingManifest, now: Date): Promise<boolean> {
  const dir = options.paths.incidentDir(incidentId);
  const claimed = await rename(join(dir, TRACKS), join(dir, CLAIMED)).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false; // another node claimed it
      throw error;
    },
  );
  if (!claimed) return false;
  const record: PurgeRecord = {
    incidentId,
    manifestSha256: sha256Hex(await readFile(join(dir, MANIFEST_FILE)).catch(() => manifestBytes(manifest))),
    segments: manifest.segments.length,
    bytes: manifest.segments.reduce((sum, segment) => sum + segment.bytes, 0),
    endedAt: recordingEnd(manifest),
    purgedAt: now.toISOString(),
    retentionDays: options.retentionDays,
    node: options.source.node,
  };
  try {
    await options.audit.record({
      action: 'recording.purge',
      outcome: 'info',
      actor: null,
      target: { incidentId, agencyId: manifest.agencyId },
      source: options.source,
      detail: { manifestSha256: record.manifestSha256, segments: record.segments, bytes: record.bytes, endedAt: record.endedAt, retentionDays: record.retentionDays },
    });
  } catch (error) {
    await rename(join(dir, CLAIMED), join(dir, TRACKS)); // not audited: nothing is deleted
    throw error;
  }
  await writeFile(join(dir, PURGE_RECORD_FILE), `${await signPurgeRecord(options.keys, record)}\n`);
  await rm(join(dir, CLAIMED), { recursive: true, force: true });
  return true;
}
