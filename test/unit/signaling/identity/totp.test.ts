import { describe, expect, it } from 'vitest';
import { newRecoveryCodes, newTotpSecret, totpCode, totpUri, useRecoveryCode, verifyTotp } from '../../../../signaling/identity/totp.ts';

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits: 287082.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(totpCode(secret, 59_000)).toBe('287082');
  });

  it('accepts the code of this step and one step either side, once each, and nothing else', () => {
    const secret = newTotpSecret();
    const at = 1_700_000_000_000;
    const step = Math.floor(at / 30_000);
    expect(verifyTotp(secret, totpCode(secret, at), 0, at)).toBe(step);
    expect(verifyTotp(secret, totpCode(secret, at - 30_000), 0, at)).toBe(step - 1);
    expect(verifyTotp(secret, totpCode(secret, at + 30_000), 0, at)).toBe(step + 1);
    expect(verifyTotp(secret, totpCode(secret, at - 90_000), 0, at)).toBeNull();
    // Used once: the same step, or an earlier one, is refused.
    expect(verifyTotp(secret, totpCode(secret, at), step, at)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, at - 30_000), step, at)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', 0, at)).toBeNull();
    expect(verifyTotp(newTotpSecret(), totpCode(secret, at), 0, at)).toBeNull();
  });

  it('gives an otpauth address authenticator apps read', () => {
    expect(totpUri('JBSWY3DPEHPK3PXP', 'sup.chen', 'Sightline')).toMatch(/^otpauth:\/\/totp\/Sightline:sup\.chen\?.*secret=JBSWY3DPEHPK3PXP/);
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes, each usable once, in any case and with or without the dash', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(hashes.some((hash) => codes.includes(hash))).toBe(false);
    const left = useRecoveryCode(hashes, codes[3]!.toUpperCase().replace('-', ''))!;
    expect(left).toHaveLength(9);
    expect(useRecoveryCode(left, codes[3]!)).toBeNull();
    expect(useRecoveryCode(left, '00000-00000')).toBeNull();
    expect(useRecoveryCode(left, 'not a code')).toBeNull();
  });
});
