// Supervisors: the live incidents they may see, the clinicians they may grant, and grants.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agencyAccess, canMarkShared, canSeeIncident } from '../access/policy.ts';
import { consoleView } from '../feeds/views.ts';
import { type Directory, publicUser } from '../identity/directory.ts';
import {
  clinicianQuery,
  clinicianSummary,
  grantBody,
  grantResponse,
  incidentParams,
  incidentPatchBody,
  incidentPatchResponse,
  mediaCapabilitiesResponse,
  type ClinicianSummary,
  type GrantResponse,
  type IncidentSummary,
  type MediaCapabilitiesResponse,
} from '../protocol/http.ts';
import { grantInfo, incidentSummary } from '../protocol/views.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, forbid, requestSource, signedIn, userOf } from './request-auth.ts';
import type { MediaPlane } from '../../server/media-plane.ts';
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { GrantRepository } from '../grants/grant-repository.ts';
import type { GrantService } from '../grants/grant-service.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { Bus } from '../state/bus.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface IncidentRoutesDeps extends RequestAuthDeps {
  agreements: AgreementRepository;
  audit: Auditor;
  bus: Bus;
  directory: Directory;
  grantService: GrantService;
  grants: GrantRepository;
  incidents: IncidentRepository;
  media: MediaPlane;
}

export const incidentRoutes: FastifyPluginAsyncZod<{ deps: IncidentRoutesDeps }> = async (app, { deps }) => {
  const supervisor = { preValidation: signedIn(deps, 'supervisor') };
  const schema = { tags: ['incidents'], security: SESSION };

  app.get(
    '/api/media/capabilities',
    { schema: { tags: ['media'], summary: "What every incident's router offers (no sign-in needed)", response: { 200: mediaCapabilitiesResponse } } },
    async (): Promise<MediaCapabilitiesResponse> => ({ routerRtpCapabilities: deps.media.rtpCapabilities }),
  );

  app.get(
    '/api/incidents',
    { ...supervisor, schema: { ...schema, summary: 'The live incidents a supervisor may see', response: { 200: z.array(incidentSummary), ...refusals } } },
    async (request): Promise<IncidentSummary[]> => {
      const [incidents, agreements] = await Promise.all([deps.incidents.list(), deps.agreements.active()]);
      return consoleView(deps, userOf(request), incidents, agreements);
    },
  );

  /** Marking an incident for sharing makes it visible under "marked incidents only" agreements. */
  app.patch(
    '/api/incidents/:incidentId',
    {
      preValidation: signedIn(deps),
      schema: {
        ...schema,
        summary: 'Mark an incident for sharing, or withdraw the mark (its supervisor or officer)',
        params: incidentParams,
        body: incidentPatchBody,
        response: { 200: incidentPatchResponse, ...refusals },
      },
    },
    async (request) => {
      const actor = userOf(request);
      const { incidentId } = request.params;
      const { shared } = request.body;
      const incident = await deps.incidents.get(incidentId);
      const event = { action: shared ? ('incident.share' as const) : ('incident.unshare' as const), actor: actorOf(actor), target: { incidentId }, source: requestSource(deps, request) };
      await deps.audit.enforce(canMarkShared(actorOf(actor), incident), event);
      await deps.audit.allow(event);
      await deps.incidents.update(incidentId, () => ({ shared }));
      await deps.bus.publish({ type: 'incidents.changed', incidentId });
      // Withdrawing the mark may take the incident away from partner agencies: their clinicians'
      // grants end here, and every node cuts the partner supervisors watching it.
      if (!shared) {
        await deps.grantService.endUncovered({ actor: event.actor, source: event.source, cause: 'incident.unshare' });
        await deps.bus.publish({ type: 'access.narrowed', reason: 'incident.unshared', incidentId });
      }
      return { incidentId, shared };
    },
  );

  /** Clinicians a supervisor may grant; with `incidentId`, only those whose agency may see that incident. */
  app.get(
    '/api/clinicians',
    {
      ...supervisor,
      schema: { ...schema, tags: ['grants'], summary: 'Clinicians a supervisor may grant (that incident, with incidentId)', querystring: clinicianQuery, response: { 200: z.array(clinicianSummary), ...refusals } },
    },
    async (request): Promise<ClinicianSummary[]> => {
      const supervisor = userOf(request);
      const { incidentId } = request.query;
      const clinicians = await deps.directory.users({ role: 'clinician' });
      const agreements = await deps.agreements.active();
      const incident = incidentId ? await deps.incidents.get(incidentId) : undefined;
      if (incident && !canSeeIncident(actorOf(supervisor), incident, agreements).allowed) return forbid(deps, request, supervisor, { incidentId });
      return clinicians
        .filter((c) => !incident || agencyAccess(incident, c.agencyId, agreements).allowed)
        .filter((c) => !incident || incident.agencyId === supervisor.agencyId || c.agencyId === supervisor.agencyId)
        .map((c) => ({ ...publicUser(c), onCall: c.onCall }));
    },
  );

  app.post(
    '/api/incidents/:incidentId/grants',
    {
      ...supervisor,
      schema: { ...schema, summary: 'Grant a clinician view and/or talk on an incident', params: incidentParams, body: grantBody, response: { 201: grantResponse, ...refusals } },
    },
    async (request, reply): Promise<GrantResponse> => {
      const granted = await deps.grantService.create(userOf(request), { incidentId: request.params.incidentId, ...request.body }, requestSource(deps, request));
      reply.code(201);
      return granted;
    },
  );

  app.get(
    '/api/incidents/:incidentId/grants',
    { ...supervisor, schema: { ...schema, summary: 'The grants on an incident', params: incidentParams, response: { 200: z.array(grantInfo), ...refusals } } },
    async (request) => {
      const supervisor = userOf(request);
      const { incidentId } = request.params;
      const incident = await deps.incidents.get(incidentId);
      if (!canSeeIncident(actorOf(supervisor), incident, await deps.agreements.active()).allowed) return forbid(deps, request, supervisor, { incidentId });
      return Promise.all((await deps.grants.list({ incidentId })).map((g) => deps.grantService.info(g, incident)));
    },
  );
};
