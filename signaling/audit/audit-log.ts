// The audit trail. `record` resolves only once the entry is durable; callers grant access after
// that, so a failing audit store refuses access (fail closed).
import type { AuditEntry, AuditEvent } from './audit-entry.ts';

export interface AuditLog {
  record(event: AuditEvent): Promise<AuditEntry>;
  /** Entries in order, for reports and verification. */
  entries(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
