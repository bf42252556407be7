// Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps, what every authenticator
// app reads) through `otpauth`, and single-use recovery codes. Pure but for randomness.
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const PERIOD_SECONDS = 30;
/** One step either side: a phone clock a little off still signs in. */
const WINDOW = 1;
const RECOVERY_CODES = 10;

const totp = (secret: string, label = 'sightline', issuer = 'Sightline') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** A new shared secret (160 bits, base32) for an authenticator app. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The `otpauth://` address an authenticator app takes (as a QR code or pasted). */
export const totpUri = (secret: string, username: string, issuer: string): string => totp(secret, username, issuer).toString();

/** The code an authenticator shows at `at` (for tests and enrolment checks). */
export const totpCode = (secret: string, at: number = Date.now()): string => totp(secret).generate({ timestamp: at });

/**
 * The time step a code belongs to, when it is right for `at` (within one step either side) and
 * later than `lastStep` (a code is used once); null otherwise.
 */
export function verifyTotp(secret: string, code: string, lastStep: number, at: number = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: at, window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(at / 1000 / PERIOD_SECONDS) + delta;
  return step > lastStep ? step : null;
}

const digest = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

/** Ten single-use recovery codes (40 bits each, `xxxxx-xxxxx`) and the hashes kept of them. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(5).toString('hex'); // 40 bits: ample against guessing, which the lockout also bounds
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map(digest) };
}

export const RECOVERY_CODE = /^[0-9a-f]{5}-?[0-9a-f]{5}$/i;

/** The hashes left once `code` is used, or null when it is not one of them. */
export function useRecoveryCode(hashes: readonly string[], code: string): string[] | null {
  if (!RECOVERY_CODE.test(code.trim())) return null;
  const wanted = digest(code.trim());
  return hashes.includes(wanted) ? hashes.filter((hash) => hash !== wanted) : null;
}
