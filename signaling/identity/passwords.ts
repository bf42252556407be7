// Password and device-key hashing with scrypt. Format: scrypt$N$r$p$salt$hash (base64url): the cost
// travels with the hash, so a hash made at a lower cost still verifies and can be upgraded at the
// next successful sign-in (`needsRehash`).
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet: scrypt with N = 2^17, r = 8, p = 1 (128 MiB per hash). */
export const OWASP_LOG2N = 17;
export const costOf = (log2N: number): ScryptCost => ({ N: 2 ** log2N, r: 8, p: 1 });
export const OWASP_COST: ScryptCost = costOf(OWASP_LOG2N);

const KEY_LENGTH = 32;
/** scrypt needs 128·N·r·p bytes; node refuses anything above `maxmem` (32 MiB by default). */
const maxmemFor = ({ N, r, p }: ScryptCost) => 128 * N * r * p + 32 * 1024 * 1024;

const scrypt = (secret: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const encode = (cost: ScryptCost, salt: Buffer, key: Buffer) =>
  ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');

export async function hashSecret(secret: string, cost: ScryptCost = OWASP_COST): Promise<string> {
  const salt = randomBytes(16);
  return encode(cost, salt, await scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: maxmemFor(cost) }));
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, salt, expected] = parts as [string, string, string, string, string, string];
  const [N, blockSize, parallel] = [Number(n), Number(r), Number(p)];
  // At most 2^18 (256 MiB with r = 8): a stored hash never makes the relay allocate more.
  const powerOfTwo = Number.isInteger(N) && N >= 2 && N <= 2 ** 18 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(blockSize) || blockSize < 1 || blockSize > 32) return null;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) return null;
  const key = Buffer.from(expected, 'base64url');
  if (key.length < 16) return null;
  return { cost: { N, r: blockSize, p: parallel }, salt: Buffer.from(salt, 'base64url'), key };
}

/** True when `secret` matches `encoded`. Malformed hashes never match. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  try {
    const key = await scrypt(secret, parsed.salt, parsed.key.length, { ...parsed.cost, maxmem: maxmemFor(parsed.cost) });
    return timingSafeEqual(key, parsed.key);
  } catch {
    return false;
  }
}

/** True when a (verified) hash was made with less work than `cost`: hash the secret again. */
export function needsRehash(encoded: string, cost: ScryptCost = OWASP_COST): boolean {
  const parsed = parseHash(encoded);
  if (!parsed) return true;
  const work = (c: ScryptCost) => c.N * c.r * c.p;
  return work(parsed.cost) < work(cost) || parsed.cost.r < cost.r || parsed.key.length < KEY_LENGTH;
}

/** A hash that never matches, checked against when the user is unknown so timing does not reveal it. */
export const dummyHash = (cost: ScryptCost = OWASP_COST): string =>
  encode(cost, Buffer.from('sightline-dummy'), Buffer.alloc(KEY_LENGTH));
export const DUMMY_HASH = dummyHash();
