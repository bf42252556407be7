// TURN REST API credentials (the scheme coturn's `use-auth-secret` checks): a username of
// "<expiry-unix>:<user-id>" and a password of base64(HMAC-SHA1(secret, username)). Pure, apart
// from the clock handed in. A credential never outlives what it was minted for: the caller
// passes `notAfter` (the grant's expiry for clinicians, the session's end for officers).
import { createHmac } from 'node:crypto';

/** One entry of RTCConfiguration.iceServers. */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TurnSettings {
  secret: string;
  urls: readonly string[];
  /** Longest lifetime of one credential. */
  ttlSeconds: number;
}

export interface TurnCredential {
  iceServer: IceServer;
  /** When coturn stops accepting it, ms since the epoch (a whole second). */
  expiresAt: number;
}

export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/**
 * Mints a credential for `userId`, valid until now + TTL or `notAfter`, whichever is first
 * (rounded down to the second, so never past `notAfter`). Null when nothing is left to cover.
 */
export function mintTurnCredential(
  settings: TurnSettings,
  userId: string,
  options: { now: number; notAfter?: number | null },
): TurnCredential | null {
  if (!/^[^:\s]{1,128}$/.test(userId)) throw new Error('a TURN user id must be 1-128 characters without ":" or spaces');
  const limit = Math.min(options.now + settings.ttlSeconds * 1000, options.notAfter ?? Number.POSITIVE_INFINITY);
  const expiry = Math.floor(limit / 1000);
  if (expiry * 1000 <= options.now) return null;
  const username = `${expiry}:${userId}`;
  return {
    iceServer: { urls: [...settings.urls], username, credential: turnPassword(settings.secret, username) },
    expiresAt: expiry * 1000,
  };
}

/** Reads the expiry and user back out of a TURN REST username; null when it is not one. */
export function parseTurnUsername(username: string): { expiresAt: number; userId: string } | null {
  const match = /^(\d{1,12}):(.+)$/.exec(username);
  return match ? { expiresAt: Number(match[1]) * 1000, userId: match[2]! } : null;
}

/** The TURN settings in the configuration, or null when TURN is not configured. */
export function turnSettings(config: { TURN_SECRET?: string; TURN_URLS?: string[]; TURN_CREDENTIAL_TTL_SECONDS: number }): TurnSettings | null {
  if (!config.TURN_SECRET || !config.TURN_URLS?.length) return null;
  return { secret: config.TURN_SECRET, urls: config.TURN_URLS, ttlSeconds: config.TURN_CREDENTIAL_TTL_SECONDS };
}

/** `iceServers` for a participant: one TURN entry, or undefined when TURN is off or nothing is left. */
export function iceServersFor(
  settings: TurnSettings | null,
  userId: string,
  notAfter: number | null,
  now: number = Date.now(),
): IceServer[] | undefined {
  if (!settings) return undefined;
  const credential = mintTurnCredential(settings, userId, { now, notAfter });
  return credential ? [credential.iceServer] : undefined;
}
