// JSON-lines files that only grow (the audit chain, its checkpoints, the incident history): read
// their lines, append one, and replace a whole file atomically when a purge rewrites it.
// Infrastructure: imports nothing of the features.
import { constants } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface RawLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

/** The non-empty lines of a JSON-lines file (an absent file has none). */
export async function readLines(path: string): Promise<RawLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .map((line, index) => ({ line: index + 1, text: line }))
    .filter(({ text: line }) => line.trim() !== '');
}

/** Appends `line` and a newline (the file is created readable by its owner only); `sync` waits for the disk. */
export async function appendLine(path: string, line: string, options: { sync: boolean } = { sync: false }): Promise<void> {
  const file = await open(path, 'a', 0o600);
  try {
    await file.appendFile(`${line}\n`);
    if (options.sync) await file.datasync();
  } finally {
    await file.close();
  }
}

/** Makes a rename or a new file in `path`'s directory durable. */
export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(dirname(path), constants.O_RDONLY);
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Replaces the file at `path` with `content` at once: a crash leaves the old file or the new, never half. */
export async function replaceFile(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  await syncDirectory(path);
}
