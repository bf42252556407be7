// Signed statements about the audit chain, made with the server's Ed25519 key (compact JWS):
//
// - a checkpoint says "entry `seq` of the chain had hash `hash`", signed at `at` by `node`. They
//   are kept alongside the log (not in it), so that cutting entries off the end of the log is
//   still detectable against the last checkpoint.
// - a purge summary replaces the entries removed by retention: it stands in the chain at the
//   place of the last purged entry (seq = toSeq, hash = lastHash) and signs the range it replaces.
//
// The JWS payload is the canonical JSON of the statement, so verification compares bytes.
import { CompactSign, compactVerify, type CryptoKey } from 'jose';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { canonicalJson, type AuditEntry } from './audit-entry.ts';

export const PURGE_ACTION = 'audit.purge';
const CHECKPOINT_TYPE = 'sightline.audit.checkpoint';
const PURGE_TYPE = 'sightline.audit.purge';
const ALG = 'EdDSA';

export interface AuditCheckpoint {
  /** The entry attested: its seq and hash. */
  seq: number;
  hash: string;
  /** When and where the checkpoint was signed. */
  at: string;
  node: string;
  /** Compact JWS over the canonical JSON of { type, seq, hash, at, node }. */
  signature: string;
}

/** What a purge summary's signature covers, besides `at` and `node`. */
export interface PurgedRange {
  fromSeq: number;
  toSeq: number;
  count: number;
  /** Hash before `fromSeq` (the genesis hash when the range starts the log). */
  prevHash: string;
  firstHash: string;
  lastHash: string;
  /** Entries written before this instant were purged (ISO time). */
  before: string;
}

export type PurgeSummaryDetail = PurgedRange & { signature: string };

async function sign(keys: Pick<SigningKeys, 'kid' | 'privateKey'>, payload: object): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalJson(payload)))
    .setProtectedHeader({ alg: ALG, kid: keys.kid, typ: 'sightline-audit+jws' })
    .sign(keys.privateKey);
}

/** True when `jws` is an EdDSA signature by `publicKey` over exactly `expected`. */
async function verifies(jws: unknown, publicKey: CryptoKey, expected: object): Promise<boolean> {
  if (typeof jws !== 'string') return false;
  try {
    const { payload } = await compactVerify(jws, publicKey, { algorithms: [ALG] });
    return new TextDecoder().decode(payload) === canonicalJson(expected);
  } catch {
    return false;
  }
}

const checkpointPayload = (c: Omit<AuditCheckpoint, 'signature'>) => ({
  type: CHECKPOINT_TYPE,
  seq: c.seq,
  hash: c.hash,
  at: c.at,
  node: c.node,
});

export async function signCheckpoint(
  keys: Pick<SigningKeys, 'kid' | 'privateKey'>,
  head: { seq: number; hash: string },
  node: string,
  at: Date,
): Promise<AuditCheckpoint> {
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString(), node };
  return { ...body, signature: await sign(keys, checkpointPayload(body)) };
}

export function verifyCheckpoint(checkpoint: AuditCheckpoint, publicKey: CryptoKey): Promise<boolean> {
  return verifies(checkpoint.signature, publicKey, checkpointPayload(checkpoint));
}

export const isPurgeSummary = (entry: Pick<AuditEntry, 'action'>): boolean => entry.action === PURGE_ACTION;

const purgePayload = (range: PurgedRange, at: string, node: string) => ({
  type: PURGE_TYPE,
  fromSeq: range.fromSeq,
  toSeq: range.toSeq,
  count: range.count,
  prevHash: range.prevHash,
  firstHash: range.firstHash,
  lastHash: range.lastHash,
  before: range.before,
  at,
  node,
});

/** The entry that replaces a purged range: it holds the range's place in the chain. */
export async function signPurgeSummary(
  keys: Pick<SigningKeys, 'kid' | 'privateKey'>,
  range: PurgedRange,
  node: string,
  at: Date,
): Promise<AuditEntry> {
  const when = at.toISOString();
  const detail: PurgeSummaryDetail = { ...range, signature: await sign(keys, purgePayload(range, when, node)) };
  return {
    action: PURGE_ACTION,
    outcome: 'info',
    actor: null,
    target: {},
    source: { ip: null, userAgent: null, node },
    reason: 'RETENTION',
    detail: { ...detail },
    seq: range.toSeq,
    at: when,
    prevHash: range.prevHash,
    hash: range.lastHash,
  };
}

/** The range a purge summary stands for, read from its detail (unverified). */
export function purgedRange(entry: AuditEntry): PurgeSummaryDetail | null {
  const d = entry.detail ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const [fromSeq, toSeq, count] = [num(d.fromSeq), num(d.toSeq), num(d.count)];
  const [prevHash, firstHash, lastHash, before, signature] = [str(d.prevHash), str(d.firstHash), str(d.lastHash), str(d.before), str(d.signature)];
  if (fromSeq === null || toSeq === null || count === null || !prevHash || !firstHash || !lastHash || !before || !signature) return null;
  return { fromSeq, toSeq, count, prevHash, firstHash, lastHash, before, signature };
}

/** Null when the summary is validly signed and consistent with its place; otherwise why not. */
export async function purgeSummaryProblem(entry: AuditEntry, publicKey: CryptoKey): Promise<string | null> {
  const range = purgedRange(entry);
  if (!range) return 'the purge summary is missing fields';
  if (!(await verifies(range.signature, publicKey, purgePayload(range, entry.at, entry.source?.node)))) {
    return 'the purge summary signature does not verify';
  }
  if (entry.seq !== range.toSeq || entry.hash !== range.lastHash || entry.prevHash !== range.prevHash) {
    return 'the purge summary does not match the range it signs';
  }
  if (range.count !== range.toSeq - range.fromSeq + 1 || range.fromSeq < 1) return 'the purge summary count does not match its range';
  return null;
}
