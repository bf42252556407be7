// Who may drive a WHIP/WHEP resource (PATCH, DELETE): only the holder of the Bearer credential
// that created it (RFC 9725 §4.5). The resource URL authorizes nothing by itself: it is written
// to the audit trail and travels in logs. A refusal is audited with whoever actually asked, as
// far as their credential tells, and where from.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import { type Directory, actorOf } from '../identity/directory.ts';
import { verifySecret } from '../identity/passwords.ts';
import { type RequestAuthDeps, bearerToken, requestSource } from '../http/request-auth.ts';
import { verifyViewingToken } from '../tokens/viewing-token.ts';
import type { HttpMediaSession } from './http-session.ts';
import { DEVICE_CREDENTIAL } from './ingest/whip-auth.ts';
import type { AuditAction } from '../protocol/audit-actions.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Config } from '../config.ts';
import type { SessionStore } from '../identity/sessions.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface ResourceAuthDeps extends RequestAuthDeps {
  audit: Auditor;
  config: Config;
  directory: Directory;
  keys: SigningKeys;
  sessions: SessionStore;
}

/** What a resource keeps of the credential that created it. */
export const credentialDigest = (credential: string): Buffer => createHash('sha256').update(credential).digest();

/**
 * The caller of a resource request, checked against the resource's own credential: returns the
 * audit source of an allowed request; otherwise audits the refusal and throws NOT_AUTHENTICATED
 * (no credential) or RESOURCE_CREDENTIAL_INVALID (another one). Unknown resources are NOT_FOUND
 * for callers that present a credential.
 */
export async function resourceCaller(
  deps: ResourceAuthDeps,
  request: FastifyRequest,
  session: HttpMediaSession | undefined,
  action: AuditAction,
): Promise<AuditSource> {
  const source = requestSource(deps, request);
  const token = bearerToken(request);
  if (token && !session) throw new SightlineError('NOT_FOUND', 'No such WHIP/WHEP session.');
  if (token && session && timingSafeEqual(credentialDigest(token), session.credential)) return source;
  const code = token ? 'RESOURCE_CREDENTIAL_INVALID' : 'NOT_AUTHENTICATED';
  return deps.audit.refuse(
    {
      action,
      actor: token ? await presenter(deps, token, session?.live.incident.id) : null,
      target: session ? { incidentId: session.live.incident.id, grantId: session.who.grantId ?? undefined } : {},
      source,
      ...(session ? { detail: { session: session.id } } : {}),
    },
    code,
  );
}

/** Whom a credential names (a session, a camera key, a viewing token for the incident), or null. */
async function presenter(deps: ResourceAuthDeps, token: string, incidentId: string | undefined): Promise<AuditActor | null> {
  try {
    const device = DEVICE_CREDENTIAL.exec(token);
    if (device) {
      // A camera (WHIP) or a player (WHEP) device, by its credential.
      const camera = await deps.directory.device(device[1]!);
      const player = camera ? undefined : await deps.directory.player(device[1]!);
      const ownerId = camera?.officerId ?? player?.clinicianId;
      const keyHash = camera?.keyHash ?? player?.keyHash;
      const owner = ownerId && keyHash && (await verifySecret(device[2]!, keyHash)) ? await deps.directory.userById(ownerId) : undefined;
      return owner ? actorOf(owner) : null;
    }
    if (token.split('.').length === 3 && incidentId) {
      const claims = await verifyViewingToken(token, deps.keys, { issuer: deps.config.TOKEN_ISSUER, incidentId });
      const clinician = await deps.directory.userById(claims.clinicianId);
      return clinician ? actorOf(clinician) : null;
    }
    const user = await deps.directory.userById((await deps.sessions.touch(token)).userId);
    return user ? actorOf(user) : null;
  } catch {
    return null;
  }
}
