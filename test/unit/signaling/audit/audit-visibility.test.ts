import { describe, expect, it } from 'vitest';
import { agenciesVisibleTo, canSeeAuditEntry } from '../../../../signaling/audit/audit-visibility.ts';

const police = { agencyId: 'metro-police' };
const entry = (actorAgency: string | null, targetAgency?: string) => ({
  actor: actorAgency === null ? null : { id: 'u', role: 'x', agencyId: actorAgency },
  target: targetAgency ? { incidentId: 'inc', agencyId: targetAgency } : {},
});

describe('audit visibility', () => {
  const mine = agenciesVisibleTo(police);

  it('a supervisor sees entries whose actor or target belongs to their agency', () => {
    expect(canSeeAuditEntry(entry('metro-police'), mine)).toBe(true);
    expect(canSeeAuditEntry(entry('harbour-health', 'metro-police'), mine)).toBe(true); // a clinician in our incident
    expect(canSeeAuditEntry(entry('metro-police', 'north-police'), mine)).toBe(true); // our officer acting elsewhere
  });

  it('and not entries of other agencies, nor entries with no agency at all', () => {
    expect(canSeeAuditEntry(entry('harbour-health'), mine)).toBe(false);
    expect(canSeeAuditEntry(entry('harbour-health', 'north-police'), mine)).toBe(false);
    expect(canSeeAuditEntry(entry(null), mine)).toBe(false);
    expect(canSeeAuditEntry({ actor: { id: 'u', role: 'x', agencyId: null }, target: {} }, mine)).toBe(false);
  });

  it('agencies shared with the viewer widen what they see', () => {
    const shared = agenciesVisibleTo(police, ['harbour-health']);
    expect([...shared].sort()).toEqual(['harbour-health', 'metro-police']);
    expect(canSeeAuditEntry(entry('harbour-health'), shared)).toBe(true);
  });
});
