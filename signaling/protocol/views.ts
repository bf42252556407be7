// The objects the HTTP API answers with, as zod schemas: they document the responses in the
// OpenAPI description and type the route handlers' replies. The signalling protocol declares the
// same shapes as interfaces in messages.ts; the checks at the end make the compiler refuse any
// drift between the two.
import { z } from 'zod';
import type { GeoLocation, GrantInfo, IncidentSummary, InboxEntry, ParticipantInfo, PresenceEntry, UserInfo } from './messages.ts';
import { permission } from './messages.ts';
import { roleSchema } from './role-schema.ts';

/** Milliseconds since the epoch. */
const epochMs = z.number().int().describe('milliseconds since the epoch');

export const userInfo = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: roleSchema,
  agencyId: z.string(),
});

export const participantInfo = z.object({
  peerId: z.string(),
  userId: z.string(),
  name: z.string(),
  role: roleSchema,
  agencyId: z.string(),
  device: z.string().optional().describe('the seat\'s device as people read it'),
});

export const presenceEntry = participantInfo.extend({ watching: z.boolean(), talking: z.boolean() });

export const geoLocation = z.object({ lat: z.number(), lon: z.number(), accuracy: z.number() });

export const grantInfo = z.object({
  id: z.string(),
  incidentId: z.string(),
  clinician: userInfo,
  grantedBy: userInfo,
  permissions: z.array(permission),
  createdAt: epochMs,
  expiresAt: epochMs,
  revokedAt: epochMs.nullable(),
  agreementId: z.string().nullable().describe('the sharing agreement this grant relies on, when the clinician is in another agency'),
  status: z.enum(['active', 'expired', 'revoked']),
  watching: z.boolean().describe('whether the clinician is connected right now'),
});

export const incidentSummary = z.object({
  id: z.string(),
  reference: z.string().describe('a short reference people read out, e.g. MP-1204-07: agency, day (UTC), number that day'),
  agencyId: z.string(),
  officer: participantInfo,
  startedAt: epochMs,
  helpRequested: z.boolean(),
  helpRequestedAt: epochMs.nullable(),
  helpAnswer: z.object({ userId: z.string(), name: z.string(), at: epochMs }).nullable().describe('the clinician whose watching answered the last help request'),
  shared: z.boolean().describe('marked by its agency as shareable under "marked incidents only" agreements'),
  note: z.string().nullable(),
  location: geoLocation.nullable(),
  viewers: z.array(presenceEntry),
  grants: z.array(grantInfo),
  access: z.enum(['own', 'shared']),
  lostAt: epochMs.nullable().optional().describe('set while the relay node hosting it is gone and the camera has not reconnected'),
  recorded: z.boolean().describe('evidence recording runs: whoever joins is recorded (talk-back) and what they see is kept'),
  recordingProblem: z.object({ at: epochMs, what: z.string() }).nullable().describe('the latest recording failure (the live stream went on): shown to supervisors as an alert'),
});

export const inboxEntry = z.object({
  grant: grantInfo,
  incident: z
    .object({ id: z.string(), reference: z.string(), agencyId: z.string(), officerName: z.string(), startedAt: epochMs, helpRequested: z.boolean(), recorded: z.boolean() })
    .nullable(),
  state: z.enum(['pending', 'active']).describe('pending: granted but not joined yet; active: watching now'),
});

// The compiler checks that each schema describes exactly the protocol's interface.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ViewSchemasMatchProtocol = [
  Assert<Same<z.infer<typeof userInfo>, UserInfo>>,
  Assert<Same<z.infer<typeof participantInfo>, ParticipantInfo>>,
  Assert<Same<z.infer<typeof presenceEntry>, PresenceEntry>>,
  Assert<Same<z.infer<typeof geoLocation>, GeoLocation>>,
  Assert<Same<z.infer<typeof grantInfo>, GrantInfo>>,
  Assert<Same<z.infer<typeof incidentSummary>, IncidentSummary>>,
  Assert<Same<z.infer<typeof inboxEntry>, InboxEntry>>,
];
