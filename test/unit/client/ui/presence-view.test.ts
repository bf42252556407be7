import { describe, expect, it } from 'vitest';
import { presenceChanges, watcherSummary } from '../../../../client/src/ui/presence-view.ts';
import type { PresenceEntry } from '../../../../signaling/protocol/messages.ts';

const entry = (userId: string, name: string, role: PresenceEntry['role'], watching: boolean, talking = false): PresenceEntry =>
  ({ peerId: `p-${userId}`, userId, name, role, agencyId: 'metro-police', watching, talking }) as PresenceEntry;

describe('the officer’s summary beside LIVE', () => {
  const officer = entry('u-officer', 'Cst. Ana Reyes', 'officer', false);

  it('counts the others watching and names who is talking', () => {
    const entries = [officer, entry('u-clin', 'Dr. Amara Okafor', 'clinician', true, true), entry('u-sup', 'Sgt. Lee Chen', 'supervisor', true)];
    expect(watcherSummary(entries, 'u-officer')).toBe('2 watching · Dr. Amara Okafor talking');
  });

  it('is empty when nobody else is there, and never counts the officer', () => {
    expect(watcherSummary([officer], 'u-officer')).toBe('');
    expect(watcherSummary([{ ...officer, watching: true }], 'u-officer')).toBe('');
  });
});

describe('what the officer hears', () => {
  const clinician = entry('u-clin', 'Dr. Amara Okafor', 'clinician', true);
  const supervisor = entry('u-sup', 'Sgt. Lee Chen', 'supervisor', true);

  it('names who came in and who started talking, once', () => {
    expect(presenceChanges([], [clinician])).toEqual({ joined: [clinician], startedTalking: [] });
    const talking = { ...clinician, talking: true };
    expect(presenceChanges([clinician], [talking, supervisor])).toEqual({ joined: [supervisor], startedTalking: [talking] });
    expect(presenceChanges([talking, supervisor], [talking, supervisor])).toEqual({ joined: [], startedTalking: [] });
    expect(presenceChanges([talking, supervisor], [supervisor])).toEqual({ joined: [], startedTalking: [] });
  });

  it('hears a second seat of the same person as a new arrival', () => {
    const again = { ...clinician, peerId: 'p-other' } as PresenceEntry;
    expect(presenceChanges([clinician], [clinician, again]).joined).toEqual([again]);
  });
});
