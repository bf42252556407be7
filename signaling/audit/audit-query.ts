// Filtering and paging audit entries for the supervisors' audit API. Pure, apart from reading
// the entries it is handed.
import type { AuditQuery } from '../protocol/audit.ts';
import type { AuditEntry } from './audit-entry.ts';
import { isPurgeSummary } from './audit-signatures.ts';

export type AuditFilter = Partial<Pick<AuditQuery, 'incidentId' | 'userId' | 'agencyId' | 'action' | 'outcome' | 'from' | 'to'>>;

export function matchesAuditFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  if (isPurgeSummary(entry)) return false;
  if (filter.incidentId && entry.target.incidentId !== filter.incidentId) return false;
  if (filter.userId && entry.actor?.id !== filter.userId && entry.target.userId !== filter.userId) return false;
  if (filter.agencyId && entry.actor?.agencyId !== filter.agencyId && entry.target.agencyId !== filter.agencyId) return false;
  if (filter.action && entry.action !== filter.action) return false;
  if (filter.outcome && entry.outcome !== filter.outcome) return false;
  const at = Date.parse(entry.at);
  if (filter.from && at < Date.parse(filter.from)) return false;
  if (filter.to && at > Date.parse(filter.to)) return false;
  return true;
}

/** Up to `limit` entries that pass `keep`, and the cursor of the next page (null when none is left). */
export async function takePage(
  entries: AsyncIterable<AuditEntry>,
  keep: (entry: AuditEntry) => boolean,
  limit: number,
): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
  const page: AuditEntry[] = [];
  for await (const entry of entries) {
    if (!keep(entry)) continue;
    if (page.length === limit) return { entries: page, nextCursor: page.at(-1)!.seq };
    page.push(entry);
  }
  return { entries: page, nextCursor: null };
}
