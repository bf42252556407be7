// Sharing agreements between agencies: made and revoked by an admin of the sharing agency.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canManageAgreement } from '../access/policy.ts';
import type { Agreement, AgreementRepository } from '../agreements/agreement-repository.ts';
import { agreementBody, agreementInfo, agreementParams, type AgreementInfo } from '../protocol/http.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, forbid, requestSource, signedIn, userOf } from './request-auth.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { GrantService } from '../grants/grant-service.ts';
import type { Directory } from '../identity/directory.ts';
import type { Bus } from '../state/bus.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface AgreementRoutesDeps extends RequestAuthDeps {
  agreements: AgreementRepository;
  audit: Auditor;
  bus: Bus;
  directory: Directory;
  grantService: GrantService;
}

export const agreementRoutes: FastifyPluginAsyncZod<{ deps: AgreementRoutesDeps }> = async (app, { deps }) => {
  const signedInUser = { preValidation: signedIn(deps) };
  const schema = { tags: ['agreements'], security: SESSION };
  /** Admins and supervisors see the agreements their agency is party to; a platform admin sees all of them. */
  app.get(
    '/api/agreements',
    { ...signedInUser, schema: { ...schema, summary: 'The sharing agreements your agency is party to (all of them for a platform admin)', response: { 200: z.array(agreementInfo), ...refusals } } },
    async (request): Promise<AgreementInfo[]> => {
      const user = userOf(request);
      if (user.role === 'platform-admin') return deps.agreements.list();
      if (user.role !== 'admin' && user.role !== 'supervisor') return forbid(deps, request, user);
      return (await deps.agreements.list()).filter((a) => a.fromAgencyId === user.agencyId || a.toAgencyId === user.agencyId);
    },
  );

  app.post(
    '/api/agreements',
    { ...signedInUser, schema: { ...schema, summary: "Share your agency's live incidents with another agency (an admin of the sharing agency)", body: agreementBody, response: { 201: agreementInfo, ...refusals } } },
    async (request, reply): Promise<Agreement> => {
      const admin = userOf(request);
      const body = request.body;
      const source = requestSource(deps, request);
      const event = { action: 'agreement.create' as const, actor: actorOf(admin), target: { agencyId: body.toAgencyId }, source, detail: { fromAgencyId: admin.agencyId, toAgencyId: body.toAgencyId, scope: body.scope } };
      const decision = canManageAgreement(actorOf(admin), { fromAgencyId: admin.agencyId });
      const code = !decision.allowed ? decision.code : !(await deps.directory.agency(body.toAgencyId)) ? 'AGENCY_NOT_FOUND' : null;
      if (code) await deps.audit.refuse(event, code);
      await deps.audit.allow(event);
      const agreement = await deps.agreements.create({ fromAgencyId: admin.agencyId, toAgencyId: body.toAgencyId, scope: body.scope, recordings: body.recordings, createdBy: admin.id });
      await deps.bus.publish({ type: 'agreements.changed' });
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
      const source = requestSource(deps, request);
      const agreement = await deps.agreements.get(agreementId);
      const event = { action: 'agreement.revoke' as const, actor: actorOf(admin), target: { agencyId: agreement.toAgencyId }, source, detail: { agreementId, fromAgencyId: agreement.fromAgencyId, toAgencyId: agreement.toAgencyId } };
      await deps.audit.enforce(canManageAgreement(actorOf(admin), agreement), event);
      await deps.audit.allow(event);
      const revoked = await deps.agreements.revoke(agreementId, admin.id);
      await deps.grantService.endUncovered({ actor: event.actor, source, cause: 'agreement.revoke' });
      await deps.bus.publish({ type: 'agreements.changed' });
      return revoked;
    },
  );
};
