import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SIGNING_ALG,
  generateSigningJwk,
  loadOrCreateSigningKeys,
  signingKeysFromJwk,
} from '../../../../signaling/tokens/signing-keys.ts';
import { issueViewingToken, verifyViewingToken } from '../../../../signaling/tokens/viewing-token.ts';

describe('signingKeysFromJwk', () => {
  it('derives the kid from the public JWK thumbprint and never exposes the private part', async () => {
    const jwk = await generateSigningJwk();
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(typeof jwk.d).toBe('string');

    const keys = await signingKeysFromJwk(jwk);
    const { d: _d, ...publicPart } = jwk;
    expect(keys.kid).toBe(await calculateJwkThumbprint(publicPart));
    expect(keys.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: keys.kid, alg: SIGNING_ALG, use: 'sig' });
    expect(keys.publicJwk).not.toHaveProperty('d');
    expect(SIGNING_ALG).toBe('EdDSA');
  });

  it('gives different kids to different generated keys', async () => {
    const a = await signingKeysFromJwk(await generateSigningJwk());
    const b = await signingKeysFromJwk(await generateSigningJwk());
    expect(a.kid).not.toBe(b.kid);
  });

  it('refuses a public-only JWK and non-Ed25519 keys', async () => {
    const { d: _d, ...publicOnly } = await generateSigningJwk();
    await expect(signingKeysFromJwk(publicOnly)).rejects.toThrow('the signing key must be a private Ed25519 JWK');
    const jwk = await generateSigningJwk();
    await expect(signingKeysFromJwk({ ...jwk, crv: 'Ed448' })).rejects.toThrow('private Ed25519 JWK');
    await expect(signingKeysFromJwk({ ...jwk, kty: 'EC' })).rejects.toThrow('private Ed25519 JWK');
  });
});

describe('loadOrCreateSigningKeys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the key file (and its directories) with mode 0600', async () => {
    const path = join(dir, 'nested', 'deeper', 'signing-key.json');
    const keys = await loadOrCreateSigningKeys(path);
    const info = await stat(path);
    expect(info.isFile()).toBe(true);
    expect(info.mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(typeof stored.d).toBe('string');
    expect(keys.publicJwk.x).toBe(stored.x);
  });

  it('returns the same key (same kid) when loaded again, and tokens verify across loads', async () => {
    const path = join(dir, 'signing-key.json');
    const first = await loadOrCreateSigningKeys(path);
    const before = await readFile(path, 'utf8');
    const second = await loadOrCreateSigningKeys(path);
    expect(second.kid).toBe(first.kid);
    expect(second.publicJwk).toEqual(first.publicJwk);
    expect(await readFile(path, 'utf8')).toBe(before);

    const now = Math.floor(Date.now() / 1000) * 1000;
    const { token } = await issueViewingToken(first, 'sightline', {
      clinicianId: 'u-clin',
      incidentId: 'inc-1',
      permissions: ['view'],
      notBefore: now,
      expiresAt: now + 60_000,
    });
    const grant = await verifyViewingToken(token, second, { issuer: 'sightline', incidentId: 'inc-1', now });
    expect(grant.clinicianId).toBe('u-clin');
  });

  it('does not replace an unreadable key file with a new key', async () => {
    const path = join(dir, 'signing-key.json');
    await writeFile(path, 'not json', { mode: 0o600 });
    await expect(loadOrCreateSigningKeys(path)).rejects.toThrow(SyntaxError);
    expect(await readFile(path, 'utf8')).toBe('not json');
  });
});
