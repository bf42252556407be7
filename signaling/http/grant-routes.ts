// Grant lifecycle after creation: extend and revoke (supervisors), the clinician's inbox and
// fresh links, and accepting an officer's "watch me".
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { canAcceptHelp } from '../access/policy.ts';
import { inboxView } from '../console/views.ts';
import { SightlineError } from '../errors.ts';
import { grantStatus } from '../grants/grant-repository.ts';
import { extendBody, type GrantResponse, type InboxEntry } from '../protocol/http.ts';
import type { GrantInfo } from '../protocol/messages.ts';
import type { Services } from '../services.ts';
import { actorOf, parseWith, requestSource, requireUser } from './request-auth.ts';

const grantParams = z.object({ grantId: z.string().min(1).max(128) });
const incidentParams = z.object({ incidentId: z.string().min(1).max(128) });
/** Accepting a "watch me" gives view and talk for this long. */
const HELP_ACCEPT_SECONDS = 30 * 60;

export const grantRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const info = async (grantId: string): Promise<GrantInfo> => {
    const grant = await services.grants.get(grantId);
    return services.grantService.info(grant, await services.incidents.find(grant.incidentId));
  };

  app.post('/api/grants/:grantId/extend', async (request) => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const { grantId } = parseWith(grantParams, request.params);
    const { ttlSeconds } = parseWith(extendBody, request.body);
    await services.grantService.extend(supervisor, grantId, ttlSeconds, requestSource(services, request));
    return info(grantId);
  });

  app.post('/api/grants/:grantId/revoke', async (request) => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const { grantId } = parseWith(grantParams, request.params);
    await services.grantService.revoke(supervisor, grantId, requestSource(services, request));
    return info(grantId);
  });

  app.get('/api/inbox', async (request): Promise<InboxEntry[]> => {
    const clinician = await requireUser(services, request, 'clinician');
    return inboxView(services, clinician, await services.incidents.list());
  });

  /** The clinician of an active grant gets a fresh link for the time left (after an extension, say). */
  app.post('/api/grants/:grantId/link', { config: { rateLimit: { max: services.config.AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } } }, async (request): Promise<GrantResponse> => {
    const clinician = await requireUser(services, request, 'clinician');
    const { grantId } = parseWith(grantParams, request.params);
    const grant = await services.grants.find(grantId);
    const event = { action: 'grant.link', actor: actorOf(clinician), target: { grantId, incidentId: grant?.incidentId }, source: requestSource(services, request) };
    const code = !grant || grant.clinicianId !== clinician.id ? 'GRANT_NOT_FOUND' : grantStatus(grant, Date.now()) !== 'active' ? 'GRANT_NOT_ACTIVE' : null;
    if (code) {
      await services.audit.note({ ...event, outcome: 'denied', reason: code });
      throw new SightlineError(code);
    }
    await services.audit.allow(event);
    return services.grantService.link(grant!);
  });

  /** An on-call clinician answers an officer's "watch me": a view-and-talk grant, in one step. */
  app.post('/api/incidents/:incidentId/help/accept', async (request, reply): Promise<GrantResponse> => {
    const clinician = await requireUser(services, request, 'clinician');
    const { incidentId } = parseWith(incidentParams, request.params);
    const source = requestSource(services, request);
    const incident = await services.incidents.find(incidentId);
    const decision = incident ? canAcceptHelp(actorOf(clinician), incident, await services.agreements.active()) : ({ allowed: false, code: 'INCIDENT_NOT_FOUND' } as const);
    if (!decision.allowed) {
      await services.audit.note({ action: 'help.accept', outcome: 'denied', actor: actorOf(clinician), target: { incidentId }, source, reason: decision.code });
      throw new SightlineError(decision.code);
    }
    const granted = await services.grantService.create(
      clinician,
      { incidentId, clinicianId: clinician.id, permissions: ['view', 'talk'], ttlSeconds: Math.min(HELP_ACCEPT_SECONDS, services.config.GRANT_MAX_TTL_SECONDS) },
      source,
      'help-request',
    );
    reply.code(201);
    return granted;
  });
};
