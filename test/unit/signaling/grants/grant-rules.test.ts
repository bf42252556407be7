import { describe, expect, it } from 'vitest';
import { grantStatus, type Grant } from '../../../../signaling/grants/grant-repository.ts';
import { endCodeOf, longestGrant } from '../../../../signaling/grants/grant-service.ts';

const grant = (over: Partial<Grant> = {}): Grant =>
  ({ id: 'g1', incidentId: 'i1', clinicianId: 'c1', expiresAt: 10_000, revokedAt: null, revokedBy: null, revokeReason: null, agreementId: null, ...over }) as Grant;

describe('grant rules', () => {
  it('a grant is active until it expires (its last millisecond excluded) or is revoked, whichever comes first', () => {
    expect(grantStatus(grant(), 9_999)).toBe('active');
    expect(grantStatus(grant(), 10_000)).toBe('expired');
    expect(grantStatus(grant({ revokedAt: 5_000 }), 4_000)).toBe('revoked');
    expect(grantStatus(grant({ revokedAt: 5_000 }), 20_000), 'a revoked grant stays revoked after its expiry').toBe('revoked');
  });

  it('a clinician cut off is told what ended the grant: the incident, a withdrawn agreement, or a revocation', () => {
    expect(endCodeOf('INCIDENT_ENDED')).toBe('INCIDENT_ENDED');
    expect(endCodeOf('AGREEMENT_REVOKED')).toBe('ACCESS_WITHDRAWN');
    expect(endCodeOf(null)).toBe('GRANT_REVOKED');
    expect(endCodeOf('anything else')).toBe('GRANT_REVOKED');
  });

  it('a too-long grant is refused naming the longest allowed, in minutes when it is one or more', () => {
    expect(longestGrant(3600)).toBe('Access may be granted for at most 60 minutes.');
    expect(longestGrant(60)).toBe('Access may be granted for at most 1 minute.');
    expect(longestGrant(90)).toBe('Access may be granted for at most 1 minute.');
    expect(longestGrant(30)).toBe('Access may be granted for at most 30 seconds.');
  });
});
