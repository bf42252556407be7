// Grant lifecycle after creation: extend and revoke (supervisors), the clinician's inbox and
// fresh links, and accepting an officer's "watch me".
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canAcceptHelp } from '../access/policy.ts';
import { inboxView } from '../feeds/views.ts';
import { SightlineError } from '../errors.ts';
import { grantStatus } from '../grants/grant-repository.ts';
import { extendBody, grantParams, grantResponse, incidentParams, type GrantResponse, type InboxEntry } from '../protocol/http.ts';
import type { GrantInfo } from '../protocol/messages.ts';
import { grantInfo, inboxEntry } from '../protocol/views.ts';
import type { Services } from '../services.ts';
import { refusals, SESSION } from './openapi.ts';
import { actorOf, requestSource, signedIn, userOf } from './request-auth.ts';

/** Accepting a "watch me" gives view and talk for this long. */
const HELP_ACCEPT_SECONDS = 30 * 60;

export const grantRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const info = async (grantId: string): Promise<GrantInfo> => {
    const grant = await services.grants.get(grantId);
    return services.grantService.info(grant, await services.incidents.find(grant.incidentId));
  };
  const supervisor = { preValidation: signedIn(services, 'supervisor') };
  const clinician = { preValidation: signedIn(services, 'clinician') };
  const schema = { tags: ['grants'], security: SESSION };

  app.post(
    '/api/grants/:grantId/extend',
    { ...supervisor, schema: { ...schema, summary: 'Extend a grant: a new duration from now', params: grantParams, body: extendBody, response: { 200: grantInfo, ...refusals } } },
    async (request) => {
      const { grantId } = request.params;
      await services.grantService.extend(userOf(request), grantId, request.body.ttlSeconds, requestSource(services, request));
      return info(grantId);
    },
  );

  app.post(
    '/api/grants/:grantId/revoke',
    { ...supervisor, schema: { ...schema, summary: "Revoke a grant: the clinician's media is cut at once", params: grantParams, response: { 200: grantInfo, ...refusals } } },
    async (request) => {
      const { grantId } = request.params;
      await services.grantService.revoke(userOf(request), grantId, requestSource(services, request));
      return info(grantId);
    },
  );

  app.get(
    '/api/inbox',
    { ...clinician, schema: { ...schema, summary: "A clinician's grants", response: { 200: z.array(inboxEntry), ...refusals } } },
    async (request): Promise<InboxEntry[]> => inboxView(services, userOf(request), await services.incidents.list()),
  );

  /** The clinician of an active grant gets a fresh link for the time left (after an extension, say). */
  app.post(
    '/api/grants/:grantId/link',
    {
      config: { rateLimit: { max: services.config.AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } },
      ...clinician,
      schema: { ...schema, summary: 'A fresh viewing token and link for the time left on an active grant', params: grantParams, response: { 200: grantResponse, ...refusals } },
    },
    async (request): Promise<GrantResponse> => {
      const clinician = userOf(request);
      const { grantId } = request.params;
      const grant = await services.grants.find(grantId);
      const event = { action: 'grant.link' as const, actor: actorOf(clinician), target: { grantId, incidentId: grant?.incidentId }, source: requestSource(services, request) };
      const code = !grant || grant.clinicianId !== clinician.id ? 'GRANT_NOT_FOUND' : grantStatus(grant, Date.now()) !== 'active' ? 'GRANT_NOT_ACTIVE' : null;
      if (code) {
        await services.audit.note({ ...event, outcome: 'denied', reason: code });
        throw new SightlineError(code);
      }
      await services.audit.allow(event);
      return services.grantService.link(grant!);
    },
  );

  /** An on-call clinician answers an officer's "watch me": a view-and-talk grant, in one step. */
  app.post(
    '/api/incidents/:incidentId/help/accept',
    { ...clinician, schema: { ...schema, summary: 'An on-call clinician accepts a "watch me": view and talk, in one step', params: incidentParams, response: { 201: grantResponse, ...refusals } } },
    async (request, reply): Promise<GrantResponse> => {
      const clinician = userOf(request);
      const { incidentId } = request.params;
      const source = requestSource(services, request);
      const incident = await services.incidents.find(incidentId);
      const decision = incident ? canAcceptHelp(actorOf(clinician), incident, await services.agreements.active()) : ({ allowed: false, code: 'INCIDENT_NOT_FOUND' } as const);
      await services.audit.enforce(decision, { action: 'help.accept', actor: actorOf(clinician), target: { incidentId }, source });
      const granted = await services.grantService.create(
        clinician,
        { incidentId, clinicianId: clinician.id, permissions: ['view', 'talk'], ttlSeconds: Math.min(HELP_ACCEPT_SECONDS, services.config.GRANT_MAX_TTL_SECONDS) },
        source,
        'help-request',
      );
      reply.code(201);
      return granted;
    },
  );
};
