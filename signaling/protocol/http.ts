// HTTP API: route parameters, request bodies and response bodies, shared by the control plane
// (its route schemas, hence the OpenAPI description at /api/openapi.json) and the browser client.
// Every error response is { error: { code, message } } with a stable code from error-codes.ts.
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './error-codes.ts';
import { agencyRoleSchema, roleSchema } from './role-schema.ts';
import { permission, type GrantInfo, type InboxEntry, type IncidentSummary } from './messages.ts';
import { userInfo } from './views.ts';
export type { GrantInfo, InboxEntry, IncidentSummary };

/** Ids in paths: opaque, bounded. */
const pathId = z.string().min(1).max(128);
export const incidentParams = z.object({ incidentId: pathId });
export const grantParams = z.object({ grantId: pathId });
export const agreementParams = z.object({ agreementId: pathId });
export const agencyParams = z.object({ agencyId: pathId });
/** GET /api/incidents/:incidentId/recordings/segments/:n */
export const segmentParams = z.object({ incidentId: pathId, n: z.coerce.number().int().min(1).max(10_000_000) });
export const userParams = z.object({ userId: pathId });

/** PUT /api/agencies/:agencyId/recording: an agency's admin (or a platform admin) switches recording. */
export const recordingSwitchBody = z.strictObject({ enabled: z.boolean() });
export const recordingSwitchResponse = z.object({ agencyId: z.string(), recording: z.boolean() });
/** PUT /api/incidents/:incidentId/recordings/hold */
export const legalHoldBody = z.strictObject({ reason: z.string().trim().min(1).max(500).describe('what the hold is for: a case, a complaint, a court order') });
/** A WHIP or WHEP session's resource: /whip/resource/:id, /whep/resource/:id */
export const mediaResourceParams = z.object({ id: pathId });
/** GET /api/clinicians?incidentId= */
export const clinicianQuery = z.object({ incidentId: pathId.optional() });

/** Every refusal: a stable code (error-codes.ts) and a human-readable message. */
export const errorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** POST /api/session */
export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const loginResponse = z.object({
  token: z.string().describe('the session: send as `Authorization: Bearer <token>`'),
  user: userInfo,
  idleTimeoutSeconds: z.number().int(),
});
export type LoginResponse = z.infer<typeof loginResponse>;

