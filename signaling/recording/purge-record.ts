// What is left of a recording deleted at the end of its retention: a signed statement
// (tokens/signed-statement.ts) in place of its segments, naming the incident, the SHA-256 of the
// manifest that listed them, how many there were, and when and why they went. The manifest, its seal and
// the `recording.segment` audit entries stay, so the audit trail still verifies and still says
// what was recorded; the purge record says it was deleted lawfully and not lost.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { signStatement, verifyStatement } from '../tokens/signed-statement.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import type { RecordingPaths } from './recording-paths.ts';

export const PURGE_RECORD_FILE = 'purged.jws';
export const PURGE_RECORD_TYPE = 'sightline-recording-purge+jws';

export interface PurgeRecord {
  incidentId: string;
  manifestSha256: string;
  segments: number;
  bytes: number;
  /** When the recording ended (its manifest's end, or its last segment's when it was never sealed). */
  endedAt: string;
  purgedAt: string;
  retentionDays: number;
  /** The node that deleted the segments. */
  node: string;
}

export const signPurgeRecord = (keys: Pick<SigningKeys, 'kid' | 'privateKey'>, record: PurgeRecord): Promise<string> =>
  signStatement(keys, PURGE_RECORD_TYPE, record);

/** The record inside a purge JWS, once it checks against `publicJwk`; throws otherwise. */
export async function verifyPurgeRecord(jws: string, publicJwk: JWK): Promise<PurgeRecord> {
  return (await verifyStatement(jws, publicJwk, PURGE_RECORD_TYPE, 'a recording purge record')) as PurgeRecord;
}

/** The signed purge record of a deleted recording, or null while its segments are kept. */
export async function readPurgeRecord(paths: RecordingPaths, incidentId: string): Promise<string | null> {
  return readFile(join(paths.incidentDir(incidentId), PURGE_RECORD_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
}

export const isPurged = async (paths: RecordingPaths, incidentId: string): Promise<boolean> => (await readPurgeRecord(paths, incidentId)) !== null;
