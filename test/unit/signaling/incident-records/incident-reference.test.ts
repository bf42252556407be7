import { describe, expect, it } from 'vitest';
import { agencyInitials, incidentReference, referenceOf } from '../../../../signaling/incident-records/incident-reference.ts';

describe('an incident’s short reference', () => {
  const dec4 = Date.UTC(2026, 11, 4, 15, 30);
  it('names the agency, the day (UTC) and the number that day', () => {
    expect(incidentReference('metro-police', dec4, 7)).toBe('MP-1204-07');
    expect(incidentReference('harbour-health', Date.UTC(2026, 0, 9), 123)).toBe('HH-0109-123');
  });

  it('takes the initials of the agency id’s words', () => {
    expect(agencyInitials('durham-regional-police')).toBe('DRP');
    expect(agencyInitials('---')).toBe('INC');
  });

  it('is kept on the record; a record from before gets one from its id', () => {
    expect(referenceOf({ id: 'inc-x', agencyId: 'metro-police', startedAt: dec4, reference: 'MP-1204-03' })).toBe('MP-1204-03');
    expect(referenceOf({ id: 'inc-ab12cd34', agencyId: 'metro-police', startedAt: dec4 })).toBe('MP-1204-AB12');
  });
});
