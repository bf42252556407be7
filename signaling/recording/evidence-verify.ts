// Checks an exported recording offline: the manifest is sealed by the included public key, every
// segment is present and unaltered, order and times are consistent, and the audit extract is an
// unbroken piece of the hash chain that lists every segment and the seal. Reports the first
// problem found, in that order.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { chainHash, type AuditEntry } from '../audit/audit-entry.ts';
import { verifyManifestSignature } from './manifest-signature.ts';
import { AUDIT_EXTRACT_FILE, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE, manifestOrderProblem, sha256Hex } from './manifest.ts';
import { recordingManifest, type RecordingManifest } from '../protocol/recordings.ts';

export type EvidenceResult =
  | { ok: true; incidentId: string; tracks: number; segments: number; incomplete: number; auditEntries: number; manifestSha256: string; kid: string | null }
  | { ok: false; problem: string };

class EvidenceProblem extends Error {}
const fail = (problem: string): never => {
  throw new EvidenceProblem(problem);
};

async function readOrFail(dir: string, name: string, what: string): Promise<Buffer> {
  try {
    return await readFile(join(dir, name));
  } catch {
    return fail(`${name} is missing (${what})`);
  }
}

async function fileSha256(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}

function parseManifest(bytes: Buffer): RecordingManifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail(`${MANIFEST_FILE} is not JSON`);
  }
  const parsed = recordingManifest.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(`${MANIFEST_FILE} is malformed at ${issue.path.join('.') || 'the top'}: ${issue.message}`);
  }
  return parsed.data;
}

function parseAudit(bytes: Buffer): AuditEntry[] {
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, index) => {
      try {
        return JSON.parse(line) as AuditEntry;
      } catch {
        return fail(`${AUDIT_EXTRACT_FILE} line ${index + 1} is not JSON`);
      }
    });
}

/** The audit extract: entries intact, linked where consecutive, and covering every segment and the seal. */
function checkAudit(entries: AuditEntry[], manifest: RecordingManifest, manifestSha256: string): void {
  let previous: AuditEntry | undefined;
  for (const entry of entries) {
    const { hash, prevHash, ...body } = entry;
    if (chainHash(prevHash, body) !== hash) fail(`audit entry ${entry.seq} was altered: its hash does not match its content`);
    if (previous && entry.seq <= previous.seq) fail(`audit entry ${entry.seq} is out of order (after ${previous.seq})`);
    if (previous && entry.seq === previous.seq + 1 && prevHash !== previous.hash) fail(`audit entry ${entry.seq} does not link to entry ${previous.seq}`);
    if (entry.target?.incidentId !== manifest.incidentId) fail(`audit entry ${entry.seq} is about another incident`);
    previous = entry;
  }
  const segmentEntries = entries.filter((e) => e.action === 'recording.segment');
  for (const segment of manifest.segments) {
    const entry = segmentEntries.find((e) => e.detail?.n === segment.n);
    if (!entry) fail(`segment ${segment.n} (${segment.file}) has no recording.segment entry in the audit extract`);
    const detail = entry!.detail!;
    if (detail.sha256 !== segment.sha256 || detail.file !== segment.file || detail.track !== segment.track) {
      fail(`segment ${segment.n} (${segment.file}) differs from its audit entry ${entry!.seq}`);
    }
  }
  if (segmentEntries.length > manifest.segments.length) fail(`the audit extract lists ${segmentEntries.length} segments, the manifest ${manifest.segments.length}`);
  const seal = entries.find((e) => e.action === 'recording.sealed');
  if (!seal) fail('the audit extract has no recording.sealed entry');
  if (seal!.detail?.manifestSha256 !== manifestSha256) fail(`the audit's recording.sealed entry ${seal!.seq} names another manifest`);
}

export async function verifyEvidence(dir: string): Promise<EvidenceResult> {
  try {
    const manifestFile = await readOrFail(dir, MANIFEST_FILE, 'the list of segments');
    const manifest = parseManifest(manifestFile);
    const manifestSha256 = sha256Hex(manifestFile);
    const jws = (await readOrFail(dir, SIGNATURE_FILE, 'the relay’s signature')).toString('utf8');
    let jwk: JWK;
    try {
      jwk = JSON.parse((await readOrFail(dir, PUBLIC_KEY_FILE, 'the relay’s public key')).toString('utf8')) as JWK;
    } catch (error) {
      if (error instanceof EvidenceProblem) throw error;
      return fail(`${PUBLIC_KEY_FILE} is not a JWK`);
    }
    const seal = await verifyManifestSignature(jws, jwk).catch((error: Error) => fail(`the signature is not valid for ${PUBLIC_KEY_FILE}: ${error.message}`));
    if (seal.manifestSha256 !== manifestSha256) fail(`${MANIFEST_FILE} was altered: its SHA-256 is not the one signed`);
    if (seal.incidentId !== manifest.incidentId) fail(`the signature is for incident ${seal.incidentId}, not ${manifest.incidentId}`);
    if (manifest.endedAt === null) fail('the manifest was never sealed (the incident had not ended)');
    const order = manifestOrderProblem(manifest);
    if (order) fail(order);
    for (const segment of manifest.segments) {
      const actual = await fileSha256(join(dir, segment.file));
      if (actual === null) fail(`segment ${segment.n} (${segment.file}) is missing`);
      if (actual !== segment.sha256) fail(`segment ${segment.n} (${segment.file}) was altered: its SHA-256 is not the one in the manifest`);
    }
    const audit = parseAudit(await readOrFail(dir, AUDIT_EXTRACT_FILE, 'the audit extract'));
    checkAudit(audit, manifest, manifestSha256);
    return {
      ok: true,
      incidentId: manifest.incidentId,
      tracks: manifest.tracks.length,
      segments: manifest.segments.length,
      incomplete: manifest.segments.filter((s) => !s.complete).length,
      auditEntries: audit.length,
      manifestSha256,
      kid: typeof jwk.kid === 'string' ? jwk.kid : null,
    };
  } catch (error) {
    if (error instanceof EvidenceProblem) return { ok: false, problem: error.message };
    throw error;
  }
}
