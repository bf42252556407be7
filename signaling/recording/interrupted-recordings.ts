// Recordings whose node stopped while writing them (killed, crashed, powered off): the manifest
// on disk lists every segment hashed and audited before the stop, and is unsealed. The muxers,
// told by the kernel that the relay died, finish the segment they were writing, which then lies
// on disk without a hash in the manifest or the audit trail: such files are named in the
// manifest's problems and left out of the evidence. An interrupted recording is either resumed
// (its incident taken back on this node, same id) or, once its incident is no longer live
// anywhere, sealed as it stands, saying it was interrupted.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { RecordingManifest } from '../protocol/recordings.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { readManifest } from './evidence-export.ts';
import { signManifest } from './manifest-signature.ts';
import { MANIFEST_FILE, SIGNATURE_FILE, manifestBytes, sha256Hex } from './manifest.ts';
import { isPurged } from './purge-record.ts';
import type { RecordingIndex } from './recording-index.ts';
import { RecordingPaths } from './recording-paths.ts';
import { replaceFile } from './replace-file.ts';

/** Segment files under the recording's tracks that its manifest does not name. */
export async function strayFiles(paths: RecordingPaths, manifest: RecordingManifest): Promise<string[]> {
  const named = new Set(manifest.segments.map((segment) => segment.file));
  const stray: string[] = [];
  for (const track of manifest.tracks) {
    const files = await readdir(paths.trackDir(manifest.incidentId, track.id)).catch(() => [] as string[]);
    for (const file of files.sort()) {
      const relative = `tracks/${track.id}/${file}`;
      if (file.endsWith('.mkv') && !named.has(relative)) stray.push(relative);
    }
  }
  return stray;
}

/** When the interrupted recording last wrote its manifest: its last segment's end, or its start. */
const lastWritten = (manifest: RecordingManifest): string => manifest.segments.at(-1)?.endedAt ?? manifest.startedAt;

/**
 * Marks an interrupted manifest (in place, not written): its open tracks ended when its node
 * stopped, and what was written after the last hashed segment is named as not evidence.
 */
export async function noteInterruption(paths: RecordingPaths, manifest: RecordingManifest, now: Date): Promise<void> {
  const stoppedBy = lastWritten(manifest);
  for (const track of manifest.tracks) {
    if (track.endedAt !== null) continue;
    track.endedAt = stoppedBy;
    track.endCause = 'node-stopped';
  }
  const stray = await strayFiles(paths, manifest);
  manifest.problems.push({
    at: now.toISOString(),
    track: null,
    what:
      `the relay recording this incident stopped after ${stoppedBy}: what was sent after that was not recorded` +
      (stray.length > 0 ? `; written after the stop and not hashed, so not part of this evidence: ${stray.join(', ')}` : ''),
  });
}

export interface SealInterruptedOptions {
  paths: RecordingPaths;
  keys: SigningKeys;
  audit: Auditor;
  source: AuditSource;
  /** Recording on this node now (never touched here). */
  isRecording(incidentId: string): boolean;
  /** Still live somewhere in the cluster (a camera may yet take it back). */
  isLive(incidentId: string): Promise<boolean>;
  /** Recorded by another node that is running (on shared storage: it seals its own). */
  heldElsewhere?(incidentId: string): Promise<boolean>;
  /** Told of each recording sealed here. */
  index?: Pick<RecordingIndex, 'noted'>;
  now?: () => Date;
}

/** Seals every interrupted recording on this disk whose incident is no longer live; returns their ids. */
export async function sealInterrupted(options: SealInterruptedOptions): Promise<string[]> {
  const sealed: string[] = [];
  const names = await readdir(options.paths.root).catch(() => [] as string[]);
  for (const incidentId of names.filter(RecordingPaths.isIncidentId).sort()) {
    if (options.isRecording(incidentId)) continue;
    const dir = options.paths.incidentDir(incidentId);
    const manifest = await readManifest(options.paths, incidentId).catch(() => null);
    if (!manifest || manifest.endedAt !== null || (await isPurged(options.paths, incidentId))) continue;
    if ((await options.isLive(incidentId)) || (await options.heldElsewhere?.(incidentId))) continue;
    const now = options.now?.() ?? new Date();
    await noteInterruption(options.paths, manifest, now);
    manifest.endedAt = lastWritten(manifest);
    const bytes = manifestBytes(manifest);
    const manifestSha256 = sha256Hex(bytes);
    await replaceFile(join(dir, MANIFEST_FILE), bytes);
    const jws = await signManifest(options.keys, { incidentId, manifestSha256, signedAt: now.toISOString() });
    await replaceFile(join(dir, SIGNATURE_FILE), Buffer.from(`${jws}\n`));
    await options.audit.note({
      action: 'recording.sealed',
      outcome: 'info',
      actor: null,
      target: { incidentId, agencyId: manifest.agencyId },
      source: options.source,
      detail: { manifestSha256, segments: manifest.segments.length, tracks: manifest.tracks.length, interrupted: true },
    });
    await options.index?.noted(manifest, manifestSha256);
    sealed.push(incidentId);
  }
  return sealed;
}
