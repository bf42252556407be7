// Supervisors read the audit trail of their agency: entries with filters and paging, the access
// report of one incident, and CSV/JSON exports of both. Reading the audit is itself audited
// (fail closed: no entry, no report).
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { buildAccessReport } from '../audit/access-report.ts';
import { accessReportCsv } from '../audit/access-report-csv.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { auditEntriesCsv } from '../audit/audit-csv.ts';
import { matchesAuditFilter, takePage } from '../audit/audit-query.ts';
import { agenciesVisibleTo, canSeeAuditEntry } from '../audit/audit-visibility.ts';
import {
  AUDIT_EXPORT_MAX,
  accessReport,
  accessReportQuery,
  auditPage,
  auditQuery,
  type AccessReport,
  type AuditPage,
  type ExportFormat,
} from '../protocol/audit.ts';
import { incidentParams } from '../protocol/http.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, requestSource, signedIn, userOf } from './request-auth.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Directory } from '../identity/directory.ts';
import type { IncidentHistory } from '../incident-records/incident-history.ts';
import type { LiveIncidents } from '../live/live-incidents.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface AuditRoutesDeps extends RequestAuthDeps {
  audit: Auditor;
  directory: Directory;
  incidentHistory: IncidentHistory;
  live: LiveIncidents;
}

const DEFAULT_PAGE = 100;

/** The names of the people entries are by or about, by user id (people read names; exports keep ids). */
async function peopleIn(deps: AuditRoutesDeps, entries: readonly AuditEntry[]): Promise<Map<string, string>> {
  const ids = new Set(entries.flatMap((e) => [e.actor?.id, e.target.userId]).filter((id): id is string => Boolean(id)));
  const names = new Map<string, string>();
  for (const id of ids) {
    const user = await deps.directory.userById(id);
    if (user) names.set(id, user.name);
  }
  return names;
}

/** A page (JSON), or with ?format= a download: CSV, or JSON with the filter and who exported it. */
const pageOrDownload = (page: z.ZodType, what: string) => ({
  description: `${what}; with ?format=csv or ?format=json a download (Content-Disposition: attachment)`,
  content: { 'application/json': { schema: page }, 'text/csv': { schema: z.string() } },
});

function download(reply: FastifyReply, format: ExportFormat, name: string, body: unknown): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  reply.header('content-disposition', `attachment; filename="${name}-${stamp}.${format}"`);
  reply.header('cache-control', 'no-store');
  if (format === 'csv') {
    reply.type('text/csv; charset=utf-8');
    return body as string;
  }
  reply.type('application/json; charset=utf-8');
  return JSON.stringify(body, null, 2);
}

/** Only the filter values that were given, as audit entry detail. */
function filterDetail(values: Record<string, string | number | undefined>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
}

export const auditRoutes: FastifyPluginAsyncZod<{ deps: AuditRoutesDeps }> = async (app, { deps }) => {
  const supervisor = { preValidation: signedIn(deps, 'supervisor') };
  const schema = { tags: ['audit'], security: SESSION };

  app.get(
    '/api/audit',
    {
      ...supervisor,
      schema: {
        ...schema,
        summary: 'Audit entries your agency may see, newest first, with filters and paging',
        querystring: auditQuery,
        response: { 200: pageOrDownload(auditPage, 'a page of entries'), ...refusals },
      },
    },
    async (request, reply): Promise<AuditPage | string> => {
      const viewer = userOf(request);
      const query = request.query;
      const source = requestSource(deps, request);
      const agencies = agenciesVisibleTo(viewer);
      const action = query.format ? 'audit.export' : 'audit.view';
      const target = { incidentId: query.incidentId, userId: query.userId, agencyId: query.agencyId ?? viewer.agencyId };
      const detail = filterDetail({
        action: query.action,
        outcome: query.outcome,
        from: query.from,
        to: query.to,
        limit: query.limit,
        cursor: query.cursor,
        format: query.format,
      });
      if (query.agencyId && !agencies.has(query.agencyId)) {
        await deps.audit.refuse({ action, actor: actorOf(viewer), target, source, detail }, 'FORBIDDEN', 'you may only see the audit of your own agency');
      }
      await deps.audit.allow({ action, actor: actorOf(viewer), target, source, detail });

      const limit = query.limit ?? (query.format ? AUDIT_EXPORT_MAX : DEFAULT_PAGE);
      // The index narrows by agency, incident, user, time and cursor; the rest is filtered here.
      const page = await takePage(
        deps.audit.log.find({
          order: 'desc',
          beforeSeq: query.cursor,
          agencyIds: [...agencies].filter((agency) => !query.agencyId || agency === query.agencyId),
          incidentId: query.incidentId,
          userId: query.userId,
          from: query.from === undefined ? undefined : Date.parse(query.from),
          to: query.to === undefined ? undefined : Date.parse(query.to),
        }),
        (entry) => canSeeAuditEntry(entry, agencies) && matchesAuditFilter(entry, query),
        limit,
      );
      if (query.format === 'csv') return download(reply, 'csv', 'sightline-audit', auditEntriesCsv(page.entries));
      if (query.format === 'json') {
        return download(reply, 'json', 'sightline-audit', {
          exportedAt: new Date().toISOString(),
          exportedBy: actorOf(viewer),
          filter: filterDetail({ incidentId: query.incidentId, userId: query.userId, agencyId: query.agencyId, ...detail }),
          ...page,
        });
      }
      return { ...page, people: Object.fromEntries(await peopleIn(deps, page.entries)) };
    },
  );

  app.get(
    '/api/incidents/:incidentId/access-report',
    {
      ...supervisor,
      schema: {
        ...schema,
        summary: 'Everyone who saw or heard an incident, and the refused attempts',
        params: incidentParams,
        querystring: accessReportQuery,
        response: { 200: pageOrDownload(accessReport, 'the access report'), ...refusals },
      },
    },
    async (request, reply): Promise<AccessReport | string> => {
      const viewer = userOf(request);
      const { incidentId } = request.params;
      const { format } = request.query;
      const source = requestSource(deps, request);

      const entries: AuditEntry[] = [];
      for await (const entry of deps.audit.log.find({ incidentId, order: 'asc' })) if (entry.target.incidentId === incidentId) entries.push(entry);
      const stored = await deps.incidentHistory.get(incidentId);
      const agencyId =
        stored?.agencyId ??
        deps.live.get(incidentId)?.incident.agencyId ??
        entries.find((e) => e.action === 'incident.start' && e.target.agencyId)?.target.agencyId;

      const event = { action: 'audit.access-report' as const, actor: actorOf(viewer), target: { incidentId, agencyId }, source, detail: filterDetail({ format }) };
      if (!agencyId) return deps.audit.refuse(event, 'INCIDENT_NOT_FOUND', 'no incident with that id is on record');
      if (!agenciesVisibleTo(viewer).has(agencyId)) return deps.audit.refuse(event, 'FORBIDDEN', 'the incident belongs to another agency');
      await deps.audit.allow(event);

      const names = await peopleIn(deps, entries);
      const report = buildAccessReport(incidentId, entries, { facts: stored ?? { agencyId }, nameOf: (id) => names.get(id) });
      if (format === 'csv') return download(reply, 'csv', `access-report-${incidentId}`, accessReportCsv(report));
      if (format === 'json') return download(reply, 'json', `access-report-${incidentId}`, report);
      return report;
    },
  );
};

