import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLine, readLines, replaceFile } from '../../../../signaling/infra/append-only-file.ts';

describe('append-only file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-aof-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an absent file as no lines', async () => {
    expect(await readLines(join(dir, 'absent.jsonl'))).toEqual([]);
  });

  it('appends lines to a file only its owner can read, and reads them back numbered, blank lines skipped', async () => {
    const path = join(dir, 'a.jsonl');
    await appendLine(path, '{"a":1}');
    await appendLine(path, '{"a":2}', { sync: true });
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFile(path, '{"a":1}\n\n  \n{"a":3}\n');
    expect(await readLines(path)).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"a":3}' },
    ]);
  });

  it('replaces a whole file and leaves no temporary file behind', async () => {
    const path = join(dir, 'b.jsonl');
    await appendLine(path, 'old');
    await replaceFile(path, 'new\n');
    expect(await readFile(path, 'utf8')).toBe('new\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['b.jsonl']);
  });
});
