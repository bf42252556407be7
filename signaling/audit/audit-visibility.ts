// Who may see which audit entries. One small pure rule, so that agency sharing agreements can
// widen it later in one place.
import type { AuditEntry } from './audit-entry.ts';

export interface AuditViewer {
  agencyId: string;
}

/**
 * The agencies whose entries `viewer` may see: today only their own. (Sharing agreements will
 * add the agencies that share their audit with the viewer's agency here.)
 */
export function agenciesVisibleTo(viewer: AuditViewer, sharedWithViewer: readonly string[] = []): ReadonlySet<string> {
  return new Set([viewer.agencyId, ...sharedWithViewer]);
}

/**
 * An entry is visible when the agency of its actor or of its target (the incident's agency) is
 * visible. Entries with neither (a refused anonymous request, a purge summary) are for operators
 * (`npm run audit:verify`, the raw store), not for agency supervisors.
 */
export function canSeeAuditEntry(entry: Pick<AuditEntry, 'actor' | 'target'>, agencies: ReadonlySet<string>): boolean {
  const actorAgency = entry.actor?.agencyId;
  const targetAgency = entry.target?.agencyId;
  return (typeof actorAgency === 'string' && agencies.has(actorAgency)) || (typeof targetAgency === 'string' && agencies.has(targetAgency));
}
