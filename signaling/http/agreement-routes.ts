// Sharing agreements between agencies: made and revoked by an admin of the sharing agency.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canManageAgreement } from '../access/policy.ts';
import type { Agreement } from '../agreements/agreement-repository.ts';
import { SightlineError } from '../errors.ts';
import { agreementBody, agreementInfo, agreementParams, type AgreementInfo } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { refusals, SESSION } from './openapi.ts';
import { actorOf, forbid, requestSource, signedIn, userOf } from './request-auth.ts';

export const agreementRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const signedInUser = { preValidation: signedIn(services) };
  const schema = { tags: ['agreements'], security: SESSION };
  /** Admins and supervisors see the agreements their agency is party to; a platform admin sees all of them. */
  app.get(
    '/api/agreements',
    { ...signedInUser, schema: { ...schema, summary: 'The sharing agreements your agency is party to (all of them for a platform admin)', response: { 200: z.array(agreementInfo), ...refusals } } },
    async (request): Promise<AgreementInfo[]> => {
      const user = userOf(request);
      if (user.role === 'platform-admin') return services.agreements.list();
      if (user.role !== 'admin' && user.role !== 'supervisor') return forbid(services, request, user);
      return (await services.agreements.list()).filter((a) => a.fromAgencyId === user.agencyId || a.toAgencyId === user.agencyId);
    },
  );

  app.post(
    '/api/agreements',
    { ...signedInUser, schema: { ...schema, summary: "Share your agency's live incidents with another agency (an admin of the sharing agency)", body: agreementBody, response: { 201: agreementInfo, ...refusals } } },
    async (request, reply): Promise<Agreement> => {
      const admin = userOf(request);
      const body = request.body;
      const source = requestSource(services, request);
      const event = { action: 'agreement.create' as const, actor: actorOf(admin), target: { agencyId: body.toAgencyId }, source, detail: { fromAgencyId: admin.agencyId, toAgencyId: body.toAgencyId, scope: body.scope } };
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
    },
  );

  /** Revoking an agreement takes effect at once: partner supervisors lose the incidents, partner clinicians' grants end. */
  app.post(
    '/api/agreements/:agreementId/revoke',
    { ...signedInUser, schema: { ...schema, summary: 'Revoke an agreement: partner supervisors and clinicians lose its incidents at once', params: agreementParams, response: { 200: agreementInfo, ...refusals } } },
    async (request): Promise<Agreement> => {
      const admin = userOf(request);
      const { agreementId } = request.params;
      const source = requestSource(services, request);
      const agreement = await services.agreements.get(agreementId);
      const event = { action: 'agreement.revoke' as const, actor: actorOf(admin), target: { agencyId: agreement.toAgencyId }, source, detail: { agreementId, fromAgencyId: agreement.fromAgencyId, toAgencyId: agreement.toAgencyId } };
      await services.audit.enforce(canManageAgreement(actorOf(admin), agreement), event);
      await services.audit.allow(event);
      const revoked = await services.agreements.revoke(agreementId, admin.id);
      await services.grantService.endUncovered({ actor: event.actor, source, cause: 'agreement.revoke' });
      await services.bus.publish({ type: 'agreements.changed' });
      return revoked;
    },
  );
};
