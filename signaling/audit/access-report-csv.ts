// The access report as CSV: one row per access, ids and names side by side (an export keeps the
// ids a person reading the page does not need).
import type { AccessReport } from '../protocol/audit.ts';
import { toCsv } from './audit-csv.ts';

const seconds = (from: string, to: string | null, now: Date) => Math.max(0, ((to ? Date.parse(to) : now.getTime()) - Date.parse(from)) / 1000);

export function accessReportCsv(report: AccessReport, now = new Date()): string {
  return toCsv(
    [
      'incident_id',
      'incident_agency',
      'user_id',
      'name',
      'role',
      'agency',
      'authority',
      'via',
      'agreement_id',
      'joined_at',
      'left_at',
      'ended_by',
      'ended_by_user',
      'end_reason',
      'permissions',
      'grant_id',
      'granted_by',
      'granted_by_name',
      'granted_by_role',
      'granted_by_agency',
      'granted_at',
      'grant_expires_at',
      'grant_changes',
      'talk_seconds',
      'ip',
      'user_agent',
      'node',
    ],
    report.sessions.map((s) => [
      report.incident.id,
      report.incident.agencyId,
      s.userId,
      s.name,
      s.role,
      s.agencyId,
      s.authority,
      s.via,
      s.agreementId,
      s.joinedAt,
      s.leftAt,
      s.endedBy,
      s.endedByActor?.id,
      s.endReason,
      s.permissions.join(' '),
      s.grantId,
      s.grantedBy?.id,
      s.grantedBy?.name,
      s.grantedBy?.role,
      s.grantedBy?.agencyId,
      s.grantedAt,
      s.grantExpiresAt,
      s.grantChanges,
      Math.round(s.talk.reduce((total, t) => total + seconds(t.from, t.to, now), 0)),
      s.source.ip,
      s.source.userAgent,
      s.source.node,
    ]),
  );
}
