// Append-only JSON-lines audit file, hash-chained, synced to disk before each append resolves.
// Appends are serialized; a write failure is reported to that caller (the partial line is cut
// off again) and the next append retries.
//
// One process writes a given file: `open` takes `<file>.lock` (holding the writer's pid) and
// refuses while another live process holds it. Before every append the path is checked to still
// name the open file, so a log that was removed or replaced refuses further appends (fail closed)
// instead of writing into an unlinked inode. Checkpoints live alongside in
// `<name>.checkpoints.jsonl`.
//
// Queries go through an in-memory index (audit-index.ts) of every entry's byte range, built when
// the file is opened and extended on each append: `find` reads only the lines it returns.
import { mkdir, open, readFile, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GENESIS_HASH, sealEntry, type AuditEntry, type AuditEvent } from './audit-entry.ts';
import { AuditIndex, type AuditIndexQuery } from './audit-index.ts';
import type { AuditStore, ScanOptions } from './audit-log.ts';
import type { AuditCheckpoint } from './audit-signatures.ts';
import { parseCheckpoint, parseEntry } from './chain-verification.ts';
import { appendLine, readLines, replaceFile, syncDirectory } from '../infra/append-only-file.ts';

/** `var/audit.jsonl` → `var/audit.checkpoints.jsonl`. */
export const checkpointPathFor = (path: string): string =>
  join(dirname(path), `${basename(path).replace(/\.jsonl$/, '')}.checkpoints.jsonl`);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
        throw new Error(`the audit file is in use by process ${pid} (${lockPath}); only one process may write it`);
      }
      await unlink(lockPath).catch(() => undefined); // stale: its process is gone
    }
  }
  throw new Error(`could not take the audit file lock ${lockPath}`);
}

export interface FileAuditLogOptions {
  fsync: boolean;
  /** Told about repairs made on open (an unterminated last line moved aside). */
  onWarning?: (message: string, detail: Record<string, unknown>) => void;
}

/** Where an entry's line is in the file (without its newline). */
interface LineRange {
  offset: number;
  length: number;
}

/** The file as last opened for reading, with its index; replaced whole when a purge rewrites the file. */
interface View {
  reader: FileHandle;
  index: AuditIndex<LineRange>;
}

/** Indexes every entry of `content` (a damaged line is skipped, as audit:verify reports it). */
function indexOf(content: Buffer): { index: AuditIndex<LineRange>; last: AuditEntry | null; lastLineDamaged: boolean } {
  const index = new AuditIndex<LineRange>();
  let last: AuditEntry | null = null;
  let lastLineDamaged = false;
  for (let offset = 0; offset < content.length; ) {
    let end = content.indexOf(0x0a, offset);
    if (end < 0) end = content.length;
    const text = content.toString('utf8', offset, end);
    if (text.trim() !== '') {
      const entry = parseEntry(text);
      lastLineDamaged = entry === null;
      if (entry) {
        index.add(entry, { offset, length: end - offset });
        last = entry;
      }
    }
    offset = end + 1;
  }
  return { index, last, lastLineDamaged };
}

export class FileAuditLog implements AuditStore {
  #tail: Promise<unknown> = Promise.resolve();
  #last = { seq: 0, hash: GENESIS_HASH };
  #view: View | null = null;
  #entriesRead = 0;
  #closed = false;
  #closing: Promise<void> | null = null;
  #file: FileHandle;
  #identity: { dev: number; ino: number };
  #size: number;
  readonly description: string;
  readonly checkpointPath: string;

  private constructor(
    private readonly path: string,
    file: FileHandle,
    identity: { dev: number; ino: number; size: number },
    private readonly fsync: boolean,
  ) {
    this.#file = file;
    this.#identity = { dev: identity.dev, ino: identity.ino };
    this.#size = identity.size;
    this.description = `file ${path}`;
    this.checkpointPath = checkpointPathFor(path);
  }

  static async open(path: string, options: FileAuditLogOptions): Promise<FileAuditLog> {
    await mkdir(dirname(path), { recursive: true });
    const lockPath = `${path}.lock`;
    await acquireLock(lockPath);
    try {
      await repairTornTail(path, options.onWarning);
      const existed = await stat(path).then(
        () => true,
        () => false,
      );
      const file = await open(path, 'a', 0o600);
      if (!existed) await syncDirectory(path);
      const identity = await file.stat();
      const log = new FileAuditLog(path, file, identity, options.fsync);
      try {
        const { last, lastLineDamaged } = await log.#openView();
        if (lastLineDamaged) throw new Error(`the last line of ${path} is not an audit entry; run npm run audit:verify`);
        if (last) log.#last = { seq: last.seq, hash: last.hash };
      } catch (error) {
        await log.#view?.reader.close();
        await file.close();
        throw error;
      }
      return log;
    } catch (error) {
      await unlink(lockPath).catch(() => undefined);
      throw error;
    }
  }

  record(event: AuditEvent): Promise<AuditEntry> {
    return this.#exclusive(async () => {
      await this.#assertSameFile();
      const entry = sealEntry(this.#last, event, new Date());
      const line = Buffer.from(`${JSON.stringify(entry)}\n`);
      try {
        await this.#file.appendFile(line);
        if (this.fsync) await this.#file.datasync();
      } catch (error) {
        // Cut off a partial line so that the next append starts on a clean line.
        await this.#file.truncate(this.#size).catch(() => undefined);
        throw error;
      }
      this.#view?.index.add(entry, { offset: this.#size, length: line.byteLength - 1 });
      this.#size += line.byteLength;
      this.#last = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
  }

