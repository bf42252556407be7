// The files of an evidence export, in the layout `evidence:verify` reads: the manifest, its
// signature, the relay's public key, the audit extract and every segment, under `<incidentId>/`.
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import { AUDIT_EXTRACT_FILE, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE } from './manifest.ts';
import { recordingManifest, type RecordingManifest } from '../protocol/recordings.ts';
import { isPurged } from './purge-record.ts';
import type { RecordingPaths } from './recording-paths.ts';
import type { TarFile } from './tar-stream.ts';

/** The manifest of an incident's recording as stored, or RECORDING_NOT_FOUND. */
export async function readManifest(paths: RecordingPaths, incidentId: string): Promise<RecordingManifest> {
  if (!(await stat(join(paths.incidentDir(incidentId), MANIFEST_FILE)).catch(() => null))) throw new SightlineError('RECORDING_NOT_FOUND');
  return recordingManifest.parse(JSON.parse(await readFile(join(paths.incidentDir(incidentId), MANIFEST_FILE), 'utf8')));
}

const bytesFile = (name: string, data: Buffer, mtime?: Date): TarFile => ({ name, size: data.length, ...(mtime ? { mtime } : {}), content: () => [data] });

/**
 * A sealed file's bytes and when it was written, read through one handle: its tar entry carries
 * that time, so two exports of it are the same bytes. Null when it cannot be read.
 */
async function readSealed(path: string): Promise<{ data: Buffer; mtime: Date } | null> {
  const handle = await open(path).catch(() => null);
  if (!handle) return null;
  try {
    const [data, { mtime }] = await Promise.all([handle.readFile(), handle.stat()]);
    return { data, mtime };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Every file of the export; RECORDING_NOT_SEALED while the incident is still recorded, and
 * RECORDING_PURGED once retention deleted its segments.
 */
export async function evidenceFiles(paths: RecordingPaths, incidentId: string, publicJwk: JWK, audit: readonly AuditEntry[]): Promise<TarFile[]> {
  const dir = paths.incidentDir(incidentId);
  if (await isPurged(paths, incidentId)) throw new SightlineError('RECORDING_PURGED');
  const manifestFile = await readSealed(join(dir, MANIFEST_FILE));
  if (!manifestFile) throw new SightlineError('RECORDING_NOT_FOUND');
  const signature = await readSealed(join(dir, SIGNATURE_FILE));
  if (!signature) throw new SightlineError('RECORDING_NOT_SEALED');
  const manifest = recordingManifest.parse(JSON.parse(manifestFile.data.toString('utf8')));
  const { d: _never, ...publicOnly } = publicJwk;
  const files: TarFile[] = [
    bytesFile(`${incidentId}/${MANIFEST_FILE}`, manifestFile.data, manifestFile.mtime),
    bytesFile(`${incidentId}/${SIGNATURE_FILE}`, signature.data, signature.mtime),
    bytesFile(`${incidentId}/${PUBLIC_KEY_FILE}`, Buffer.from(`${JSON.stringify(publicOnly)}\n`)),
    bytesFile(`${incidentId}/${AUDIT_EXTRACT_FILE}`, Buffer.from(audit.map((entry) => `${JSON.stringify(entry)}\n`).join(''))),
  ];
  for (const segment of manifest.segments) {
    const path = paths.segmentFile(incidentId, segment.file);
    const { size, mtime } = await stat(path);
    files.push({ name: `${incidentId}/${segment.file}`, size, mtime, content: () => createReadStream(path) as AsyncIterable<Buffer> });
  }
  return files;
}
