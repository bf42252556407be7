import type { AuditAction } from '../../../../signaling/protocol/audit-actions.ts';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, firstBrokenEntry, type AuditEvent } from '../../../../signaling/audit/audit-entry.ts';
import { FileAuditLog } from '../../../../signaling/audit/file-audit-log.ts';

// Storage keeps whatever action it is given; these tests name entries by arbitrary labels.
const event = (action: string, n = 0): AuditEvent => ({
  action: action as AuditAction,
  outcome: 'info',
  actor: null,
  target: { userId: `u-${n}` },
  source: { ip: null, userAgent: null, node: 'test' },
  detail: { n },
});

describe('FileAuditLog', () => {
  let dir: string;
  let path: string;
  const open: FileAuditLog[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-audit-'));
    path = join(dir, 'sub', 'audit.jsonl');
  });
  afterEach(async () => {
    for (const log of open.splice(0)) await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  const openLog = async (fsync = false) => {
    const log = await FileAuditLog.open(path, { fsync });
    open.push(log);
    return log;
  };

  it('creates the file (mode 0600) and an empty log has no entries', async () => {
    const log = await openLog();
    expect(await log.entries()).toEqual([]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('appends records with seq 1..n and an intact chain, one JSON line each', async () => {
    const log = await openLog(true);
    const returned = [];
    for (let i = 1; i <= 4; i += 1) returned.push(await log.record(event(`a${i}`, i)));
    expect(returned.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(returned[0]!.prevHash).toBe(GENESIS_HASH);

    const entries = await log.entries();
    expect(entries).toEqual(returned);
    expect(entries.map((e) => e.action)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(firstBrokenEntry(entries)).toBeNull();

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual(returned[0]);
  });

  it('reopening continues the chain (seq and prevHash)', async () => {
    const first = await openLog();
    await first.record(event('one'));
    const second = await first.record(event('two'));
    await first.close();

    const reopened = await openLog();
    const third = await reopened.record(event('three'));
    expect(third.seq).toBe(3);
    expect(third.prevHash).toBe(second.hash);

    const entries = await reopened.entries();
    expect(entries.map((e) => [e.seq, e.action])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(firstBrokenEntry(entries)).toBeNull();
  });

  it('concurrent record calls keep call order and the chain', async () => {
    const log = await openLog(true);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => log.record(event(`c${i}`, i))));
    expect(results.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(results.map((e) => e.action)).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`));
    for (let i = 1; i < results.length; i += 1) expect(results[i]!.prevHash).toBe(results[i - 1]!.hash);

    const entries = await log.entries();
    expect(entries).toEqual(results);
    expect(firstBrokenEntry(entries)).toBeNull();
  });

  it('close waits for pending appends, and record after close is refused', async () => {
    const log = await FileAuditLog.open(path, { fsync: false });
    const pending = [log.record(event('x')), log.record(event('y'))];
    await log.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(2);
    await expect(log.record(event('z'))).rejects.toThrow('audit log is closed');
    await log.close(); // idempotent
    const reopened = await openLog();
    expect((await reopened.entries()).map((e) => e.action)).toEqual(['x', 'y']);
  });
});
