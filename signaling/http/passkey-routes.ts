// A signed-in supervisor or admin adds a passkey (WebAuthn) as a second factor beside their
// authenticator app: the browser asks for options, creates the passkey, and sends it back to be
// verified and kept. Audited as `mfa.enrol` with the factor.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { SECOND_FACTOR_ROLES, type Role } from '../protocol/roles.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, relyingParty, requestSource, signedIn, userOf } from './request-auth.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Passkeys } from '../identity/passkeys.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface PasskeyRoutesDeps extends RequestAuthDeps {
  audit: Auditor;
  passkeys: Passkeys;
}


const passkeyBody = z.strictObject({
  label: z.string().trim().min(1).max(60).default('Passkey'),
  response: z.object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal('public-key'),
    response: z.object({ clientDataJSON: z.string().max(8192), attestationObject: z.string().max(16_384), transports: z.array(z.string().max(32)).max(8).optional() }).loose(),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().max(32).nullish(),
  }),
});
const passkeyInfo = z.object({ id: z.string(), label: z.string(), addedAt: z.number() });

export const passkeyRoutes: FastifyPluginAsyncZod<{ deps: PasskeyRoutesDeps }> = async (app, { deps }) => {
  const schema = { tags: ['session'], security: SESSION };
  const forSecondFactor = (role: Role) => {
    if (!SECOND_FACTOR_ROLES.has(role)) throw new SightlineError('FORBIDDEN', 'Passkeys are the second factor of supervisors and administrators.');
  };

  app.post(
    '/api/me/passkeys/options',
    { preValidation: signedIn(deps), schema: { ...schema, summary: 'Options for the browser to create a passkey', response: { 200: z.record(z.string(), z.unknown()), ...refusals } } },
    async (request) => {
      const user = userOf(request);
      forSecondFactor(user.role);
      return (await deps.passkeys.registrationOptions(user, relyingParty(deps, request))) as unknown as Record<string, unknown>;
    },
  );

  app.post(
    '/api/me/passkeys',
    { preValidation: signedIn(deps), schema: { ...schema, summary: 'Keep the passkey the browser created', body: passkeyBody, response: { 201: passkeyInfo, ...refusals } } },
    async (request, reply) => {
      const user = userOf(request);
      forSecondFactor(user.role);
      const source = requestSource(deps, request);
      try {
        const added = await deps.passkeys.register(user, request.body.response as unknown as RegistrationResponseJSON, relyingParty(deps, request), request.body.label);
        await deps.audit.allow({ action: 'mfa.enrol', actor: actorOf(user), target: { userId: user.id }, source, detail: { factor: 'passkey', label: added.label } });
        reply.code(201);
        return { id: added.id, label: added.label, addedAt: added.addedAt };
      } catch (error) {
        if (error instanceof SightlineError && error.code === 'PASSKEY_INVALID') {
          await deps.audit.refuse({ action: 'mfa.enrol', actor: actorOf(user), target: { userId: user.id }, source, detail: { factor: 'passkey' } }, error);
        }
        throw error;
      }
    },
  );
};
