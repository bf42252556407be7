// A play ticket: what an audited `recording.play` hands the player, so that each segment it
// then fetches belongs to a playback the audit trail has. A JWT signed with the relay's key,
// naming the person and the incident, of its own type and audience so that no viewing token can
// pass for one (nor one for a viewing token).
import { SignJWT, jwtVerify } from 'jose';
import { SIGNING_ALG, type SigningKeys } from '../tokens/signing-keys.ts';

const TYPE = 'sightline-recording-play+jwt';
const AUDIENCE = 'sightline:recording-play';
export const PLAY_TICKET_SECONDS = 3600;

export async function issuePlayTicket(keys: Pick<SigningKeys, 'kid' | 'privateKey'>, userId: string, incidentId: string, now = Date.now()): Promise<{ ticket: string; expiresAt: string }> {
  const exp = Math.floor(now / 1000) + PLAY_TICKET_SECONDS;
  const ticket = await new SignJWT({ incidentId })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.kid, typ: TYPE })
    .setSubject(userId)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(exp)
    .sign(keys.privateKey);
  return { ticket, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Whether `ticket` is a live play ticket of this person for this incident. */
export async function playTicketAdmits(keys: Pick<SigningKeys, 'publicKey'>, ticket: string, userId: string, incidentId: string): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(ticket, keys.publicKey, { algorithms: [SIGNING_ALG], audience: AUDIENCE, typ: TYPE, subject: userId });
    return payload.incidentId === incidentId;
  } catch {
    return false;
  }
}
