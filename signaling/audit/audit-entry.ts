// Audit entries: who did what, to what, from where, with what outcome. Canonical form and
// chaining are pure so that verification can replay them.
import { createHash } from 'node:crypto';
import type { AuditAction } from '../protocol/audit-actions.ts';

export type AuditOutcome = 'allowed' | 'denied' | 'info';

export interface AuditActor {
  id: string;
  role: string;
  agencyId: string | null;
}

export interface AuditSource {
  ip: string | null;
  userAgent: string | null;
  node: string;
  /** Correlates the entries of one signalling connection (join → talk → leave). */
  connection?: string;
}

/** What an action was done to. `agencyId` is the agency of the incident, when there is one. */
export interface AuditTarget {
  incidentId?: string;
  agencyId?: string;
  grantId?: string;
  userId?: string;
}

export interface AuditEvent {
  action: AuditAction;
  outcome: AuditOutcome;
  actor: AuditActor | null;
  target: AuditTarget;
  source: AuditSource;
  /** A stable code: the refusal code for denials, or why something ended. */
  reason?: string;
  detail?: Record<string, string | number | boolean | null>;
}

/** An entry as stored: its action is a string, since an older build may have written one this build does not name. */
export interface AuditEntry extends Omit<AuditEvent, 'action'> {
  action: string;
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(prevHash: string, body: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}

export function sealEntry(prev: { seq: number; hash: string }, event: AuditEvent, at: Date): AuditEntry {
  const body = { ...event, seq: prev.seq + 1, at: at.toISOString() };
  return { ...body, prevHash: prev.hash, hash: chainHash(prev.hash, body) };
}

/** Returns the seq of the first entry that breaks the chain, or null when the chain is intact. */
export function firstBrokenEntry(entries: readonly AuditEntry[]): number | null {
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const entry of entries) {
    const { hash, prevHash, ...body } = entry;
    if (entry.seq !== prev.seq + 1 || prevHash !== prev.hash || chainHash(prevHash, body) !== hash) return entry.seq;
    prev = { seq: entry.seq, hash };
  }
  return null;
}
