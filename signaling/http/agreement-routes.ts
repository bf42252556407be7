// Sharing agreements between agencies: made and revoked by an admin of the sharing agency.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { canManageAgreement } from '../access/policy.ts';
import type { Agreement } from '../agreements/agreement-repository.ts';
import { SightlineError } from '../errors.ts';
import { agreementBody, type AgreementInfo } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { actorOf, forbid, parseWith, requestSource, requireUser } from './request-auth.ts';

const agreementParams = z.object({ agreementId: z.string().min(1).max(128) });

export const agreementRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  /** Admins and supervisors see the agreements their agency is party to; a platform admin sees all of them. */
  app.get('/api/agreements', async (request): Promise<AgreementInfo[]> => {
    const user = await requireUser(services, request);
    if (user.role === 'platform-admin') return services.agreements.list();
    if (user.role !== 'admin' && user.role !== 'supervisor') return forbid(services, request, user);
    return (await services.agreements.list()).filter((a) => a.fromAgencyId === user.agencyId || a.toAgencyId === user.agencyId);
  });

  app.post('/api/agreements', async (request, reply): Promise<Agreement> => {
    const admin = await requireUser(services, request);
    const body = parseWith(agreementBody, request.body);
    const source = requestSource(services, request);
    const event = { action: 'agreement.create', actor: actorOf(admin), target: { agencyId: body.toAgencyId }, source, detail: { fromAgencyId: admin.agencyId, toAgencyId: body.toAgencyId, scope: body.scope } };
    const decision = canManageAgreement(actorOf(admin), { fromAgencyId: admin.agencyId });
    const code = !decision.allowed ? decision.code : !(await services.directory.agency(body.toAgencyId)) ? 'AGENCY_NOT_FOUND' : null;
    if (code) {
      await services.audit.note({ ...event, outcome: 'denied', reason: code });
      throw new SightlineError(code);
    }
    await services.audit.allow(event);
    const agreement = await services.agreements.create({ fromAgencyId: admin.agencyId, toAgencyId: body.toAgencyId, scope: body.scope, createdBy: admin.id });
    await services.bus.publish({ type: 'agreements.changed' });
    reply.code(201);
    return agreement;
  });

  /** Revoking an agreement takes effect at once: partner supervisors lose the incidents, partner clinicians' grants end. */
  app.post('/api/agreements/:agreementId/revoke', async (request): Promise<Agreement> => {
    const admin = await requireUser(services, request);
    const { agreementId } = parseWith(agreementParams, request.params);
    const source = requestSource(services, request);
    const agreement = await services.agreements.get(agreementId);
    const decision = canManageAgreement(actorOf(admin), agreement);
    const event = { action: 'agreement.revoke', actor: actorOf(admin), target: { agencyId: agreement.toAgencyId }, source, detail: { agreementId, fromAgencyId: agreement.fromAgencyId, toAgencyId: agreement.toAgencyId } };
    if (!decision.allowed) {
      await services.audit.note({ ...event, outcome: 'denied', reason: decision.code });
      throw new SightlineError(decision.code);
    }
    await services.audit.allow(event);
    const revoked = await services.agreements.revoke(agreementId, admin.id);
    await services.grantService.endUncovered(source);
    await services.bus.publish({ type: 'agreements.changed' });
    return revoked;
  });
};
