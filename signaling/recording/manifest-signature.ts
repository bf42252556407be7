// The seal on a finished manifest: a compact JWS (EdDSA, the relay's signing key) whose payload
// names the incident and the SHA-256 of the manifest file's bytes.
import { compactVerify, CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { SIGNING_ALG } from '../tokens/signing-keys.ts';

export interface ManifestSeal {
  incidentId: string;
  manifestSha256: string;
  signedAt: string;
}

export const MANIFEST_SEAL_TYPE = 'sightline-recording-manifest+jws';

export async function signManifest(keys: SigningKeys, seal: ManifestSeal): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(seal)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.kid, typ: MANIFEST_SEAL_TYPE })
    .sign(keys.privateKey);
}

/** The seal inside a signature, once the signature checks against `publicJwk`; throws otherwise. */
export async function verifyManifestSignature(jws: string, publicJwk: JWK): Promise<ManifestSeal> {
  const key = (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
  const { payload, protectedHeader } = await compactVerify(jws.trim(), key, { algorithms: [SIGNING_ALG] });
  if (protectedHeader.typ !== MANIFEST_SEAL_TYPE) throw new Error(`the signature is of type ${protectedHeader.typ ?? 'none'}, not a manifest seal`);
  const seal = JSON.parse(new TextDecoder().decode(payload)) as ManifestSeal;
  if (typeof seal.manifestSha256 !== 'string' || typeof seal.incidentId !== 'string') throw new Error('the signature carries no manifest hash');
  return seal;
}
