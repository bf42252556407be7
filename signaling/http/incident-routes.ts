// Supervisors: the live incidents they may see, the clinicians they may grant, and grants.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { agencyAccess, canMarkShared, canSeeIncident } from '../access/policy.ts';
import { consoleView } from '../console/views.ts';
import { SightlineError } from '../errors.ts';
import { publicUser } from '../identity/directory.ts';
import { grantBody, incidentPatchBody, type ClinicianSummary, type GrantResponse, type IncidentSummary, type MediaCapabilitiesResponse } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { actorOf, forbid, parseWith, requestSource, requireUser } from './request-auth.ts';

const incidentParams = z.object({ incidentId: z.string().min(1).max(128) });
const clinicianQuery = z.object({ incidentId: z.string().min(1).max(128).optional() });

export const incidentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/api/media/capabilities', async (): Promise<MediaCapabilitiesResponse> => ({ routerRtpCapabilities: services.media.rtpCapabilities }));

  app.get('/api/incidents', async (request): Promise<IncidentSummary[]> => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const [incidents, agreements] = await Promise.all([services.incidents.list(), services.agreements.active()]);
    return consoleView(services, supervisor, incidents, agreements);
  });

  /** Marking an incident for sharing makes it visible under "marked incidents only" agreements. */
  app.patch('/api/incidents/:incidentId', async (request) => {
    const actor = await requireUser(services, request);
    const { incidentId } = parseWith(incidentParams, request.params);
    const { shared } = parseWith(incidentPatchBody, request.body);
    const incident = await services.incidents.get(incidentId);
    const decision = canMarkShared(actorOf(actor), incident);
    const event = { action: shared ? 'incident.share' : 'incident.unshare', actor: actorOf(actor), target: { incidentId }, source: requestSource(services, request) };
    if (!decision.allowed) {
      await services.audit.note({ ...event, outcome: 'denied', reason: decision.code });
      throw new SightlineError(decision.code);
    }
    await services.audit.allow(event);
    await services.incidents.update(incidentId, () => ({ shared }));
    await services.bus.publish({ type: 'incidents.changed', incidentId });
    // Withdrawing the mark may take the incident away from partner agencies: their clinicians'
    // grants end here, and every node cuts the partner supervisors watching it.
    if (!shared) {
      await services.grantService.endUncovered(event.source);
      await services.bus.publish({ type: 'access.narrowed', reason: 'incident.unshared', incidentId });
    }
    return { incidentId, shared };
  });

  /** Clinicians a supervisor may grant; with `incidentId`, only those whose agency may see that incident. */
  app.get('/api/clinicians', async (request): Promise<ClinicianSummary[]> => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const { incidentId } = parseWith(clinicianQuery, request.query);
    const clinicians = await services.directory.users({ role: 'clinician' });
    const agreements = await services.agreements.active();
    const incident = incidentId ? await services.incidents.get(incidentId) : undefined;
    if (incident && !canSeeIncident(actorOf(supervisor), incident, agreements).allowed) return forbid(services, request, supervisor, { incidentId });
    return clinicians
      .filter((c) => !incident || agencyAccess(incident, c.agencyId, agreements).allowed)
      .filter((c) => !incident || incident.agencyId === supervisor.agencyId || c.agencyId === supervisor.agencyId)
      .map((c) => ({ ...publicUser(c), onCall: c.onCall }));
  });

  app.post('/api/incidents/:incidentId/grants', async (request, reply): Promise<GrantResponse> => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const { incidentId } = parseWith(incidentParams, request.params);
    const body = parseWith(grantBody, request.body);
    const granted = await services.grantService.create(supervisor, { incidentId, ...body }, requestSource(services, request));
    reply.code(201);
    return granted;
  });

  app.get('/api/incidents/:incidentId/grants', async (request) => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const { incidentId } = parseWith(incidentParams, request.params);
    const incident = await services.incidents.get(incidentId);
    if (!canSeeIncident(actorOf(supervisor), incident, await services.agreements.active()).allowed) return forbid(services, request, supervisor, { incidentId });
    return Promise.all((await services.grants.list({ incidentId })).map((g) => services.grantService.info(g, incident)));
  });
};
