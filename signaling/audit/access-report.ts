// "Everyone who saw or heard incident X, with start, end and authority", derived from the audit
// entries about the incident, the same entries every other report reads:
//   incident.start / incident.end   the officer, and the end of everyone's access
//   grant.create / grant.extend     who granted what, until when (an extended or shortened end replaces the first)
//   join                            a clinician came in (the browser, or a WHEP player: detail.via)
//   watch                           a supervisor watched (their agency's incident, or under a sharing agreement)
//   talk.start / talk.stop          push-to-talk
//   resume                          the same seat on a new connection
//   leave / grant.expire / grant.revoke / seat.takeover / access.withdrawn   the end of one access
//   recording.play / recording.export   someone saw or heard it afterwards, from its recording
// Entries of one signalling connection share `source.connection`; entries written before that
// field existed are matched by user and grant instead. Pure.
import type { AccessReport, AccessSession, AuditActorView } from '../protocol/audit.ts';
import type { AuditEntry } from './audit-entry.ts';

export interface IncidentFacts {
  agencyId: string;
  officerId?: string | null;
  startedAt?: number | null;
  endedAt?: number | null;
  endReason?: string | null;
}

type NameOf = (userId: string) => string | undefined;
type Session = AccessSession & { key: string | null };

const iso = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
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
  changes: number;
}

