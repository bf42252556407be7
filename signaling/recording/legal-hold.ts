// A legal hold on an incident's recording: a file beside its manifest (legal-hold.json) naming who
// placed it, when and why. Retention never deletes a held recording. The hold lives with the
// recording it protects, so it is backed up, copied and replicated with it.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { legalHold, type LegalHold } from '../protocol/recordings.ts';
import { readManifest } from './evidence-export.ts';
import { RecordingPaths } from './recording-paths.ts';
import { replaceFile } from './replace-file.ts';

export const HOLD_FILE = 'legal-hold.json';

/** The incident's hold, or null when it has none. */
export async function readHold(paths: RecordingPaths, incidentId: string): Promise<LegalHold | null> {
  const text = await readFile(join(paths.incidentDir(incidentId), HOLD_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? null : legalHold.parse(JSON.parse(text));
}

/** Places (or replaces) the hold; written whole or not at all. */
export async function placeHold(paths: RecordingPaths, hold: LegalHold): Promise<void> {
  const path = join(paths.incidentDir(hold.incidentId), HOLD_FILE);
  await replaceFile(path, Buffer.from(`${JSON.stringify(hold)}\n`));
}

/** Releases the hold; resolves with the hold released, or null when there was none. */
export async function releaseHold(paths: RecordingPaths, incidentId: string): Promise<LegalHold | null> {
  const hold = await readHold(paths, incidentId);
  if (hold) await rm(join(paths.incidentDir(incidentId), HOLD_FILE), { force: true });
  return hold;
}

/** Every hold on the recordings in RECORDING_DIR, with the agency of each incident, oldest first. */
export async function listHolds(paths: RecordingPaths): Promise<Array<LegalHold & { agencyId: string }>> {
  const names = await readdir(paths.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const holds: Array<LegalHold & { agencyId: string }> = [];
  for (const incidentId of names.filter(RecordingPaths.isIncidentId)) {
    const hold = await readHold(paths, incidentId).catch(() => null);
    if (!hold) continue;
    const manifest = await readManifest(paths, incidentId).catch(() => null);
    if (manifest) holds.push({ ...hold, agencyId: manifest.agencyId });
  }
  return holds.sort((a, b) => a.placedAt.localeCompare(b.placedAt));
}
