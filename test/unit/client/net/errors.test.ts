import { describe, expect, it } from 'vitest';
import { humanMessage } from '../../../../client/src/net/errors.ts';
import { longestGrant } from '../../../../signaling/grants/grant-service.ts';

describe('what people are told when a request is refused', () => {
  it('a too-long grant names the longest one allowed, in minutes', () => {
    expect(longestGrant(4 * 3600)).toBe('Access may be granted for at most 240 minutes.');
    expect(longestGrant(60)).toBe('Access may be granted for at most 1 minute.');
    expect(humanMessage('GRANT_TTL_TOO_LONG', longestGrant(7200))).toBe('Access may be granted for at most 120 minutes.');
  });

  it('a second grant says who already holds one and what to do instead', () => {
    const message = 'Dr. Amara Okafor already has access to this incident for 8 more minutes: extend or revoke that grant instead.';
    expect(humanMessage('GRANT_ALREADY_ACTIVE', message)).toBe(message);
    expect(humanMessage('GRANT_ALREADY_ACTIVE')).toMatch(/extend or revoke/);
  });

  it('other refusals keep their wording for people, not the server’s text', () => {
    expect(humanMessage('LOGIN_FAILED', 'invalid credentials')).toBe('Unknown username or wrong password.');
    expect(humanMessage('INCIDENT_ENDED')).toBe('The incident has ended.');
  });
});
