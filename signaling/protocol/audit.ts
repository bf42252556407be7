// Audit API (supervisors): query parameters and response bodies, shared with the console page.
//   GET /api/audit                               entries their agency may see, newest first
//   GET /api/incidents/:incidentId/access-report everyone who saw or heard an incident
// Both take ?format=csv or ?format=json for a download (an export) instead of a page.
import { z } from 'zod';

const instant = z
  .string()
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date and time (ISO 8601)');
const optionalText = z.string().trim().max(128).optional().transform((value) => value || undefined);

export const exportFormat = z.enum(['json', 'csv']);
export type ExportFormat = z.infer<typeof exportFormat>;

export const AUDIT_PAGE_MAX = 1000;
export const AUDIT_EXPORT_MAX = 100_000;

export const auditQuery = z.strictObject({
  incidentId: optionalText,
  userId: optionalText,
  agencyId: optionalText,
  action: optionalText,
  outcome: z.enum(['allowed', 'denied', 'info']).optional(),
  /** Entries at or after this instant. */
  from: instant.optional(),
  /** Entries at or before this instant. */
  to: instant.optional(),
  /** Page size (default 100; exports default to everything up to AUDIT_EXPORT_MAX). */
  limit: z.coerce.number().int().min(1).max(AUDIT_EXPORT_MAX).optional(),
  /** From a previous page's nextCursor: entries older than it. */
  cursor: z.coerce.number().int().min(1).optional(),
  format: exportFormat.optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const accessReportQuery = z.strictObject({ format: exportFormat.optional() });

/** One audit entry as the API returns it (the stored entry, hash-chained). */
export interface AuditEntryView {
  seq: number;
  at: string;
  action: string;
  outcome: 'allowed' | 'denied' | 'info';
  actor: { id: string; role: string; agencyId: string | null } | null;
  target: { incidentId?: string; agencyId?: string; grantId?: string; userId?: string };
  source: { ip: string | null; userAgent: string | null; node: string; connection?: string };
  reason?: string;
  detail?: Record<string, string | number | boolean | null>;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as ?cursor= for the next (older) page; null when there is none. */
  nextCursor: number | null;
}

export interface AuditActorView {
  id: string;
  role: string;
  agencyId: string | null;
}

/** One person's time in an incident: how they came to be there, and when it ended. */
export interface AccessSession {
  userId: string;
  name: string | null;
  role: string;
  agencyId: string | null;
  /** 'incident-officer' (streamed it) or 'grant' (a supervisor's grant). */
  authority: 'incident-officer' | 'grant';
  joinedAt: string;
  /** Null while still present. */
  leftAt: string | null;
  /** The audited action that ended it: leave, grant.expire or incident.end. */
  endedBy: string | null;
  endReason: string | null;
  permissions: string[];
  grantId: string | null;
  grantedBy: AuditActorView | null;
  grantedAt: string | null;
  grantExpiresAt: string | null;
  /** Push-to-talk intervals (clinicians). */
  talk: Array<{ from: string; to: string | null }>;
  source: { ip: string | null; userAgent: string | null; node: string };
}

export interface AccessRefusal {
  at: string;
  actor: AuditActorView | null;
  userId: string | null;
  grantId: string | null;
  reason: string | null;
  source: { ip: string | null; userAgent: string | null; node: string };
}

export interface AccessReport {
  incident: {
    id: string;
    agencyId: string;
    officerId: string | null;
    startedAt: string | null;
    endedAt: string | null;
    endReason: string | null;
  };
  /** Everyone who saw or heard the incident, in the order they came. */
  sessions: AccessSession[];
  /** Attempts to join that were refused. */
  refused: AccessRefusal[];
  generatedAt: string;
}
