// Passkeys (WebAuthn, through @simplewebauthn/server) as the second factor of a supervisor's or
// admin's sign-in, beside the authenticator app: a signed-in person adds one from their browser;
// at the next sign-in the challenge offers it. The relying party is the relay's own origin
// (PUBLIC_URL, or the address the browser used).
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import type { Collection, Store } from '../state/store.ts';
import type { Directory, User } from './directory.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;

/** Where the browser is: the relying party id (a host name) and the origin its answers must come from. */
export interface RelyingParty {
  id: string;
  origin: string;
}

export type StoredPasskey = NonNullable<User['passkeys']>[number];

const toBase64Url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const fromBase64Url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

export class Passkeys {
  readonly #registrations: Collection<{ challenge: string }>;

  constructor(
    store: Store,
    private readonly directory: Directory,
  ) {
    this.#registrations = store.collection('passkey-registrations', z.object({ challenge: z.string() }));
  }

  /** Options for the browser to create a passkey for `user` (kept 5 minutes). */
  async registrationOptions(user: User, party: RelyingParty): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const options = await generateRegistrationOptions({
      rpName: 'Sightline',
      rpID: party.id,
      userName: user.username,
      userDisplayName: user.name,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      // ES256, EdDSA, RS256: what authenticators ship, and what Node verifies without experimental crypto.
      supportedAlgorithmIDs: [-7, -8, -257],
      excludeCredentials: (user.passkeys ?? []).map((p) => ({ id: p.id, transports: p.transports as never })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    await this.#registrations.put(user.id, { challenge: options.challenge }, { ttlMs: CHALLENGE_TTL_MS });
    return options;
  }

  /** Verifies the browser's new passkey and keeps it; PASSKEY_INVALID when it does not verify. */
  async register(user: User, response: RegistrationResponseJSON, party: RelyingParty, label: string): Promise<StoredPasskey> {
    const pending = await this.#registrations.get(user.id);
    if (!pending || !(await this.#registrations.delete(user.id))) throw new SightlineError('PASSKEY_INVALID', 'No passkey was being added: start again.');
    let verified;
    try {
      verified = await verifyRegistrationResponse({ response, expectedChallenge: pending.challenge, expectedOrigin: party.origin, expectedRPID: party.id, requireUserVerification: true });
    } catch {
      throw new SightlineError('PASSKEY_INVALID');
    }
    if (!verified.verified) throw new SightlineError('PASSKEY_INVALID');
    const { credential } = verified.registrationInfo;
    const passkey: StoredPasskey = { id: credential.id, publicKey: toBase64Url(credential.publicKey), counter: credential.counter, transports: credential.transports ?? [], label, addedAt: Date.now() };
    await this.directory.setPasskeys(user.id, [...(user.passkeys ?? []), passkey]);
    return passkey;
  }

  /** Options for signing in with one of `user`'s passkeys; null when they have none. */
  async authenticationOptions(user: User, party: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
    if (!user.passkeys?.length) return null;
    return generateAuthenticationOptions({ rpID: party.id, userVerification: 'required', allowCredentials: user.passkeys.map((p) => ({ id: p.id, transports: p.transports as never })) });
  }

  /** True when `response` is `user`'s passkey answering `challenge`; the passkey's counter moves on. */
  async verify(user: User, response: AuthenticationResponseJSON, challenge: string, party: RelyingParty): Promise<boolean> {
    const passkey = user.passkeys?.find((p) => p.id === response.id);
    if (!passkey) return false;
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: party.origin,
        expectedRPID: party.id,
        credential: { id: passkey.id, publicKey: fromBase64Url(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
        requireUserVerification: true,
      });
      if (!result.verified) return false;
      await this.directory.setPasskeys(user.id, user.passkeys!.map((p) => (p.id === passkey.id ? { ...p, counter: result.authenticationInfo.newCounter } : p)));
      return true;
    } catch {
      return false;
    }
  }
}
