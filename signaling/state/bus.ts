// The bus carries control-plane events between nodes: every node hears every event, including
// its own. Events are one zod discriminated union so each end validates what it receives.
import { z } from 'zod';

export const busEvent = z.discriminatedUnion('type', [
  /** Incidents or grants changed: consoles and inboxes refresh. */
  z.object({ type: z.literal('incidents.changed'), incidentId: z.string() }),
  z.object({ type: z.literal('grants.changed'), incidentId: z.string(), clinicianId: z.string() }),
  /** A grant ended early: whichever node serves that clinician cuts their media. */
  z.object({ type: z.literal('grant.revoked'), grantId: z.string(), incidentId: z.string(), code: z.enum(['GRANT_REVOKED', 'INCIDENT_ENDED', 'ACCESS_WITHDRAWN']) }),
  /** A grant's expiry moved: live connections re-arm their timers. */
  z.object({ type: z.literal('grant.extended'), grantId: z.string(), expiresAt: z.number() }),
  /** "Watch me": the officer asked for help. */
  z.object({ type: z.literal('help.requested'), incidentId: z.string(), agencyId: z.string(), officerName: z.string(), at: z.number() }),
  z.object({ type: z.literal('agreements.changed') }),
  /** Something narrowed who may see what (an incident unmarked, a role changed): every node re-checks its live seats. */
  z.object({ type: z.literal('access.narrowed'), reason: z.enum(['incident.unshared', 'role.changed']), incidentId: z.string().optional() }),
  /**
   * A signed-in session ended (sign-out, idle or lifetime expiry, account lockout): every node
   * closes the sockets authenticated with it. `sessionKey` is the session's store key (a digest).
   */
  z.object({ type: z.literal('session.ended'), sessionKey: z.string(), userId: z.string(), cause: z.enum(['logout', 'idle', 'lifetime', 'locked']) }),
]);
export type BusEvent = z.infer<typeof busEvent>;

export interface Bus {
  publish(event: BusEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(handler: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}
