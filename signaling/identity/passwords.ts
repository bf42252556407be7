// Password and device-key hashing with scrypt. Format: scrypt$N$r$p$salt$hash (base64url).
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (secret: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEY_LENGTH, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `secret` matches `encoded`. Malformed hashes never match. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts as [string, string, string, string, string, string];
  const [N, blockSize, parallel] = [Number(n), Number(r), Number(p)];
  const powerOfTwo = Number.isInteger(N) && N >= 2 && N <= 2 ** 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(blockSize) || blockSize < 1 || blockSize > 32) return false;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) return false;
  const expectedKey = Buffer.from(expected, 'base64url');
  if (expectedKey.length < 16) return false;
  try {
    const key = await scrypt(secret, Buffer.from(salt, 'base64url'), expectedKey.length, {
      N,
      r: blockSize,
      p: parallel,
      maxmem: 256 * N * blockSize + 16 * 1024 * 1024,
    });
    return timingSafeEqual(key, expectedKey);
  } catch {
    return false;
  }
}

/** A hash of a random secret, checked against when the user is unknown so timing does not reveal it. */
export const DUMMY_HASH = 'scrypt$16384$8$1$c2lnaHRsaW5lLWR1bW15$' + Buffer.alloc(32).toString('base64url');
