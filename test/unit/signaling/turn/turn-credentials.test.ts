import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../signaling/config.ts';
import {
  iceServersFor,
  mintTurnCredential,
  parseTurnUsername,
  turnPassword,
  turnSettings,
} from '../../../../signaling/turn/turn-credentials.ts';

const settings = { secret: 'correct-horse-battery-staple', urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443?transport=tcp'], ttlSeconds: 3600 };
const now = 1_700_000_000_000;

describe('TURN REST credentials', () => {
  it('password is base64(HMAC-SHA1(secret, username)), as coturn computes it (vector from openssl)', () => {
    expect(turnPassword(settings.secret, '1700003600:u-clin-okafor')).toBe('haBvgKe15UzkWc/aO1XVtvNyXiw=');
  });

  it('username is "<expiry-unix>:<user-id>", expiring after the TTL when nothing ends sooner', () => {
    const minted = mintTurnCredential(settings, 'u-clin-okafor', { now })!;
    expect(minted.iceServer).toEqual({
      urls: settings.urls,
      username: '1700003600:u-clin-okafor',
      credential: 'haBvgKe15UzkWc/aO1XVtvNyXiw=',
    });
    expect(minted.expiresAt).toBe(now + 3600_000);
  });

  it('never outlives the grant or session it was minted for (rounded down to the second)', () => {
    const notAfter = now + 90_500;
    const minted = mintTurnCredential(settings, 'u-1', { now, notAfter })!;
    expect(minted.expiresAt).toBe(now + 90_000);
    expect(minted.expiresAt).toBeLessThanOrEqual(notAfter);
    expect(parseTurnUsername(minted.iceServer.username)).toEqual({ expiresAt: now + 90_000, userId: 'u-1' });
  });

  it('mints nothing for access that has ended or ends within the second', () => {
    expect(mintTurnCredential(settings, 'u-1', { now, notAfter: now - 1 })).toBeNull();
    expect(mintTurnCredential(settings, 'u-1', { now, notAfter: now + 999 })).toBeNull();
    expect(iceServersFor(settings, 'u-1', now - 1, now)).toBeUndefined();
  });

  it('refuses user ids that would break the username format', () => {
    expect(() => mintTurnCredential(settings, 'a:b', { now })).toThrow();
    expect(() => mintTurnCredential(settings, '', { now })).toThrow();
  });

  it('differs per user and per expiry, and depends on the secret', () => {
    const a = mintTurnCredential(settings, 'u-1', { now })!.iceServer.credential;
    const b = mintTurnCredential(settings, 'u-2', { now })!.iceServer.credential;
    const c = mintTurnCredential(settings, 'u-1', { now: now + 1000 })!.iceServer.credential;
    const d = mintTurnCredential({ ...settings, secret: 'another-secret-entirely' }, 'u-1', { now })!.iceServer.credential;
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('parses only TURN REST usernames', () => {
    expect(parseTurnUsername('plainuser')).toBeNull();
    expect(parseTurnUsername('12:')).toBeNull();
  });

  it('iceServersFor gives nothing without TURN configured', () => {
    expect(iceServersFor(null, 'u-1', null, now)).toBeUndefined();
    expect(iceServersFor(settings, 'u-1', null, now)).toHaveLength(1);
  });
});

describe('TURN configuration', () => {
  it('is off by default, with a four-hour credential TTL', () => {
    const config = loadConfig({});
    expect(turnSettings(config)).toBeNull();
    expect(config.TURN_CREDENTIAL_TTL_SECONDS).toBe(14_400);
  });

  it('splits TURN_URLS on commas and keeps the secret and TTL', () => {
    const config = loadConfig({ TURN_SECRET: settings.secret, TURN_URLS: ' turn:a.example:3478?transport=udp , turns:a.example:443?transport=tcp,', TURN_CREDENTIAL_TTL_SECONDS: '600' });
    expect(turnSettings(config)).toEqual({ secret: settings.secret, urls: ['turn:a.example:3478?transport=udp', 'turns:a.example:443?transport=tcp'], ttlSeconds: 600 });
  });

  it.each([
    [{ TURN_URLS: 'turn:a.example:3478' }, 'TURN_URLS'],
    [{ TURN_SECRET: settings.secret }, 'TURN_URLS'],
    [{ TURN_SECRET: 'short', TURN_URLS: 'turn:a.example' }, 'TURN_SECRET'],
    [{ TURN_SECRET: settings.secret, TURN_URLS: 'stun:a.example' }, 'TURN_URLS'],
    [{ TURN_SECRET: settings.secret, TURN_URLS: ',' }, 'TURN_URLS'],
    [{ TURN_CREDENTIAL_TTL_SECONDS: '10' }, 'TURN_CREDENTIAL_TTL_SECONDS'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});
