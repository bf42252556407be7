import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, sealEntry, type AuditEntry, type AuditEvent } from '../../../../signaling/audit/audit-entry.ts';
import { matchesAuditFilter, takePage } from '../../../../signaling/audit/audit-query.ts';

const base: AuditEvent = {
  action: 'join',
  outcome: 'allowed',
  actor: { id: 'u-clin', role: 'clinician', agencyId: 'health' },
  target: { incidentId: 'inc-1', agencyId: 'police', grantId: 'g-1', userId: 'u-target' },
  source: { ip: null, userAgent: null, node: 'n' },
};
const at = (iso: string, extra: Partial<AuditEvent> = {}) => sealEntry({ seq: 0, hash: GENESIS_HASH }, { ...base, ...extra }, new Date(iso));

async function* from(entries: AuditEntry[]) {
  yield* entries;
}

describe('matchesAuditFilter', () => {
  const entry = at('2030-01-01T12:00:00Z');
  it('matches every filter field', () => {
    expect(matchesAuditFilter(entry, {})).toBe(true);
    expect(matchesAuditFilter(entry, { incidentId: 'inc-1' })).toBe(true);
    expect(matchesAuditFilter(entry, { incidentId: 'inc-2' })).toBe(false);
    expect(matchesAuditFilter(entry, { userId: 'u-clin' })).toBe(true); // as actor
    expect(matchesAuditFilter(entry, { userId: 'u-target' })).toBe(true); // as target
    expect(matchesAuditFilter(entry, { userId: 'u-other' })).toBe(false);
    expect(matchesAuditFilter(entry, { agencyId: 'health' })).toBe(true);
    expect(matchesAuditFilter(entry, { agencyId: 'police' })).toBe(true);
    expect(matchesAuditFilter(entry, { agencyId: 'north' })).toBe(false);
    expect(matchesAuditFilter(entry, { action: 'join', outcome: 'allowed' })).toBe(true);
    expect(matchesAuditFilter(entry, { outcome: 'denied' })).toBe(false);
  });

  it('from and to are inclusive instants', () => {
    expect(matchesAuditFilter(entry, { from: '2030-01-01T12:00:00Z', to: '2030-01-01T12:00:00Z' })).toBe(true);
    expect(matchesAuditFilter(entry, { from: '2030-01-01T12:00:00.001Z' })).toBe(false);
    expect(matchesAuditFilter(entry, { to: '2030-01-01T11:59:59.999Z' })).toBe(false);
    expect(matchesAuditFilter(entry, { from: '2030-01-01T13:00:00+02:00' })).toBe(true);
  });

  it('never returns a purge summary', () => {
    expect(matchesAuditFilter(at('2030-01-01T00:00:00Z', { action: 'audit.purge' }), {})).toBe(false);
  });
});

describe('takePage', () => {
  const entries = Array.from({ length: 7 }, (_, i) => ({ ...at('2030-01-01T00:00:00Z'), seq: 7 - i }));
  it('returns up to limit matches and the cursor of the next page', async () => {
    expect(await takePage(from(entries), () => true, 3)).toMatchObject({ nextCursor: 5 });
    expect((await takePage(from(entries), () => true, 3)).entries.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(await takePage(from(entries), () => true, 7)).toMatchObject({ nextCursor: null });
    const odd = await takePage(from(entries), (e) => e.seq % 2 === 1, 2);
    expect(odd.entries.map((e) => e.seq)).toEqual([7, 5]);
    expect(odd.nextCursor).toBe(5);
  });
});
