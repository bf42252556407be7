import { describe, expect, it } from 'vitest';
import { signStatement, verifyStatement } from '../../../../signaling/tokens/signed-statement.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../../../signaling/tokens/signing-keys.ts';

const keys = async () => signingKeysFromJwk(await generateSigningJwk());

describe('signed statements', () => {
  it('verify against the signer’s public key and give back what was signed', async () => {
    const signer = await keys();
    const jws = await signStatement(signer, 'sightline-test+jws', { incidentId: 'inc-1', segments: 3 });
    expect(await verifyStatement(`${jws}\n`, signer.publicJwk, 'sightline-test+jws', 'a test statement')).toEqual({ incidentId: 'inc-1', segments: 3 });
  });

  it('of one kind never pass for another', async () => {
    const signer = await keys();
    const jws = await signStatement(signer, 'sightline-recording-purge+jws', { incidentId: 'inc-1' });
    await expect(verifyStatement(jws, signer.publicJwk, 'sightline-recording-manifest+jws', 'a manifest seal')).rejects.toThrow(
      'the signature is of type sightline-recording-purge+jws, not a manifest seal',
    );
  });

  it('are refused under another key, or once a byte of the payload changed', async () => {
    const signer = await keys();
    const jws = await signStatement(signer, 'sightline-test+jws', { n: 1 });
    await expect(verifyStatement(jws, (await keys()).publicJwk, 'sightline-test+jws', 'x')).rejects.toThrow();
    const [header, , signature] = jws.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ n: 2 })).toString('base64url')}.${signature}`;
    await expect(verifyStatement(forged, signer.publicJwk, 'sightline-test+jws', 'x')).rejects.toThrow();
  });
});