/** Builds the report; `entries` may hold other incidents' entries too, and come in any order. */
export function buildAccessReport(incidentId: string, entries: readonly AuditEntry[], options: { facts: IncidentFacts; nameOf?: NameOf; now?: Date }): AccessReport {
  const nameOf: NameOf = options.nameOf ?? (() => undefined);
  const actorView = (entry: AuditEntry): AuditActorView | null =>
    entry.actor ? { id: entry.actor.id, name: nameOf(entry.actor.id) ?? null, role: entry.actor.role, agencyId: entry.actor.agencyId } : null;
  const mine = entries.filter((e) => e.target.incidentId === incidentId).sort((a, b) => a.seq - b.seq);
  const grants = new Map<string, Grant>();
  const sessions: Session[] = [];
  const refused: AccessReport['refused'] = [];
  let startedAt = iso(options.facts.startedAt);
  let endedAt = iso(options.facts.endedAt);
  let endReason = options.facts.endReason ?? null;
  let officerId = options.facts.officerId ?? null;

  const open = () => sessions.filter((s) => s.leftAt === null);
  const viewers = () => open().filter((s) => s.authority !== 'incident-officer');
  const close = (session: AccessSession, entry: AuditEntry, by: AuditActorView | null = null) => {
    session.leftAt = entry.at;
    session.endedBy = entry.action;
    session.endedByActor = by && by.id !== session.userId ? by : null;
    session.endReason = entry.reason ?? null;
    for (const interval of session.talk) interval.to ??= entry.at;
  };
  /** The open viewer session an entry belongs to: same connection, else same user and grant. */
  const sessionOf = (entry: AuditEntry) => {
    const candidates = viewers();
    if (entry.source.connection) {
      const byConnection = candidates.find((s) => s.key === entry.source.connection);
      if (byConnection) return byConnection;
    }
    return candidates.find((s) => s.key === null && s.userId === entry.actor?.id && s.grantId === (entry.target.grantId ?? null));
  };
  const arrive = (entry: AuditEntry, how: Pick<AccessSession, 'authority' | 'permissions' | 'via' | 'agreementId' | 'grantId'>) => {
    const actor = entry.actor!;
    const grant = how.grantId ? grants.get(how.grantId) : undefined;
    sessions.push({
      key: entry.source.connection ?? null,
      userId: actor.id,
      name: nameOf(actor.id) ?? null,
      role: actor.role,
      agencyId: actor.agencyId,
      ...how,
      joinedAt: entry.at,
      leftAt: null,
      endedBy: null,
      endedByActor: null,
      endReason: null,
      grantedBy: grant?.by ?? null,
      grantedAt: grant?.at ?? null,
      grantExpiresAt: grant?.expiresAt ?? iso(detailNumber(entry, 'expiresAt')),
      grantChanges: grant?.changes ?? 0,
      talk: [],
      source: sourceView(entry),
    });
  };

  for (const entry of mine) {
    const allowed = entry.outcome !== 'denied';
    switch (entry.action) {
      case 'incident.start':
        if (entry.outcome !== 'allowed' || !entry.actor) break;
        startedAt ??= entry.at;
        officerId ??= entry.actor.id;
        arrive(entry, { authority: 'incident-officer', permissions: ['camera', 'hear-talkback'], via: 'console', agreementId: null, grantId: null });
        break;
      case 'grant.create':
        if (entry.outcome === 'allowed' && entry.target.grantId) {
          grants.set(entry.target.grantId, { at: entry.at, by: actorView(entry), expiresAt: iso(detailNumber(entry, 'expiresAt')), changes: 0 });
        }
        break;
      case 'grant.extend': {
        const grantId = entry.target.grantId;
        const expiresAt = iso(detailNumber(entry, 'expiresAt'));
        if (entry.outcome !== 'allowed' || !grantId || !expiresAt) break;
        const grant = grants.get(grantId);
        if (grant) Object.assign(grant, { expiresAt, changes: grant.changes + 1 });
        for (const session of sessions) {
          if (session.grantId !== grantId) continue;
          session.grantExpiresAt = expiresAt;
          session.grantChanges += 1;
        }
        break;
      }
      case 'join':
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
        arrive(entry, {
          authority: 'grant',
          permissions: (detailString(entry, 'permissions') ?? '').split(',').filter(Boolean),
          via: detailString(entry, 'via') === 'whep' ? 'whep' : 'console',
          agreementId: detailString(entry, 'agreementId'),
          grantId: entry.target.grantId ?? null,
        });
        break;
      case 'watch': {
        if (entry.outcome !== 'allowed' || !entry.actor) break;
        const agreementId = detailString(entry, 'agreementId');
        arrive(entry, { authority: agreementId ? 'sharing-agreement' : 'agency', permissions: ['view'], via: 'console', agreementId, grantId: null });
        break;
      }
      case 'recording.play':
      case 'recording.export': {
        if (entry.outcome !== 'allowed' || !entry.actor) break;
        const agreementId = detailString(entry, 'agreementId');
        arrive(entry, { authority: 'recording', permissions: ['view', 'hear'], via: entry.action === 'recording.play' ? 'recording-play' : 'recording-export', agreementId, grantId: null });
        const session = sessions.at(-1)!;
        session.leftAt = entry.at; // one access at one moment: the recording was handed over
        session.endedBy = entry.action;
        break;
      }
      case 'resume': {
        const previous = detailString(entry, 'previousConnection');
        const session = entry.outcome === 'allowed' && previous ? viewers().find((s) => s.key === previous) : undefined;
        if (session) session.key = entry.source.connection ?? null;
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
        if (session) close(session, entry, entry.action === 'leave' ? null : actorView(entry));
        break;
      }
      case 'seat.takeover': {
        // The grant's one seat moved to this connection: the seat it had before ends here.
        const grantId = entry.target.grantId;
        const holders = viewers().filter((s) => s.grantId === grantId);
        for (const session of holders.slice(0, -1)) close(session, entry);
        break;
      }
      case 'access.withdrawn':
        if (!entry.actor) break;
        for (const session of viewers()) {
          if (session.userId === entry.actor.id && session.grantId === (entry.target.grantId ?? null)) close(session, entry);
        }
        break;
      case 'grant.revoke':
        // Revoking a grant (a supervisor, or withdrawn sharing) cuts whoever watches with it.
        if (!allowed || !entry.target.grantId) break;
        for (const session of viewers()) if (session.grantId === entry.target.grantId) close(session, entry, actorView(entry));
        break;
      case 'incident.end':
        endedAt ??= entry.at;
        endReason ??= entry.reason ?? null;
        for (const session of open()) close(session, entry, actorView(entry));
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
