// Append-only JSON-lines audit file, hash-chained, synced to disk before each append resolves.
// Appends are serialized; a write failure is reported to that caller and the next append retries.
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GENESIS_HASH, sealEntry, type AuditEntry, type AuditEvent } from './audit-entry.ts';
import type { AuditLog } from './audit-log.ts';

export class FileAuditLog implements AuditLog {
  #tail: Promise<unknown> = Promise.resolve();
  #last = { seq: 0, hash: GENESIS_HASH };
  #closed = false;

  private constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    private readonly fsync: boolean,
  ) {}

  static async open(path: string, options: { fsync: boolean }): Promise<FileAuditLog> {
    await mkdir(dirname(path), { recursive: true });
    const log = new FileAuditLog(path, await open(path, 'a', 0o600), options.fsync);
    const existing = await log.entries();
    const last = existing.at(-1);
    if (last) log.#last = { seq: last.seq, hash: last.hash };
    return log;
  }

  record(event: AuditEvent): Promise<AuditEntry> {
    const append = this.#tail.then(async () => {
      if (this.#closed) throw new Error('audit log is closed');
      const entry = sealEntry(this.#last, event, new Date());
      await this.file.appendFile(`${JSON.stringify(entry)}\n`);
      if (this.fsync) await this.file.datasync();
      this.#last = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
    this.#tail = append.catch(() => undefined);
    return append;
  }

  async entries(): Promise<AuditEntry[]> {
    const text = await readFile(this.path, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as AuditEntry);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#tail;
    this.#closed = true;
    await this.file.close();
  }
}