  async head(): Promise<{ seq: number; hash: string }> {
    return { ...this.#last };
  }

  /** The entries that parse; a damaged line is skipped here and reported by audit:verify. */
  async entries(): Promise<AuditEntry[]> {
    return (await readLines(this.path)).map(({ text }) => parseEntry(text)).filter((entry) => entry !== null);
  }

  async *scan(options: ScanOptions = {}): AsyncIterable<AuditEntry> {
    const all = await this.entries();
    if (options.order === 'desc') all.reverse();
    for (const entry of all) {
      if (options.beforeSeq !== undefined && entry.seq >= options.beforeSeq) continue;
      if (options.afterSeq !== undefined && entry.seq <= options.afterSeq) continue;
      yield entry;
    }
  }

  get entriesRead(): number {
    return this.#entriesRead;
  }

  async *find(query: AuditIndexQuery): AsyncIterable<AuditEntry> {
    const view = this.#view;
    if (!view) throw new Error('audit log is closed');
    for (const seq of view.index.candidates(query)) {
      const range = view.index.location(seq)!;
      const buffer = Buffer.alloc(range.length);
      await view.reader.read(buffer, 0, range.length, range.offset);
      this.#entriesRead += 1;
      const entry = parseEntry(buffer.toString('utf8'));
      if (entry) yield entry;
    }
  }

  async checkpoints(): Promise<AuditCheckpoint[]> {
    return (await readLines(this.checkpointPath)).map(({ text }) => parseCheckpoint(text)).filter((c) => c !== null);
  }

  addCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    return this.#exclusive(async () => {
      await appendLine(this.checkpointPath, JSON.stringify(checkpoint), { sync: this.fsync });
    });
  }

  replacePrefix(summary: AuditEntry, expected: { summaryToSeq: number | null }): Promise<boolean> {
    return this.#exclusive(async () => {
      await this.#assertSameFile();
      const lines = await readLines(this.path);
      const parsed = lines.map(({ text }) => parseEntry(text));
      const first = parsed[0];
      const currentSummary = first?.action === summary.action ? first.seq : null;
      if (currentSummary !== expected.summaryToSeq) return false;
      const cut = parsed.findIndex((entry) => entry?.seq === summary.seq && entry.hash === summary.hash);
      if (cut < 0) return false;
      const kept = lines.slice(cut + 1).map(({ text }) => `${text}\n`);
      const content = `${JSON.stringify(summary)}\n${kept.join('')}`;
      await replaceFile(this.path, content);
      await this.#file.close();
      this.#file = await open(this.path, 'a', 0o600);
      const identity = await this.#file.stat();
      this.#identity = { dev: identity.dev, ino: identity.ino };
      this.#size = identity.size;
      const previous = this.#view;
      await this.#openView();
      await previous?.reader.close();

      const checkpoints = await readLines(this.checkpointPath);
      const keep = checkpoints.filter(({ text }) => (parseCheckpoint(text)?.seq ?? Infinity) >= summary.seq);
      if (keep.length !== checkpoints.length) {
        await replaceFile(this.checkpointPath, keep.map(({ text }) => `${text}\n`).join(''));
      }
      return true;
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#tail;
      this.#closed = true;
      await this.#file.close();
      await this.#view?.reader.close();
      this.#view = null;
      await unlink(`${this.path}.lock`).catch(() => undefined);
    })();
    return this.#closing;
  }

  /** Appends would fail now if the log is closed, or its path no longer names the file it writes. */
  async probe(): Promise<void> {
    if (this.#closed) throw new Error('audit log is closed');
    await this.#assertSameFile();
  }

  /** Opens the file for reading and indexes it. */
  async #openView(): Promise<ReturnType<typeof indexOf>> {
    const reader = await open(this.path, 'r');
    try {
      const indexed = indexOf(await reader.readFile());
      this.#view = { reader, index: indexed.index };
      return indexed;
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  /** Runs `task` after every earlier append, purge and checkpoint. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#closed) throw new Error('audit log is closed');
      return task();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** The path must still name the file we append to: a removed or replaced log fails closed. */
  async #assertSameFile(): Promise<void> {
    let current;
    try {
      current = await stat(this.path);
    } catch (error) {
      throw new Error(`the audit file ${this.path} is gone (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (current.ino !== this.#identity.ino || current.dev !== this.#identity.dev) {
      throw new Error(`the audit file ${this.path} was replaced by another file`);
    }
  }

}

/**
 * A crash in the middle of an append can leave an unterminated last line. It was never
 * acknowledged (acknowledgement waits for the complete line to be on disk), so it is moved to
 * `<file>.torn-<time>` and cut off, and the chain continues from the last complete entry.
 */
async function repairTornTail(path: string, onWarning: FileAuditLogOptions['onWarning']): Promise<void> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (content.length === 0 || content[content.length - 1] === 0x0a) return;
  const keep = content.lastIndexOf(0x0a) + 1;
  const aside = `${path}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await writeFile(aside, content.subarray(keep), { mode: 0o600 });
  const file = await open(path, 'r+');
  try {
    await file.truncate(keep);
    await file.sync();
  } finally {
    await file.close();
  }
  onWarning?.('the audit file ended in an unterminated line (an append cut short by a crash); it was moved aside', {
    path: aside,
    bytes: content.length - keep,
  });
}
