import { describe, expect, it } from 'vitest';
import { AuditIndex, indexKeysOf, lowerBound } from '../../../../signaling/audit/audit-index.ts';

const at = (ms: number) => new Date(ms).toISOString();
const entry = (seq: number, ms: number, target: { incidentId?: string; agencyId?: string; userId?: string } = {}, actor: { id: string; agencyId: string } | null = null) => ({
  seq,
  at: at(ms),
  actor: actor ? { ...actor, role: 'supervisor' } : null,
  target,
});

describe('AuditIndex', () => {
  it('lists an entry under its incident, both agencies and both users', () => {
    expect(indexKeysOf(entry(1, 0, { incidentId: 'i', agencyId: 'a', userId: 'u2' }, { id: 'u1', agencyId: 'b' })).sort()).toEqual(
      ['agency:a', 'agency:b', 'incident:i', 'user:u1', 'user:u2'].sort(),
    );
    expect(indexKeysOf(entry(1, 0))).toEqual([]);
  });

  it('walks the smallest list and checks the others', () => {
    const index = new AuditIndex<number>();
    for (let seq = 1; seq <= 30; seq += 1) index.add(entry(seq, seq * 1000, { incidentId: seq % 10 === 0 ? 'rare' : 'common', agencyId: `a${seq % 2}` }), seq);
    expect([...index.candidates({ incidentId: 'rare' })]).toEqual([30, 20, 10]);
    expect([...index.candidates({ incidentId: 'common', agencyIds: ['a1'], beforeSeq: 8 })]).toEqual([7, 5, 3, 1]);
    expect([...index.candidates({ agencyIds: ['a0', 'a1'], from: 5000, to: 8000, order: 'asc' })]).toEqual([5, 6, 7, 8]);
    expect([...index.candidates({ agencyIds: ['nobody'] })]).toEqual([]);
  });

  it('keeps time bounds correct when the clock stepped back', () => {
    const index = new AuditIndex<number>();
    [5000, 6000, 4000, 7000].forEach((ms, i) => index.add(entry(i + 1, ms), i));
    // Entry 3 was written at 4000 after entry 2 at 6000: an upper bound may not cut it off.
    expect([...index.candidates({ to: 4500, order: 'asc' })]).toEqual([1, 2, 3, 4]);
    expect([...index.candidates({ from: 6500, order: 'asc' })]).toEqual([4]);
  });

  it('lowerBound finds the first element not below a value', () => {
    expect([0, 1, 2, 3, 4].map((v) => lowerBound([1, 2, 2, 3], v))).toEqual([0, 0, 1, 3, 4]);
  });
});