/** POST /api/session when a second factor is needed: answer with POST /api/session/mfa. */
export const mfaChallengeResponse = z.object({
  mfa: z.object({
    passkey: z.record(z.string(), z.unknown()).nullable().describe('WebAuthn request options when the person has passkeys: sign in with one instead of a code'),
    challenge: z.string().describe('send back with the code; valid for 5 minutes and 5 tries'),
    enrol: z
      .object({ secret: z.string().describe('base32, for typing into an authenticator app'), uri: z.string().describe('otpauth:// address (QR code)') })
      .nullable()
      .describe('set when the person has no authenticator yet: add it, then answer with its code'),
  }),
});
export type MfaChallengeResponse = z.infer<typeof mfaChallengeResponse>;
/** POST /api/session/mfa */
/** A passkey's answer to a sign-in challenge, as the browser gives it (checked by @simplewebauthn/server). */
const passkeyAnswer = z.object({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal('public-key'),
  response: z.object({ clientDataJSON: z.string().max(8192), authenticatorData: z.string().max(8192), signature: z.string().max(16_384), userHandle: z.string().max(1024).nullish() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).nullish(),
});
export const mfaBody = z
  .strictObject({ challenge: z.string().min(1).max(128), code: z.string().min(1).max(32).optional(), passkey: passkeyAnswer.optional() })
  .refine((body) => (body.code === undefined) !== (body.passkey === undefined), 'answer with a code or a passkey, one of them');
/** A sign-in completed with a second factor; `recoveryCodes` once, when this step enrolled the person. */
export const mfaLoginResponse = loginResponse.extend({
  recoveryCodes: z.array(z.string()).nullable().describe('shown once: each signs in once without the authenticator'),
  recoveryLeft: z.number().int().nullable().describe('recovery codes left, after using one'),
});
export type MfaLoginResponse = z.infer<typeof mfaLoginResponse>;

/** GET /api/me */
export const meResponse = z.object({ user: userInfo });

/** GET /api/media/capabilities (no sign-in needed): what every incident router offers. */
export const mediaCapabilitiesResponse = z.object({
  routerRtpCapabilities: z.unknown().describe("mediasoup RtpCapabilities of every incident's router"),
});
export type MediaCapabilitiesResponse = z.infer<typeof mediaCapabilitiesResponse>;

/** GET /api/incidents (supervisor): IncidentSummary[] for the live incidents they may see. */

/** PATCH /api/incidents/:incidentId (supervisor of the incident's agency, or its officer) */
export const incidentPatchBody = z.strictObject({ shared: z.boolean() });
export const incidentPatchResponse = z.object({ incidentId: z.string(), shared: z.boolean() });

/** GET /api/clinicians?incidentId= (supervisor): clinicians who may be granted that incident. */
export const clinicianSummary = userInfo.extend({ onCall: z.boolean() });
export type ClinicianSummary = z.infer<typeof clinicianSummary>;

/** POST /api/incidents/:incidentId/grants (supervisor) */
export const grantBody = z.strictObject({
  clinicianId: z.string().min(1).max(128),
  permissions: z.array(permission).min(1).max(2),
  ttlSeconds: z.number().int().min(30),
});
export const grantResponse = z.object({
  grantId: z.string(),
  incidentId: z.string(),
  clinicianId: z.string(),
  permissions: z.array(permission),
  expiresAt: z.number().int().describe('milliseconds since the epoch'),
  token: z.string().describe('the viewing token (EdDSA JWT)'),
  link: z.string().describe("the clinician's link: /watch.html#incident=...&token=..."),
});
export type GrantResponse = z.infer<typeof grantResponse>;

/** POST /api/grants/:grantId/extend (supervisor): new duration from now. */
export const extendBody = z.strictObject({ ttlSeconds: z.number().int().min(30) });

/** POST /api/grants/:grantId/revoke (supervisor) -> GrantInfo */

/** GET /api/inbox (clinician) -> InboxEntry[] */

/**
 * POST /api/grants/:grantId/link (the clinician of an active grant): a fresh viewing token for
 * the time left, so an extended grant can be opened again. -> GrantResponse
 */

/** POST /api/incidents/:incidentId/help/accept (an on-call clinician who may see it) -> GrantResponse */

/** Sharing agreements. Agency `fromAgencyId` shares its live incidents with `toAgencyId`. */
export const agreementBody = z.strictObject({
  toAgencyId: z.string().min(1).max(128),
  scope: z.enum(['all', 'marked']),
  recordings: z.boolean().default(false).describe("the other agency's supervisors may also list, play and export the recordings of the incidents it covers"),
});
export const agreementInfo = z.object({
  id: z.string(),
  fromAgencyId: z.string(),
  toAgencyId: z.string(),
  scope: z.enum(['all', 'marked']),
  recordings: z.boolean(),
  createdAt: z.number().int(),
  createdBy: z.string(),
  revokedAt: z.number().int().nullable(),
  revokedBy: z.string().nullable(),
});
export type AgreementInfo = z.infer<typeof agreementInfo>;
/** GET /api/agreements (admin, supervisor: those involving their agency); POST /api/agreements (admin of the sharing agency); POST /api/agreements/:id/revoke */

/** GET /api/agencies (any signed-in user) */
export const agencyInfo = z.object({
  id: z.string(),
  name: z.string(),
  oidc: z.object({ issuer: z.string() }).nullable(),
});
export type AgencyInfo = z.infer<typeof agencyInfo>;

/** Admin: POST /api/admin/agencies, /api/admin/users, /api/admin/devices; GET /api/admin/users */
export const adminAgencyBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,64}$/),
  name: z.string().min(1).max(120),
  oidc: z
    .strictObject({
      issuer: z.url(),
      jwksUrl: z.url(),
      audience: z.string().min(1),
      roleClaim: z.string().min(1).default('roles'),
      roleMap: z.record(z.string(), agencyRoleSchema),
    })
    .optional(),
});
export const adminUserBody = z.strictObject({
  username: z.string().regex(/^[a-z0-9._-]{2,64}$/),
  name: z.string().min(1).max(120),
  role: roleSchema,
  agencyId: z.string().min(1),
  password: z.string().min(12).max(256),
  onCall: z.boolean().default(false),
});
export const adminDeviceBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,64}$/),
  officerId: z.string().min(1),
  key: z.string().min(24).max(256),
});
/** A user as the administration console lists them (`sso`: signs in through the agency's provider). */
export const adminUserInfo = userInfo.extend({ onCall: z.boolean(), sso: z.boolean(), mfa: z.boolean().describe('an authenticator is enrolled') });
export const adminUserCreated = userInfo.extend({ onCall: z.boolean() });
export const adminDeviceInfo = z.object({ id: z.string(), officerId: z.string() });
/** POST /api/admin/players: a WHEP player registered to a clinician, with its key (the credential is `<id>:<key>`). */
export const adminPlayerBody = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,64}$/),
  clinicianId: z.string().min(1),
  key: z.string().min(24).max(256),
});
export const adminPlayerInfo = z.object({ id: z.string(), clinicianId: z.string() });

/** POST /api/session/device: a camera signs in with its device credential. -> LoginResponse */
export const deviceLoginBody = z.strictObject({ deviceId: z.string().min(1).max(64), key: z.string().min(1).max(256) });

/** POST /api/session/oidc: sign in with an ID token from the agency's own identity provider. -> LoginResponse */
export const oidcLoginBody = z.strictObject({ agencyId: z.string().min(1).max(64), idToken: z.string().min(1).max(8192) });

/** One published demo account, listed on the home page while the demo seed is loaded. */
export const demoAccount = z.object({ role: z.string(), agency: z.string(), username: z.string(), password: z.string() });
export type DemoAccount = z.infer<typeof demoAccount>;

/** `GET /api/info`: what the home page shows before anyone signs in. */
export const siteInfo = z.object({
  name: z.literal('Sightline'),
  map: z
    .object({ tileUrl: z.string().describe('XYZ tile URL with {z}, {x}, {y}'), attribution: z.string() })
    .nullable()
    .describe('where the console draws shared locations from; null: no map'),
  demoAccounts: z.array(demoAccount).optional().describe('present only while the demo seed is loaded (never in production)'),
});
export type SiteInfo = z.infer<typeof siteInfo>;

/** GET /healthz */
export const healthResponse = z.object({ ok: z.literal(true), node: z.string() });
/** GET /readyz: 200 when ready, 503 with the reasons while draining or missing a dependency. */
export const readinessResponse = z.object({
  ready: z.boolean(),
  problems: z.array(z.string()),
  draining: z.boolean(),
  media: z.object({ workers: z.number().int(), rooms: z.number().int(), consumers: z.number().int() }),
});
