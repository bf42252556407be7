// CSV for audit exports (RFC 4180). Cells that a spreadsheet would run as a formula are
// prefixed with an apostrophe: an audit export must not execute what a user typed.
import { canonicalJson, type AuditEntry } from './audit-entry.ts';

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return [columns, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'action',
  'outcome',
  'reason',
  'actor_id',
  'actor_role',
  'actor_agency',
  'incident_id',
  'incident_agency',
  'grant_id',
  'user_id',
  'ip',
  'user_agent',
  'node',
  'connection',
  'detail',
  'prev_hash',
  'hash',
] as const;

export function auditEntriesCsv(entries: readonly AuditEntry[]): string {
  return toCsv(
    AUDIT_CSV_COLUMNS,
    entries.map((e) => [
      e.seq,
      e.at,
      e.action,
      e.outcome,
      e.reason,
      e.actor?.id,
      e.actor?.role,
      e.actor?.agencyId,
      e.target.incidentId,
      e.target.agencyId,
      e.target.grantId,
      e.target.userId,
      e.source.ip,
      e.source.userAgent,
      e.source.node,
      e.source.connection,
      e.detail ? canonicalJson(e.detail) : '',
      e.prevHash,
      e.hash,
    ]),
  );
}
