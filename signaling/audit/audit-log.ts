// The audit trail. `record` resolves only once the entry is durable; callers grant access after
// that, so a failing audit store refuses access (fail closed).
import type { AuditEntry, AuditEvent } from './audit-entry.ts';
import type { AuditIndexQuery } from './audit-index.ts';
import type { AuditCheckpoint } from './audit-signatures.ts';

export interface ScanOptions {
  /** 'asc' (oldest first, the default) or 'desc' (newest first). */
  order?: 'asc' | 'desc';
  /** Only entries with seq < beforeSeq. */
  beforeSeq?: number;
  /** Only entries with seq > afterSeq. */
  afterSeq?: number;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<AuditEntry>;
  /** Entries in order, for reports and verification. A purge summary, if any, comes first. */
  entries(): Promise<AuditEntry[]>;
  /** Entries one at a time, in seq order, without holding the whole log at once where the store allows. */
  scan(options?: ScanOptions): AsyncIterable<AuditEntry>;
  /** Resolves when an entry could be made durable now; rejects with the reason otherwise (readiness). */
  probe?(): Promise<void>;
  /**
   * Entries that match the query's indexed fields (incident, user, agencies, time, paging), read
   * through the store's index: only those entries are read. Callers still apply the full filter
   * (time bounds are exact to within the writers' clocks).
   */
  find(query: AuditIndexQuery): AsyncIterable<AuditEntry>;
  close(): Promise<void>;
}

/** A place the chain is kept: the embedded file or Redis. */
export interface AuditStore extends AuditLog {
  /** For messages: "file var/audit.jsonl", "redis … (prefix)". */
  readonly description: string;
  /** Entries read and parsed by `find` since the store was opened (the cost of queries). */
  readonly entriesRead: number;
  /** The last entry's seq and hash (seq 0 and the genesis hash when empty). */
  head(): Promise<{ seq: number; hash: string }>;
  /** Signed checkpoints, kept alongside the log, in the order they were stored. */
  checkpoints(): Promise<AuditCheckpoint[]>;
  addCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /**
   * Retention: atomically replaces every entry up to and including `summary.seq` with the signed
   * summary, and drops checkpoints below it. `expected` is the purge summary the log starts with
   * now (null when none); if that changed meanwhile (another node purged) nothing is written and
   * false is returned.
   */
  replacePrefix(summary: AuditEntry, expected: { summaryToSeq: number | null }): Promise<boolean>;
}
