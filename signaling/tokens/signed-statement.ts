// A statement the relay signs with its Ed25519 key: a compact JWS whose `typ` says what kind of
// statement it is (a recording's manifest seal, a recording's purge record). One place makes them
// and one checks them, so a statement of one kind never passes for another.
import { compactVerify, CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';
import { SIGNING_ALG, type SigningKeys } from './signing-keys.ts';

export async function signStatement(keys: Pick<SigningKeys, 'kid' | 'privateKey'>, type: string, statement: object): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(statement)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.kid, typ: type })
    .sign(keys.privateKey);
}

/**
 * The statement inside `jws`, once the signature checks against `publicJwk` and is of `type`;
 * throws otherwise (`kind` names the statement in the message).
 */
export async function verifyStatement(jws: string, publicJwk: JWK, type: string, kind: string): Promise<unknown> {
  const key = (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
  const { payload, protectedHeader } = await compactVerify(jws.trim(), key, { algorithms: [SIGNING_ALG] });
  if (protectedHeader.typ !== type) throw new Error(`the signature is of type ${protectedHeader.typ ?? 'none'}, not ${kind}`);
  return JSON.parse(new TextDecoder().decode(payload)) as unknown;
}
