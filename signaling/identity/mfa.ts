// The second factor of a password sign-in, for the people who grant access (supervisors and
// admins) while MFA is required: a password that verifies opens a short-lived challenge, and a
// code from the person's authenticator app (or one of their recovery codes) completes it. Someone
// not enrolled yet enrols in the same step: the challenge carries a new secret, and the first
// right code stores it and hands out recovery codes.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { SECOND_FACTOR_ROLES } from '../protocol/roles.ts';
import type { Collection, Store } from '../state/store.ts';
import type { Directory, User } from './directory.ts';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Passkeys, RelyingParty } from './passkeys.ts';
import { newRecoveryCodes, newTotpSecret, totpUri, useRecoveryCode, verifyTotp } from './totp.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes a challenge takes before it is void (each also counts toward the account lockout). */
const CHALLENGE_ATTEMPTS = 5;

const challengeSchema = z.object({ userId: z.string(), enrolSecret: z.string().nullable(), passkeyChallenge: z.string().nullable().default(null), attempts: z.number().int() });
type Challenge = z.infer<typeof challengeSchema>;

/** What a password sign-in answers when a second factor is needed. */
export interface MfaChallenge {
  challenge: string;
  /** Set when the person has no authenticator yet: add this secret, then answer with its code. */
  enrol: { secret: string; uri: string } | null;
  /** Set when the person has passkeys: options for the browser to sign in with one instead of a code. */
  passkey: PublicKeyCredentialRequestOptionsJSON | null;
}

/** An answer to a challenge: a code (authenticator app or recovery code), or a passkey's signature. */
export type MfaAnswer = { code: string; passkey?: undefined } | { passkey: AuthenticationResponseJSON; code?: undefined };

export interface MfaCompleted {
  user: User;
  method: 'totp' | 'recovery' | 'passkey';
  /** Recovery codes, shown once, when this step enrolled the person. */
  recoveryCodes: string[] | null;
  /** Recovery codes left after using one. */
  recoveryLeft: number | null;
}

const keyOf = (challenge: string) => createHash('sha256').update(challenge).digest('base64url');

export class MfaSignIn {
  readonly #challenges: Collection<Challenge>;

  constructor(
    store: Store,
    private readonly directory: Directory,
    private readonly passkeys: Passkeys,
    private readonly options: { required: boolean; issuer: string },
  ) {
    this.#challenges = store.collection('mfa-challenges', challengeSchema);
  }

  /** Built-in (password) accounts of supervisors and admins, while MFA is required. OIDC relies on the provider's. */
  requiredFor(user: User): boolean {
    return this.options.required && SECOND_FACTOR_ROLES.has(user.role) && user.passwordHash !== undefined;
  }

  async begin(user: User, party: RelyingParty): Promise<MfaChallenge> {
    const challenge = randomBytes(32).toString('base64url');
    const enrolSecret = user.mfa ? null : newTotpSecret();
    const passkey = enrolSecret ? null : await this.passkeys.authenticationOptions(user, party);
    await this.#challenges.put(keyOf(challenge), { userId: user.id, enrolSecret, passkeyChallenge: passkey?.challenge ?? null, attempts: 0 }, { ttlMs: CHALLENGE_TTL_MS });
    return { challenge, enrol: enrolSecret ? { secret: enrolSecret, uri: totpUri(enrolSecret, user.username, this.options.issuer) } : null, passkey };
  }

  /**
   * Checks `code` against the challenge: MFA_CHALLENGE_INVALID when it is unknown, spent or void,
   * MFA_CODE_INVALID (with the person, for the audit and the lockout) when the code is wrong.
   */
  async complete(challenge: string, answer: MfaAnswer, party: RelyingParty, at: number = Date.now()): Promise<MfaCompleted> {
    const key = keyOf(challenge);
    const pending = await this.#challenges.get(key);
    const user = pending ? await this.directory.userById(pending.userId) : undefined;
    if (!pending || !user) throw new SightlineError('MFA_CHALLENGE_INVALID');
    const wrong = async (): Promise<never> => {
      const attempts = pending.attempts + 1;
      if (attempts >= CHALLENGE_ATTEMPTS) await this.#challenges.delete(key);
      else await this.#challenges.update(key, (current) => ({ ...current, attempts }));
      throw Object.assign(new SightlineError('MFA_CODE_INVALID'), { user });
    };

    if (answer.passkey) {
      if (!pending.passkeyChallenge || !(await this.passkeys.verify(user, answer.passkey, pending.passkeyChallenge, party))) return wrong();
      if (!(await this.#challenges.delete(key))) throw new SightlineError('MFA_CHALLENGE_INVALID');
      return { user, method: 'passkey', recoveryCodes: null, recoveryLeft: null };
    }
    const code = answer.code;
    if (pending.enrolSecret) {
      const step = verifyTotp(pending.enrolSecret, code.trim(), 0, at);
      if (step === null) return wrong();
      if (!(await this.#challenges.delete(key))) throw new SightlineError('MFA_CHALLENGE_INVALID');
      const { codes, hashes } = newRecoveryCodes();
      await this.directory.setMfa(user.id, { totpSecret: pending.enrolSecret, recoveryHashes: hashes, enrolledAt: at, lastStep: step });
      return { user, method: 'totp', recoveryCodes: codes, recoveryLeft: null };
    }

    const enrolled = user.mfa;
    if (!enrolled) throw new SightlineError('MFA_CHALLENGE_INVALID');
    const step = verifyTotp(enrolled.totpSecret, code.trim(), enrolled.lastStep, at);
    const left = step === null ? useRecoveryCode(enrolled.recoveryHashes, code) : null;
    if (step === null && left === null) return wrong();
    // A challenge answers once, even when two answers race.
    if (!(await this.#challenges.delete(key))) throw new SightlineError('MFA_CHALLENGE_INVALID');
    await this.directory.setMfa(user.id, { ...enrolled, ...(step !== null ? { lastStep: step } : { recoveryHashes: left! }) });
    return step !== null
      ? { user, method: 'totp', recoveryCodes: null, recoveryLeft: null }
      : { user, method: 'recovery', recoveryCodes: null, recoveryLeft: left!.length };
  }
}
