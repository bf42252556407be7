// Grant lifecycle after creation: extend and revoke (supervisors), the clinician's inbox and
// fresh links, and accepting an officer's "watch me".
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canAcceptHelp } from '../access/policy.ts';
import { inboxView } from '../feeds/views.ts';
import { type GrantRepository, grantStatus } from '../grants/grant-repository.ts';
import { extendBody, grantParams, grantResponse, incidentParams, type GrantResponse, type InboxEntry } from '../protocol/http.ts';
import type { GrantInfo } from '../protocol/messages.ts';
import { grantInfo, inboxEntry } from '../protocol/views.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, requestSource, signedIn, userOf } from './request-auth.ts';
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Config } from '../config.ts';
import type { GrantService } from '../grants/grant-service.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface GrantRoutesDeps extends RequestAuthDeps {
  agreements: AgreementRepository;
  audit: Auditor;
  config: Config;
  grantService: GrantService;
  grants: GrantRepository;
  incidents: IncidentRepository;
}

/** Accepting a "watch me" gives view and talk for this long. */
const HELP_ACCEPT_SECONDS = 30 * 60;

export const grantRoutes: FastifyPluginAsyncZod<{ deps: GrantRoutesDeps }> = async (app, { deps }) => {
  const info = async (grantId: string): Promise<GrantInfo> => {
    const grant = await deps.grants.get(grantId);
    return deps.grantService.info(grant, await deps.incidents.find(grant.incidentId));
  };
  const supervisor = { preValidation: signedIn(deps, 'supervisor') };
  const clinician = { preValidation: signedIn(deps, 'clinician') };
  const schema = { tags: ['grants'], security: SESSION };

  app.post(
    '/api/grants/:grantId/extend',
    { ...supervisor, schema: { ...schema, summary: 'Extend a grant: a new duration from now', params: grantParams, body: extendBody, response: { 200: grantInfo, ...refusals } } },
    async (request) => {
      const { grantId } = request.params;
      await deps.grantService.extend(userOf(request), grantId, request.body.ttlSeconds, requestSource(deps, request));
      return info(grantId);
    },
  );

  app.post(
    '/api/grants/:grantId/revoke',
    { ...supervisor, schema: { ...schema, summary: "Revoke a grant: the clinician's media is cut at once", params: grantParams, response: { 200: grantInfo, ...refusals } } },
    async (request) => {
      const { grantId } = request.params;
      await deps.grantService.revoke(userOf(request), grantId, requestSource(deps, request));
      return info(grantId);
    },
  );

  app.get(
    '/api/inbox',
    { ...clinician, schema: { ...schema, summary: "A clinician's grants", response: { 200: z.array(inboxEntry), ...refusals } } },
    async (request): Promise<InboxEntry[]> => inboxView(deps, userOf(request), await deps.incidents.list()),
  );

  /** The clinician of an active grant gets a fresh link for the time left (after an extension, say). */
  app.post(
    '/api/grants/:grantId/link',
    {
      config: { rateLimit: { max: deps.config.AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } },
      ...clinician,
      schema: { ...schema, summary: 'A fresh viewing token and link for the time left on an active grant', params: grantParams, response: { 200: grantResponse, ...refusals } },
    },
    async (request): Promise<GrantResponse> => {
      const clinician = userOf(request);
      const { grantId } = request.params;
      const grant = await deps.grants.find(grantId);
      const event = { action: 'grant.link' as const, actor: actorOf(clinician), target: { grantId, incidentId: grant?.incidentId }, source: requestSource(deps, request) };
      const code = !grant || grant.clinicianId !== clinician.id ? 'GRANT_NOT_FOUND' : grantStatus(grant, Date.now()) !== 'active' ? 'GRANT_NOT_ACTIVE' : null;
      if (code) await deps.audit.refuse(event, code);
      await deps.audit.allow(event);
      return deps.grantService.link(grant!);
    },
  );

  /** An on-call clinician answers an officer's "watch me": a view-and-talk grant, in one step. */
  app.post(
    '/api/incidents/:incidentId/help/accept',
    { ...clinician, schema: { ...schema, summary: 'An on-call clinician accepts a "watch me": view and talk, in one step', params: incidentParams, response: { 201: grantResponse, ...refusals } } },
    async (request, reply): Promise<GrantResponse> => {
      const clinician = userOf(request);
      const { incidentId } = request.params;
      const source = requestSource(deps, request);
      const incident = await deps.incidents.find(incidentId);
      const decision = incident ? canAcceptHelp(actorOf(clinician), incident, await deps.agreements.active()) : ({ allowed: false, code: 'INCIDENT_NOT_FOUND' } as const);
      await deps.audit.enforce(decision, { action: 'help.accept', actor: actorOf(clinician), target: { incidentId }, source });
      const granted = await deps.grantService.create(
        clinician,
        { incidentId, clinicianId: clinician.id, permissions: ['view', 'talk'], ttlSeconds: Math.min(HELP_ACCEPT_SECONDS, deps.config.GRANT_MAX_TTL_SECONDS) },
        source,
        'help-request',
      );
      reply.code(201);
      return granted;
    },
  );
};
