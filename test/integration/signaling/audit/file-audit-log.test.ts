import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstBrokenEntry } from '../../../../signaling/audit/audit-entry.ts';
import { FileAuditLog } from '../../../../signaling/audit/file-audit-log.ts';
import { auditStoreContract, event } from './audit-store-contract.ts';

const root = await mkdtemp(join(tmpdir(), 'sightline-contract-'));
let dir = '';
let n = 0;

auditStoreContract('file store', () => ({
  sharedWriters: false,
  async reset() {
    dir = join(root, `t${(n += 1)}`);
  },
  open: () => FileAuditLog.open(join(dir, 'audit.jsonl'), { fsync: true }),
  async breakStore() {
    await rm(dir, { recursive: true, force: true });
  },
}));

describe('file store specifics', () => {
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('moves an unterminated last line (an append cut short by a crash) aside and continues the chain', async () => {
    const path = join(root, 'torn', 'audit.jsonl');
    const log = await FileAuditLog.open(path, { fsync: true });
    await log.record(event('one'));
    const second = await log.record(event('two'));
    await log.close();
    await writeFile(path, `${await readFile(path, 'utf8')}{"seq":3,"act`);
    const warnings: string[] = [];
    const reopened = await FileAuditLog.open(path, { fsync: true, onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringContaining('unterminated line')]);
    expect(await reopened.record(event('three'))).toMatchObject({ seq: 3, prevHash: second.hash });
    expect(firstBrokenEntry(await reopened.entries())).toBeNull();
    await reopened.close();
  });

  it('skips a damaged line when reading (audit:verify reports it), and refuses to continue from a damaged last line', async () => {
    const path = join(root, 'damaged', 'audit.jsonl');
    const log = await FileAuditLog.open(path, { fsync: false });
    for (const name of ['one', 'two', 'three']) await log.record(event(name));
    await log.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    await writeFile(path, [lines[0], '{"seq":2,"broken', lines[2], ''].join('\n'));
    const reopened = await FileAuditLog.open(path, { fsync: false });
    expect((await reopened.entries()).map((e) => e.action)).toEqual(['one', 'three']);
    expect(await reopened.record(event('four'))).toMatchObject({ seq: 4 });
    await reopened.close();
    await writeFile(path, `${await readFile(path, 'utf8')}not json\n`);
    await expect(FileAuditLog.open(path, { fsync: false })).rejects.toThrow(/last line .* is not an audit entry/);
  });

  it('takes over the lock of a writer that died', async () => {
    const path = join(root, 'stale', 'audit.jsonl');
    const log = await FileAuditLog.open(path, { fsync: false });
    await log.close();
    await writeFile(`${path}.lock`, '999999999\n');
    const reopened = await FileAuditLog.open(path, { fsync: false });
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await reopened.close();
  });

  it('refuses appends once the file was replaced by another', async () => {
    const path = join(root, 'replaced', 'audit.jsonl');
    const log = await FileAuditLog.open(path, { fsync: false });
    await log.record(event('one'));
    await rm(path);
    await writeFile(path, '');
    await expect(log.record(event('two'))).rejects.toThrow(/replaced/);
    await log.close();
  });
});
