// The seal on a finished manifest: a signed statement (tokens/signed-statement.ts) naming the
// incident and the SHA-256 of the manifest file's bytes.
import type { JWK } from 'jose';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { signStatement, verifyStatement } from '../tokens/signed-statement.ts';

export interface ManifestSeal {
  incidentId: string;
  manifestSha256: string;
  signedAt: string;
}

export const MANIFEST_SEAL_TYPE = 'sightline-recording-manifest+jws';

export const signManifest = (keys: SigningKeys, seal: ManifestSeal): Promise<string> => signStatement(keys, MANIFEST_SEAL_TYPE, seal);

/** The seal inside a signature, once the signature checks against `publicJwk`; throws otherwise. */
export async function verifyManifestSignature(jws: string, publicJwk: JWK): Promise<ManifestSeal> {
  const seal = (await verifyStatement(jws, publicJwk, MANIFEST_SEAL_TYPE, 'a manifest seal')) as ManifestSeal;
  if (typeof seal.manifestSha256 !== 'string' || typeof seal.incidentId !== 'string') throw new Error('the signature carries no manifest hash');
  return seal;
}
