import { describe, expect, it } from 'vitest';
import { grantsToPrepare } from '../../../../../client/src/pages/inbox/join-ahead.ts';
import type { InboxEntry } from '../../../../../signaling/protocol/messages.ts';

const entry = (id: string, expiresAt: number, options: { help?: boolean; ended?: boolean } = {}): InboxEntry =>
  ({
    grant: { id, incidentId: `inc-${id}`, expiresAt },
    incident: options.ended ? null : { id: `inc-${id}`, reference: 'MP-1204-01', agencyId: 'metro-police', officerName: 'Cst. Reyes', startedAt: 0, helpRequested: options.help ?? false, recorded: false },
    state: 'pending',
  }) as unknown as InboxEntry;

describe('the grants the inbox keeps a seat ready for', () => {
  it('are the joinable ones, help requests first, then those ending soonest, two at most', () => {
    const entries = [entry('late', 9000), entry('soon', 5000), entry('help', 9500, { help: true }), entry('sooner', 4000)];
    expect(grantsToPrepare(entries, 1000, new Set()).map((e) => e.grant.id)).toEqual(['help', 'sooner']);
  });

  it('leave out ended incidents, expired access and grants another window prepared', () => {
    const entries = [entry('ended', 9000, { ended: true }), entry('expired', 500), entry('elsewhere', 9000), entry('ok', 9000)];
    expect(grantsToPrepare(entries, 1000, new Set(['elsewhere'])).map((e) => e.grant.id)).toEqual(['ok']);
  });
});
