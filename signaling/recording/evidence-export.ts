// The files of an evidence export, in the layout `evidence:verify` reads: the manifest, its
// signature, the relay's public key, the audit extract and every segment, under `<incidentId>/`.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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

/** When a sealed file was written: its tar entry says so, so two exports of it are the same bytes. */
const writtenAt = async (path: string): Promise<Date | undefined> => (await stat(path).catch(() => null))?.mtime;

/**
 * Every file of the export; RECORDING_NOT_SEALED while the incident is still recorded, and
 * RECORDING_PURGED once retention deleted its segments.
 */
export async function evidenceFiles(paths: RecordingPaths, incidentId: string, publicJwk: JWK, audit: readonly AuditEntry[]): Promise<TarFile[]> {
  const dir = paths.incidentDir(incidentId);
  if (await isPurged(paths, incidentId)) throw new SightlineError('RECORDING_PURGED');
  const manifestFile = await readFile(join(dir, MANIFEST_FILE)).catch(() => {
    throw new SightlineError('RECORDING_NOT_FOUND');
  });
  const signature = await readFile(join(dir, SIGNATURE_FILE)).catch(() => {
    throw new SightlineError('RECORDING_NOT_SEALED');
  });
  const manifest = recordingManifest.parse(JSON.parse(manifestFile.toString('utf8')));
  const { d: _never, ...publicOnly } = publicJwk;
  const files: TarFile[] = [
    bytesFile(`${incidentId}/${MANIFEST_FILE}`, manifestFile, await writtenAt(join(dir, MANIFEST_FILE))),
    bytesFile(`${incidentId}/${SIGNATURE_FILE}`, signature, await writtenAt(join(dir, SIGNATURE_FILE))),
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
