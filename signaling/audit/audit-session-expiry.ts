// A session that times out is audited: whose, why (idle or past its lifetime) and when it was last
// used. Sign-outs and locks are audited where they happen.
import type { Directory } from '../identity/directory.ts';
import type { Session, SessionExpiry } from '../identity/sessions.ts';
import type { AuditSource } from './audit-entry.ts';
import type { Auditor } from './auditor.ts';

export function auditSessionExpiry(directory: Directory, audit: Auditor, system: AuditSource): (session: Session, cause: SessionExpiry) => void {
  return (session, cause) =>
    void directory.userById(session.userId).then((user) =>
      audit.note({
        action: 'session.expire',
        outcome: 'info',
        actor: user ? { id: user.id, role: user.role, agencyId: user.agencyId } : null,
        target: { userId: session.userId },
        source: system,
        reason: cause === 'idle' ? 'SESSION_IDLE_TIMEOUT' : 'SESSION_MAX_LIFETIME',
        detail: { lastSeenAt: new Date(session.lastSeenAt).toISOString() },
      }),
    );
}
