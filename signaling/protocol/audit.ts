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

const nodeSource = { ip: z.string().nullable(), userAgent: z.string().nullable(), node: z.string() };

/** One audit entry as the API returns it (the stored entry, hash-chained). */
export const auditEntryView = z.object({
  seq: z.number().int(),
  at: z.string(),
  action: z.string(),
  outcome: z.enum(['allowed', 'denied', 'info']),
  actor: z.object({ id: z.string(), role: z.string(), agencyId: z.string().nullable() }).nullable(),
  target: z.object({ incidentId: z.string().optional(), agencyId: z.string().optional(), grantId: z.string().optional(), userId: z.string().optional() }),
  source: z.object({ ...nodeSource, connection: z.string().optional() }),
  reason: z.string().optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

export const auditPage = z.object({
  entries: z.array(auditEntryView),
  nextCursor: z.number().int().nullable().describe('pass as ?cursor= for the next (older) page; null when there is none'),
  people: z.record(z.string(), z.string()).describe("the names of the people this page's entries are by or about, by user id"),
});
export type AuditPage = z.infer<typeof auditPage>;

export const auditActorView = z.object({ id: z.string(), name: z.string().nullable().describe('as the directory names them; null when unknown'), role: z.string(), agencyId: z.string().nullable() });
export type AuditActorView = z.infer<typeof auditActorView>;

/** One person's time in an incident: how they came to be there, and when it ended. */
export const accessSession = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  role: z.string(),
  agencyId: z.string().nullable(),
  authority: z
    .enum(['incident-officer', 'grant', 'agency', 'sharing-agreement', 'recording'])
    .describe("'incident-officer' (streamed it), 'grant' (a supervisor's grant), 'agency' (a supervisor of the incident's agency watched), 'sharing-agreement' (a partner agency's supervisor watched) or 'recording' (played or exported its recording afterwards)"),
  via: z.enum(['console', 'whep', 'recording-play', 'recording-export']).nullable().describe("'whep' for a WHEP player; 'console' for the browser pages; for a recording, whether it was played or exported"),
  agreementId: z.string().nullable().describe('the sharing agreement a partner agency watched under'),
  joinedAt: z.string(),
  leftAt: z.string().nullable().describe('null while still present'),
  endedBy: z.string().nullable().describe('the audited action that ended it: leave, grant.expire, grant.revoke, seat.takeover, access.withdrawn or incident.end'),
  endedByActor: auditActorView.nullable().describe('who ended it, when someone else did (a revoke, a withdrawn sharing, the officer ending the incident)'),
  endReason: z.string().nullable(),
  permissions: z.array(z.string()),
  grantId: z.string().nullable(),
  grantedBy: auditActorView.nullable(),
  grantedAt: z.string().nullable(),
  grantExpiresAt: z.string().nullable().describe("the grant's end as last set: extended or shortened ends replace the first"),
  grantChanges: z.number().int().describe('how many times the grant was extended or shortened'),
  talk: z.array(z.object({ from: z.string(), to: z.string().nullable() })).describe('push-to-talk intervals (clinicians)'),
  source: z.object(nodeSource),
});
export type AccessSession = z.infer<typeof accessSession>;

export const accessRefusal = z.object({
  at: z.string(),
  actor: auditActorView.nullable(),
  userId: z.string().nullable(),
  grantId: z.string().nullable(),
  reason: z.string().nullable(),
  source: z.object(nodeSource),
});
export type AccessRefusal = z.infer<typeof accessRefusal>;

export const accessReport = z.object({
  incident: z.object({
    id: z.string(),
    agencyId: z.string(),
    officerId: z.string().nullable(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    endReason: z.string().nullable(),
  }),
  sessions: z.array(accessSession).describe('everyone who saw or heard the incident, in the order they came'),
  refused: z.array(accessRefusal).describe('attempts to join that were refused'),
  generatedAt: z.string(),
});
export type AccessReport = z.infer<typeof accessReport>;
