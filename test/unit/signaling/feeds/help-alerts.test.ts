import { describe, expect, it } from 'vitest';
import type { AgreementFacts } from '../../../../signaling/access/policy.ts';
import { hearsHelp, openHelpFor } from '../../../../signaling/feeds/views.ts';
import type { User } from '../../../../signaling/identity/directory.ts';
import type { Incident } from '../../../../signaling/incident-records/incident-repository.ts';

const incident = (over: Partial<Incident>): Incident =>
  ({
    id: 'i1', agencyId: 'metro', officerId: 'o1', officerName: 'Cst. Reyes', nodeId: 'n1', startedAt: 1000, helpRequested: true, helpRequestedAt: 2000,
    helpAnswer: null, shared: false, note: null, location: null, viewers: [], lostAt: null, recorded: false, ...over,
  }) as Incident;
const user = (over: Partial<User>): User => ({ id: 'u', username: 'u', name: 'U', role: 'clinician', agencyId: 'harbour', onCall: true, ...over }) as User;
const agreement = (over: Partial<AgreementFacts>): AgreementFacts => ({ id: 'a1', fromAgencyId: 'metro', toAgencyId: 'harbour', scope: 'all', revokedAt: null, ...over });

describe('who hears an officer’s “watch me”', () => {
  const shares = [agreement({})];

  it('on-call clinicians of an agency the incident is shared with; not off call, not without an agreement', () => {
    expect(hearsHelp(user({}), incident({}), shares)).toBe(true);
    expect(hearsHelp(user({ onCall: false }), incident({}), shares)).toBe(false);
    expect(hearsHelp(user({}), incident({}), [])).toBe(false);
    expect(hearsHelp(user({}), incident({}), [agreement({ revokedAt: 1 })]), 'a revoked agreement shares nothing').toBe(false);
    expect(hearsHelp(user({}), incident({}), [agreement({ scope: 'marked' })]), 'an unmarked incident under a marked-only agreement').toBe(false);
    expect(hearsHelp(user({}), incident({ shared: true }), [agreement({ scope: 'marked' })])).toBe(true);
  });

  it('supervisors who see the incident; never officers or admins', () => {
    expect(hearsHelp(user({ role: 'supervisor', agencyId: 'metro' }), incident({}), [])).toBe(true);
    expect(hearsHelp(user({ role: 'supervisor', agencyId: 'durham' }), incident({}), [])).toBe(false);
    expect(hearsHelp(user({ role: 'officer', agencyId: 'metro' }), incident({}), shares)).toBe(false);
    expect(hearsHelp(user({ role: 'admin', agencyId: 'metro' }), incident({}), shares)).toBe(false);
  });

  it('a clinician’s open requests: only incidents asking for help that they hear, newest first', () => {
    const incidents = [
      incident({ id: 'old', helpRequestedAt: 1000 }),
      incident({ id: 'new', helpRequestedAt: 5000 }),
      incident({ id: 'quiet', helpRequested: false }),
      incident({ id: 'elsewhere', agencyId: 'durham' }),
    ];
    expect(openHelpFor(user({}), incidents, shares).map((alert) => alert.incidentId)).toEqual(['new', 'old']);
  });
});
