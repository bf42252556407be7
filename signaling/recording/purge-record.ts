// What is left of a recording deleted at the end of its retention: a compact JWS (EdDSA, the
// relay's signing key) in place of its segments, naming the incident, the SHA-256 of the manifest
// that listed them, how many there were, and when and why they went. The manifest, its seal and
// the `recording.segment` audit entries stay, so the audit trail still verifies and still says
// what was recorded; the purge record says it was deleted lawfully and not lost.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactVerify, CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';
import { SIGNING_ALG, type SigningKeys } from '../tokens/signing-keys.ts';
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

export async function signPurgeRecord(keys: Pick<SigningKeys, 'kid' | 'privateKey'>, record: PurgeRecord): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(record)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.kid, typ: PURGE_RECORD_TYPE })
    .sign(keys.privateKey);
}

/** The record inside a purge JWS, once it checks against `publicJwk`; throws otherwise. */
export async function verifyPurgeRecord(jws: string, publicJwk: JWK): Promise<PurgeRecord> {
  const key = (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
  const { payload, protectedHeader } = await compactVerify(jws.trim(), key, { algorithms: [SIGNING_ALG] });
  if (protectedHeader.typ !== PURGE_RECORD_TYPE) throw new Error(`the signature is of type ${protectedHeader.typ ?? 'none'}, not a recording purge record`);
  return JSON.parse(new TextDecoder().decode(payload)) as PurgeRecord;
}

/** The signed purge record of a deleted recording, or null while its segments are kept. */
export async function readPurgeRecord(paths: RecordingPaths, incidentId: string): Promise<string | null> {
  return readFile(join(paths.incidentDir(incidentId), PURGE_RECORD_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
}

export const isPurged = async (paths: RecordingPaths, incidentId: string): Promise<boolean> => (await readPurgeRecord(paths, incidentId)) !== null;
