import type { AuditAction } from '../../../../signaling/protocol/audit-actions.ts';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  firstBrokenEntry,
  sealEntry,
  type AuditEntry,
  type AuditEvent,
} from '../../../../signaling/audit/audit-entry.ts';

// Storage keeps whatever action it is given; these tests name entries by arbitrary labels.
const event = (action: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  action: action as AuditAction,
  outcome: 'allowed',
  actor: { id: 'u-sup', role: 'supervisor', agencyId: 'police' },
  target: { incidentId: 'inc-1' },
  source: { ip: '10.0.0.1', userAgent: 'test', node: 'node-a' },
  ...extra,
});

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i += 1) {
    const entry = sealEntry(prev, event(`action-${i + 1}`, { detail: { n: i } }), new Date(Date.UTC(2030, 0, 1, 0, 0, i)));
    entries.push(entry);
    prev = entry;
  }
  return entries;
}

describe('canonicalJson', () => {
  it('is independent of key order at every level', () => {
    const a = { b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' }, e: null };
    const b = { e: null, a: { c: 'x', d: [1, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1,"e":null}');
  });

  it('keeps array order significant and drops undefined properties', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('encodes primitives as JSON and distinguishes types', () => {
    expect(canonicalJson('x"y')).toBe('"x\\"y"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(1)).not.toBe(canonicalJson('1'));
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('escapes keys', () => {
    expect(canonicalJson({ 'a"b': 1 })).toBe('{"a\\"b":1}');
  });
});

describe('sealEntry', () => {
  it('chains from the genesis hash with seq 1', () => {
    const at = new Date(Date.UTC(2030, 0, 1));
    const entry = sealEntry({ seq: 0, hash: GENESIS_HASH }, event('login'), at);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(entry.seq).toBe(1);
    expect(entry.at).toBe('2030-01-01T00:00:00.000Z');
    expect(entry.prevHash).toBe(GENESIS_HASH);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    const { hash: _h, prevHash: _p, ...body } = entry;
    expect(entry.hash).toBe(createHash('sha256').update(GENESIS_HASH).update(canonicalJson(body)).digest('hex'));
    expect(entry.hash).toBe(chainHash(GENESIS_HASH, body));
    expect(entry).toMatchObject(event('login'));
  });

  it('links each entry to the previous hash', () => {
    const entries = chain(3);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[2]!.prevHash).toBe(entries[1]!.hash);
    expect(new Set(entries.map((e) => e.hash)).size).toBe(3);
  });

  it('the same event at the same time after a different predecessor hashes differently', () => {
    const at = new Date(0);
    const a = sealEntry({ seq: 4, hash: 'a'.repeat(64) }, event('x'), at);
    const b = sealEntry({ seq: 4, hash: 'b'.repeat(64) }, event('x'), at);
    expect(a.seq).toBe(5);
    expect(a.hash).not.toBe(b.hash);
  });

  it('the hash survives a JSON round trip', () => {
    const entries = chain(3).map((e) => JSON.parse(JSON.stringify(e)) as AuditEntry);
    expect(firstBrokenEntry(entries)).toBeNull();
  });
});

describe('firstBrokenEntry', () => {
  it('returns null for an intact chain, and for an empty one', () => {
    expect(firstBrokenEntry(chain(5))).toBeNull();
    expect(firstBrokenEntry([])).toBeNull();
  });

  it('finds an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, outcome: 'denied' };
    expect(firstBrokenEntry(entries)).toBe(3);
  });

  it('finds an edit inside a nested field', () => {
    const entries = chain(5);
    entries[3] = { ...entries[3]!, actor: { ...entries[3]!.actor!, id: 'u-someone-else' } };
    expect(firstBrokenEntry(entries)).toBe(4);
    const other = chain(5);
    other[1] = { ...other[1]!, detail: { n: '1' } };
    expect(firstBrokenEntry(other)).toBe(2);
  });

  it('finds an edited entry whose hash was recomputed (the next link breaks)', () => {
    const entries = chain(5);
    const { hash: _h, prevHash, ...body } = entries[1]!;
    const forgedBody = { ...body, outcome: 'denied' as const };
    entries[1] = { ...forgedBody, prevHash, hash: chainHash(prevHash, forgedBody) };
    expect(firstBrokenEntry(entries)).toBe(3);
  });

  it('finds a deleted entry', () => {
    const entries = chain(5);
    entries.splice(2, 1);
    expect(firstBrokenEntry(entries)).toBe(4);
    expect(firstBrokenEntry(chain(5).slice(1))).toBe(2);
  });

  it('finds an inserted entry', () => {
    const entries = chain(5);
    const forged = sealEntry(entries[1]!, event('forged'), new Date(0));
    entries.splice(2, 0, forged);
    // The forged entry claims seq 3 and links correctly; the real seq 3 after it cannot.
    expect(firstBrokenEntry(entries)).toBe(3);
    expect(entries[3]!.seq).toBe(3);

    const duplicate = chain(3);
    duplicate.splice(1, 0, duplicate[0]!);
    expect(firstBrokenEntry(duplicate)).toBe(1);
  });

  it('finds reordered entries', () => {
    const entries = chain(5);
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    expect(firstBrokenEntry(entries)).toBe(3);
  });

  it('finds a renumbered entry', () => {
    const entries = chain(3);
    entries[0] = { ...entries[0]!, seq: 7 };
    expect(firstBrokenEntry(entries)).toBe(7);
  });

  it('finds a changed prevHash', () => {
    const entries = chain(3);
    entries[1] = { ...entries[1]!, prevHash: GENESIS_HASH };
    expect(firstBrokenEntry(entries)).toBe(2);
  });
});
