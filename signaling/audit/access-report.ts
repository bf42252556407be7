// "Everyone who saw or heard incident X, with start, end and authority", derived from the audit
// entries about the incident: incident.start/end (the officer), grant.create (who granted what),
// join (a clinician came in), talk.start/stop, and leave / grant.expire / grant.revoke /
// incident.end (the end).
// Entries of one signalling connection share `source.connection`; entries written before that
// field existed are matched by user and grant instead. Pure.
import type { AccessReport, AccessSession, AuditActorView } from '../protocol/audit.ts';
import type { AuditEntry } from './audit-entry.ts';
import { toCsv } from './audit-csv.ts';

export interface IncidentFacts {
  agencyId: string;
  officerId?: string | null;
  startedAt?: number | null;
  endedAt?: number | null;
  endReason?: string | null;
}

const iso = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
const actorView = (entry: AuditEntry): AuditActorView | null =>
  entry.actor ? { id: entry.actor.id, role: entry.actor.role, agencyId: entry.actor.agencyId } : null;
const sourceView = (entry: AuditEntry) => ({ ip: entry.source.ip, userAgent: entry.source.userAgent, node: entry.source.node });
const detailString = (entry: AuditEntry, key: string) => {
  const value = entry.detail?.[key];
  return typeof value === 'string' ? value : null;
};
const detailNumber = (entry: AuditEntry, key: string) => {
  const value = entry.detail?.[key];
  return typeof value === 'number' ? value : null;
};

interface Grant {
  at: string;
  by: AuditActorView | null;
  expiresAt: string | null;
}

export function buildAccessReport(
  incidentId: string,
  entries: readonly AuditEntry[],
  options: { facts: IncidentFacts; nameOf?: (userId: string) => string | undefined; now?: Date },
): AccessReport {
  const nameOf = options.nameOf ?? (() => undefined);
  const mine = entries.filter((e) => e.target.incidentId === incidentId).sort((a, b) => a.seq - b.seq);
  const grants = new Map<string, Grant>();
  const sessions: Array<AccessSession & { key: string | null }> = [];
  const refused: AccessReport['refused'] = [];
  let startedAt = iso(options.facts.startedAt);
  let endedAt = iso(options.facts.endedAt);
  let endReason = options.facts.endReason ?? null;
  let officerId = options.facts.officerId ?? null;

  const open = () => sessions.filter((s) => s.leftAt === null);
  const close = (session: AccessSession, entry: AuditEntry) => {
    session.leftAt = entry.at;
    session.endedBy = entry.action;
    session.endReason = entry.reason ?? null;
    for (const interval of session.talk) interval.to ??= entry.at;
  };
  /** The open session an entry belongs to: same connection, else same user and grant. */
  const sessionOf = (entry: AuditEntry) => {
    const candidates = open().filter((s) => s.authority === 'grant');
    if (entry.source.connection) {
      const byConnection = candidates.find((s) => s.key === entry.source.connection);
      if (byConnection) return byConnection;
    }
    return candidates.find((s) => s.key === null && s.userId === entry.actor?.id && s.grantId === (entry.target.grantId ?? null));
  };

  for (const entry of mine) {
    switch (entry.action) {
      case 'incident.start':
        if (entry.outcome !== 'allowed' || !entry.actor) break;
        startedAt ??= entry.at;
        officerId ??= entry.actor.id;
        sessions.push({
          key: entry.source.connection ?? null,
          userId: entry.actor.id,
          name: nameOf(entry.actor.id) ?? null,
          role: entry.actor.role,
          agencyId: entry.actor.agencyId,
          authority: 'incident-officer',
          joinedAt: entry.at,
          leftAt: null,
          endedBy: null,
          endReason: null,
          permissions: ['camera', 'hear-talkback'],
          grantId: null,
          grantedBy: null,
          grantedAt: null,
          grantExpiresAt: null,
          talk: [],
          source: sourceView(entry),
        });
        break;
      case 'grant.create':
        if (entry.outcome === 'allowed' && entry.target.grantId) {
          const expires = detailNumber(entry, 'expiresAt');
          grants.set(entry.target.grantId, { at: entry.at, by: actorView(entry), expiresAt: iso(expires) });
        }
        break;
      case 'join': {
        if (entry.outcome === 'denied') {
          refused.push({
            at: entry.at,
            actor: actorView(entry),
            userId: entry.target.userId ?? entry.actor?.id ?? null,
            grantId: entry.target.grantId ?? null,
            reason: entry.reason ?? null,
            source: sourceView(entry),
          });
          break;
        }
        if (entry.outcome !== 'allowed' || !entry.actor) break;
        const grantId = entry.target.grantId ?? null;
        const grant = grantId ? grants.get(grantId) : undefined;
        const expires = detailNumber(entry, 'expiresAt');
        sessions.push({
          key: entry.source.connection ?? null,
          userId: entry.actor.id,
          name: nameOf(entry.actor.id) ?? null,
          role: entry.actor.role,
          agencyId: entry.actor.agencyId,
          authority: 'grant',
          joinedAt: entry.at,
          leftAt: null,
          endedBy: null,
          endReason: null,
          permissions: (detailString(entry, 'permissions') ?? '').split(',').filter(Boolean),
          grantId,
          grantedBy: grant?.by ?? null,
          grantedAt: grant?.at ?? null,
          grantExpiresAt: iso(expires) ?? grant?.expiresAt ?? null,
          talk: [],
          source: sourceView(entry),
        });
        break;
      }
      case 'talk.start': {
        if (entry.outcome !== 'allowed') break;
        const session = sessionOf(entry);
        if (session && !session.talk.some((t) => t.to === null)) session.talk.push({ from: entry.at, to: null });
        break;
      }
      case 'talk.stop': {
        const interval = sessionOf(entry)?.talk.find((t) => t.to === null);
        if (interval) interval.to = entry.at;
        break;
      }
      case 'leave':
      case 'grant.expire': {
        const session = sessionOf(entry);
        if (session) close(session, entry);
        break;
      }
      case 'grant.revoke':
        // Revoking a grant (a supervisor, or a withdrawn agreement) cuts whoever watches with it.
        if (entry.outcome === 'denied' || !entry.target.grantId) break;
        for (const session of open()) if (session.authority === 'grant' && session.grantId === entry.target.grantId) close(session, entry);
        break;
      case 'incident.end':
        endedAt ??= entry.at;
        endReason ??= entry.reason ?? null;
        for (const session of open()) close(session, entry);
        break;
    }
  }

  return {
    incident: { id: incidentId, agencyId: options.facts.agencyId, officerId, startedAt, endedAt, endReason },
    sessions: sessions.map(({ key: _key, ...session }) => session),
    refused,
    generatedAt: (options.now ?? new Date()).toISOString(),
  };
}

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
      'joined_at',
      'left_at',
      'ended_by',
      'end_reason',
      'permissions',
      'grant_id',
      'granted_by',
      'granted_by_role',
      'granted_by_agency',
      'granted_at',
      'grant_expires_at',
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
      s.joinedAt,
      s.leftAt,
      s.endedBy,
      s.endReason,
      s.permissions.join(' '),
      s.grantId,
      s.grantedBy?.id,
      s.grantedBy?.role,
      s.grantedBy?.agencyId,
      s.grantedAt,
      s.grantExpiresAt,
      Math.round(s.talk.reduce((total, t) => total + seconds(t.from, t.to, now), 0)),
      s.source.ip,
      s.source.userAgent,
      s.source.node,
    ]),
  );
}
