// Common steps of the live path, driven over the real protocol.
import { randomBytes } from 'node:crypto';
import { costOf, hashSecret } from '../../signaling/identity/passwords.ts';
import type { GrantResponse } from '../../signaling/protocol/http.ts';
import type { TestRelay } from './relay.ts';
import { DEMO } from './relay.ts';
import { FAKE_RTP, TestSocket } from './ws-client.ts';

export async function capabilities(relay: TestRelay): Promise<unknown> {
  const { body } = await relay.api<{ routerRtpCapabilities: unknown }>('GET', '/api/media/capabilities');
  return body.routerRtpCapabilities;
}

/** An officer signs in, goes live, and sends camera audio and video. */
export async function goLive(relay: TestRelay, who: { username: string; password: string } = DEMO.officer) {
  const { token } = await relay.login(who.username, who.password);
  const socket = await TestSocket.open(relay.wsUrl);
  await socket.request('auth', { token });
  const rtpCapabilities = await capabilities(relay);
  const started = await socket.request('incident.start', { rtpCapabilities });
  const transportId = started.sendTransport.id as string;
  const audio = await socket.request('produce', { transportId, kind: 'audio', rtpParameters: FAKE_RTP.audio, source: 'camera' });
  const video = await socket.request('produce', { transportId, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera' });
  return {
    socket,
    incidentId: started.incidentId as string,
    started,
    producerIds: [audio.producerId as string, video.producerId as string],
  };
}

export async function grant(
  relay: TestRelay,
  incidentId: string,
  options: { permissions?: Array<'view' | 'talk'>; ttlSeconds?: number; clinicianId?: string; supervisor?: { username: string; password: string } } = {},
): Promise<GrantResponse> {
  const who = options.supervisor ?? DEMO.supervisor;
  const { token } = await relay.login(who.username, who.password);
  const { status, body } = await relay.api<GrantResponse>('POST', `/api/incidents/${incidentId}/grants`, {
    token,
    body: {
      clinicianId: options.clinicianId ?? DEMO.clinician.id,
      permissions: options.permissions ?? ['view', 'talk'],
      ttlSeconds: options.ttlSeconds ?? 600,
    },
  });
  if (status !== 201) throw new Error(`grant failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Ends a clinician's active grants on an incident, quietly (no audit entry, no bus event), so that
 * a test case can grant them again: a clinician holds one active grant per incident.
 */
export async function endGrants(relay: TestRelay, incidentId: string, clinicianId: string = DEMO.clinician.id): Promise<void> {
  for (const g of await relay.services.grants.list({ incidentId, clinicianId, activeOnly: true })) await relay.services.grants.revoke(g.id, 'test', 'GRANT_REVOKED');
}

/**
 * A session of the clinician a viewing token names (a link is redeemed only by them, signed in).
 * Minted in the relay's own session store: the sign-in itself is tested elsewhere.
 */
export async function clinicianSession(relay: TestRelay, grantToken: string): Promise<string> {
  const [, payload] = grantToken.split('.');
  const clinicianId = (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { sub?: string }).sub;
  if (!clinicianId) throw new Error('the token names no clinician');
  const minted = mintedSessions.get(relay) ?? new Map<string, string>();
  mintedSessions.set(relay, minted);
  const kept = minted.get(clinicianId);
  if (kept && (await relay.services.sessions.touch(kept).then(() => true, () => false))) return kept;
  const token = await relay.services.sessions.create(clinicianId);
  minted.set(clinicianId, token);
  return token;
}

/** One session per relay and clinician, kept while it lives. */
const mintedSessions = new WeakMap<TestRelay, Map<string, string>>();

/** Signs out the sessions `clinicianSession` made on this relay (for tests that count sessions). */
export async function endClinicianSessions(relay: TestRelay): Promise<void> {
  for (const token of mintedSessions.get(relay)?.values() ?? []) await relay.services.sessions.end(token);
  mintedSessions.delete(relay);
}

/**
 * Joins with a viewing token as the clinician it names; `as` joins with someone else's session
 * instead, or with none (null), to test refusals.
 */
export async function joinWith(relay: TestRelay, incidentId: string, grantToken: string, as?: string | null) {
  const socket = await TestSocket.open(relay.wsUrl);
  const session = as === null ? undefined : (as ?? (await clinicianSession(relay, grantToken).catch(() => undefined)));
  const reply = await socket.send('join', { incidentId, grantToken, ...(session ? { session } : {}), rtpCapabilities: await capabilities(relay) });
  return { socket, reply };
}

/**
 * A grant written straight into the store, for tests that need lifetimes shorter than the API
 * allows (expiry within seconds) or records the API would refuse. Returns its link and token.
 */
export async function storedGrant(
  relay: TestRelay,
  grant: { incidentId: string; clinicianId: string; expiresAt: number; permissions?: Array<'view' | 'talk'>; incidentAgencyId?: string; clinicianAgencyId?: string },
): Promise<GrantResponse> {
  const record = {
    id: `test-grant-${Math.random().toString(36).slice(2)}`,
    incidentId: grant.incidentId,
    incidentAgencyId: grant.incidentAgencyId ?? 'metro-police',
    clinicianId: grant.clinicianId,
    clinicianAgencyId: grant.clinicianAgencyId ?? 'harbour-health',
    grantedBy: DEMO.supervisor.id,
    grantedByAgencyId: 'metro-police',
    permissions: grant.permissions ?? ['view', 'talk'],
    createdAt: Date.now(),
    expiresAt: grant.expiresAt,
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
    agreementId: null,
  };
  await relay.services.grants.put(record);
  return relay.services.grantService.link(record);
}

/** A signed-in socket for a supervisor (console) or clinician (inbox). */
export async function signedInSocket(relay: TestRelay, who: { username: string; password: string }) {
  const { token } = await relay.login(who.username, who.password);
  const socket = await TestSocket.open(relay.wsUrl);
  await socket.request('auth', { token });
  return { socket, token };
}

/** A WHEP player device registered to a clinician (as an admin would); returns its Bearer credential `<id>:<key>`. */
export async function registerPlayer(relay: TestRelay, clinicianId: string = DEMO.clinician.id): Promise<string> {
  const id = `player-${randomBytes(4).toString('hex')}`;
  const key = randomBytes(24).toString('base64url');
  await relay.services.directory.createPlayer({ id, clinicianId, keyHash: await hashSecret(key, costOf(relay.services.config.PASSWORD_HASH_LOG2N)) });
  return `${id}:${key}`;
}
