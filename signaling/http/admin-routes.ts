// Administration of the directory: agencies, users and camera devices. Every change is audited.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { canAdminister } from '../access/policy.ts';
import { SightlineError } from '../errors.ts';
import { publicUser, type User } from '../identity/directory.ts';
import { costOf, hashSecret } from '../identity/passwords.ts';
import { adminAgencyBody, adminDeviceBody, adminUserBody, type AgencyInfo } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { actorOf, parseWith, requestSource, requireUser } from './request-auth.ts';

export const adminRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const requireAdmin = async (request: FastifyRequest, action: string): Promise<User> => {
    const user = await requireUser(services, request);
    const decision = canAdminister(actorOf(user));
    if (!decision.allowed) {
      await services.audit.note({ action, outcome: 'denied', actor: actorOf(user), target: {}, source: requestSource(services, request), reason: decision.code });
      throw new SightlineError(decision.code);
    }
    return user;
  };

  app.get('/api/agencies', async (request): Promise<AgencyInfo[]> => {
    await requireUser(services, request);
    return (await services.directory.agencies()).map((a) => ({ id: a.id, name: a.name, oidc: a.oidc ? { issuer: a.oidc.issuer } : null }));
  });

  app.post('/api/admin/agencies', async (request, reply) => {
    const admin = await requireAdmin(request, 'admin.agency.create');
    const body = parseWith(adminAgencyBody, request.body);
    await services.audit.allow({ action: 'admin.agency.create', actor: actorOf(admin), target: {}, source: requestSource(services, request), detail: { agencyId: body.id } });
    const agency = await services.directory.createAgency(body);
    reply.code(201);
    return { id: agency.id, name: agency.name, oidc: agency.oidc ? { issuer: agency.oidc.issuer } : null };
  });

  app.get('/api/admin/users', async (request) => {
    await requireAdmin(request, 'admin.user.list');
    return (await services.directory.users()).map((u) => ({ ...publicUser(u), onCall: u.onCall, sso: u.externalId !== undefined }));
  });

  app.post('/api/admin/users', async (request, reply) => {
    const admin = await requireAdmin(request, 'admin.user.create');
    const body = parseWith(adminUserBody, request.body);
    const id = `u-${randomUUID()}`;
    await services.audit.allow({ action: 'admin.user.create', actor: actorOf(admin), target: { userId: id }, source: requestSource(services, request), detail: { username: body.username, role: body.role, agencyId: body.agencyId } });
    const user = await services.directory.createUser({
      id,
      username: body.username,
      name: body.name,
      role: body.role,
      agencyId: body.agencyId,
      onCall: body.onCall,
      passwordHash: await hashSecret(body.password, costOf(services.config.PASSWORD_HASH_LOG2N)),
    });
    reply.code(201);
    return { ...publicUser(user), onCall: user.onCall };
  });

  app.post('/api/admin/devices', async (request, reply) => {
    const admin = await requireAdmin(request, 'admin.device.create');
    const body = parseWith(adminDeviceBody, request.body);
    await services.audit.allow({ action: 'admin.device.create', actor: actorOf(admin), target: { userId: body.officerId }, source: requestSource(services, request), detail: { deviceId: body.id } });
    const device = await services.directory.createDevice({ id: body.id, officerId: body.officerId, keyHash: await hashSecret(body.key, costOf(services.config.PASSWORD_HASH_LOG2N)) });
    reply.code(201);
    return { id: device.id, officerId: device.officerId };
  });
};
