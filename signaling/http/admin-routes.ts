// Administration of the directory: agencies, users and camera devices. An agency admin administers
// their own agency only; a platform admin administers every agency and alone creates agencies.
// Every change, and every refusal, is audited with the agency it touches, so that agency's own
// audit view shows it.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { administeredScope, canAdminister, canAdministerAgency, canAssignRole, canCreateAgency, type Decision } from '../access/policy.ts';
import type { AuditTarget } from '../audit/audit-entry.ts';
import { type Directory, type User, publicUser } from '../identity/directory.ts';
import { costOf, hashSecret } from '../identity/passwords.ts';
import {
  adminAgencyBody,
  adminDeviceBody,
  adminPlayerBody,
  adminPlayerInfo,
  userParams,
  adminDeviceInfo,
  adminUserBody,
  adminUserCreated,
  adminUserInfo,
  agencyInfo,
  type AgencyInfo,
} from '../protocol/http.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, requestSource, signedIn, userOf } from './request-auth.ts';
import type { AuditAction } from '../protocol/audit-actions.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Config } from '../config.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface AdminRoutesDeps extends RequestAuthDeps {
  audit: Auditor;
  config: Config;
  directory: Directory;
}

type AuditDetail = Record<string, string | number | boolean | null>;

export const adminRoutes: FastifyPluginAsyncZod<{ deps: AdminRoutesDeps }> = async (app, { deps }) => {
  /** Audits the decision about `action` on `target` and refuses with its code, or returns. */
  const enforce = async (request: FastifyRequest, user: User, action: AuditAction, decision: Decision, target: AuditTarget, detail?: AuditDetail): Promise<void> => {
    const event = { action, actor: actorOf(user), target, source: requestSource(deps, request), detail };
    await deps.audit.enforce(decision, event);
    await deps.audit.allow(event);
  };

  /** Hooks of an admin route: a signed-in admin, or a refusal audited as `action`, before the request's shape is checked. */
  const adminOnly = (action: AuditAction) => ({
    preValidation: [
      signedIn(deps),
      async (request: FastifyRequest) => {
        const user = userOf(request);
        await deps.audit.enforce(canAdminister(actorOf(user)), { action, actor: actorOf(user), target: { agencyId: user.agencyId }, source: requestSource(deps, request) });
      },
    ],
  });
  const schema = { tags: ['admin'], security: SESSION };

  app.get(
    '/api/agencies',
    { preValidation: signedIn(deps), schema: { ...schema, summary: 'The agencies (any signed-in user)', response: { 200: z.array(agencyInfo), ...refusals } } },
    async (): Promise<AgencyInfo[]> =>
      (await deps.directory.agencies()).map((a) => ({ id: a.id, name: a.name, oidc: a.oidc ? { issuer: a.oidc.issuer } : null })),
  );

  app.post(
    '/api/admin/agencies',
    { ...adminOnly('admin.agency.create'), schema: { ...schema, summary: 'Create an agency (platform admin)', body: adminAgencyBody, response: { 201: agencyInfo, ...refusals } } },
    async (request, reply) => {
      const admin = userOf(request);
      const body = request.body;
      await enforce(request, admin, 'admin.agency.create', canCreateAgency(actorOf(admin)), { agencyId: body.id }, { agencyId: body.id });
      const agency = await deps.directory.createAgency(body);
      reply.code(201);
      return { id: agency.id, name: agency.name, oidc: agency.oidc ? { issuer: agency.oidc.issuer } : null };
    },
  );

  /** An agency admin lists their own agency's users; a platform admin lists everyone, and that read is audited. */
  app.get(
    '/api/admin/users',
    { ...adminOnly('admin.user.list'), schema: { ...schema, summary: "The users of the admin's agency (of every agency for a platform admin)", response: { 200: z.array(adminUserInfo), ...refusals } } },
    async (request) => {
      const admin = userOf(request);
      const scope = administeredScope(actorOf(admin));
      if (scope === 'all') await enforce(request, admin, 'admin.user.list', { allowed: true, agreementId: null }, {}, { scope: 'all' });
      const users = await deps.directory.users(scope === 'all' || scope === null ? {} : { agencyId: scope.agencyId });
      return users.map((u) => ({ ...publicUser(u), onCall: u.onCall, sso: u.externalId !== undefined, mfa: u.mfa !== undefined }));
    },
  );

  app.post(
    '/api/admin/users',
    { ...adminOnly('admin.user.create'), schema: { ...schema, summary: 'Create a user in an agency the admin administers', body: adminUserBody, response: { 201: adminUserCreated, ...refusals } } },
    async (request, reply) => {
      const admin = userOf(request);
      const body = request.body;
      const id = `u-${randomUUID()}`;
      const detail = { username: body.username, role: body.role, agencyId: body.agencyId };
      await enforce(request, admin, 'admin.user.create', canAssignRole(actorOf(admin), body.agencyId, body.role), { userId: id, agencyId: body.agencyId }, detail);
      const user = await deps.directory.createUser({
        id,
        username: body.username,
        name: body.name,
        role: body.role,
        agencyId: body.agencyId,
        onCall: body.onCall,
        passwordHash: await hashSecret(body.password, costOf(deps.config.PASSWORD_HASH_LOG2N)),
      });
      reply.code(201);
      return { ...publicUser(user), onCall: user.onCall };
    },
  );

  /** A camera is registered to an officer of an agency the admin administers. */
  app.post(
    '/api/admin/devices',
    { ...adminOnly('admin.device.create'), schema: { ...schema, summary: 'Register a camera to an officer', body: adminDeviceBody, response: { 201: adminDeviceInfo, ...refusals } } },
    async (request, reply) => {
      const admin = userOf(request);
      const body = request.body;
      const officer = await deps.directory.userById(body.officerId);
      // An unknown officer is refused as a foreign one would be: the answer says nothing about other agencies.
      const decision: Decision = officer ? canAdministerAgency(actorOf(admin), officer.agencyId) : { allowed: false, code: 'FORBIDDEN' };
      await enforce(request, admin, 'admin.device.create', decision, { userId: body.officerId, agencyId: officer?.agencyId }, { deviceId: body.id });
      const device = await deps.directory.createDevice({ id: body.id, officerId: body.officerId, keyHash: await hashSecret(body.key, costOf(deps.config.PASSWORD_HASH_LOG2N)) });
      reply.code(201);
      return { id: device.id, officerId: device.officerId };
    },
  );

  /** A WHEP player is registered to a clinician of an agency the admin administers. */
  app.post(
    '/api/admin/players',
    { ...adminOnly('admin.player.create'), schema: { ...schema, summary: 'Register a WHEP player to a clinician', body: adminPlayerBody, response: { 201: adminPlayerInfo, ...refusals } } },
    async (request, reply) => {
      const admin = userOf(request);
      const body = request.body;
      const clinician = await deps.directory.userById(body.clinicianId);
      const decision: Decision = clinician ? canAdministerAgency(actorOf(admin), clinician.agencyId) : { allowed: false, code: 'FORBIDDEN' };
      await enforce(request, admin, 'admin.player.create', decision, { userId: body.clinicianId, agencyId: clinician?.agencyId }, { playerId: body.id });
      const player = await deps.directory.createPlayer({ id: body.id, clinicianId: body.clinicianId, keyHash: await hashSecret(body.key, costOf(deps.config.PASSWORD_HASH_LOG2N)) });
      reply.code(201);
      return { id: player.id, clinicianId: player.clinicianId };
    },
  );

  /** A person who lost their authenticator enrols again at their next sign-in (an admin of their agency resets it). */
  app.post(
    '/api/admin/users/:userId/mfa/reset',
    { ...adminOnly('admin.mfa.reset'), schema: { ...schema, summary: "Reset a person's authenticator", params: userParams, response: { 204: z.undefined().describe('reset'), ...refusals } } },
    async (request, reply) => {
      const admin = userOf(request);
      const person = await deps.directory.userById(request.params.userId);
      const decision: Decision = person ? canAdministerAgency(actorOf(admin), person.agencyId) : { allowed: false, code: 'FORBIDDEN' };
      await enforce(request, admin, 'admin.mfa.reset', decision, { userId: request.params.userId, agencyId: person?.agencyId }, { enrolled: Boolean(person?.mfa) });
      await deps.directory.setMfa(request.params.userId, null);
      return reply.code(204).send();
    },
  );
};
