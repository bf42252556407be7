import { describe, expect, it } from 'vitest';
import { watcherSummary } from '../../../client/src/presence-view.ts';
import type { PresenceEntry } from '../../../signaling/protocol/messages.ts';

const entry = (userId: string, name: string, role: PresenceEntry['role'], watching: boolean, talking = false): PresenceEntry =>
  ({ userId, name, role, agencyId: 'metro-police', watching, talking }) as PresenceEntry;

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
