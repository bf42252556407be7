// Supervisors: live incidents they may see, clinicians they may grant, and grants.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { canBeGranted, canSuperviseIncident } from '../access-policy.ts';
import { SightlineError } from '../errors.ts';
import { publicUser } from '../identity/directory.ts';
import type { LiveIncident } from '../live/live-incident.ts';
import { grantBody, type ClinicianSummary, type GrantResponse, type IncidentSummary } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { issueViewingToken } from '../tokens/viewing-token.ts';
import { actorOf, parseWith, requestSource, requireUser } from './request-auth.ts';

const incidentParams = z.object({ incidentId: z.string().min(1).max(128) });

function summarize(services: Services, live: LiveIncident): IncidentSummary {
  const { incident } = live;
  const officerUser = services.directory.userById(incident.officerId);
  return {
    id: incident.id,
    agencyId: incident.agencyId,
    officer: live.officer?.info ?? {
      peerId: '',
      userId: incident.officerId,
      name: officerUser?.name ?? incident.officerId,
      role: 'officer',
      agencyId: incident.agencyId,
    },
    startedAt: incident.startedAt,
    helpRequested: incident.helpRequested,
    note: incident.note,
    viewers: live.participants().filter((p) => !p.isOfficer).map((p) => p.info),
  };
}

export const incidentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/api/media/capabilities', async () => ({ routerRtpCapabilities: services.media.rtpCapabilities }));

  app.get('/api/incidents', async (request): Promise<IncidentSummary[]> => {
    const supervisor = await requireUser(services, request, 'supervisor');
    return services.live
      .all()
      .filter((live) => canSuperviseIncident(supervisor, live.incident))
      .map((live) => summarize(services, live));
  });

  app.get('/api/clinicians', async (request): Promise<ClinicianSummary[]> => {
    await requireUser(services, request, 'supervisor');
    return services.directory.usersWithRole('clinician').map(publicUser);
  });

  app.post('/api/incidents/:incidentId/grants', async (request, reply): Promise<GrantResponse> => {
    const supervisor = await requireUser(services, request, 'supervisor');
    const { incidentId } = parseWith(incidentParams, request.params);
    const body = parseWith(grantBody, request.body);
    const source = requestSource(services, request);
    const refuse = async (error: SightlineError): Promise<never> => {
      await services.audit.note({
        action: 'grant.create',
        outcome: 'denied',
        actor: actorOf(supervisor),
        target: { incidentId, userId: body.clinicianId },
        source,
        reason: error.code,
      });
      throw error;
    };
    const live = services.live.get(incidentId);
    if (!live) return refuse(new SightlineError('INCIDENT_NOT_FOUND'));
    if (!canSuperviseIncident(supervisor, live.incident)) return refuse(new SightlineError('FORBIDDEN'));
    const clinician = services.directory.userById(body.clinicianId);
    if (!clinician) return refuse(new SightlineError('USER_NOT_FOUND'));
    if (!canBeGranted(clinician)) return refuse(new SightlineError('NOT_A_CLINICIAN'));
    if (body.ttlSeconds > services.config.GRANT_MAX_TTL_SECONDS) {
      return refuse(
        new SightlineError('GRANT_TTL_TOO_LONG', `access may be granted for at most ${services.config.GRANT_MAX_TTL_SECONDS} seconds`),
      );
    }
    const now = Date.now();
    const grantId = randomUUID();
    const permissions = [...new Set(body.permissions)];
    const expiresAt = now + body.ttlSeconds * 1000;
    await services.audit.allow({
      action: 'grant.create',
      actor: actorOf(supervisor),
      target: { incidentId, grantId, userId: clinician.id },
      source,
      detail: { permissions: permissions.join(','), expiresAt },
    });
    const { token } = await issueViewingToken(services.keys, services.config.TOKEN_ISSUER, {
      grantId,
      clinicianId: clinician.id,
      incidentId,
      permissions,
      notBefore: now,
      expiresAt,
    });
    const link = `${services.publicUrl}/watch.html#incident=${encodeURIComponent(incidentId)}&token=${encodeURIComponent(token)}`;
    reply.code(201);
    return { grantId, incidentId, clinicianId: clinician.id, permissions, expiresAt, token, link };
  });
};
