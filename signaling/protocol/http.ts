// HTTP API bodies, shared by the control plane and the browser client.
// Every error response is { error: { code, message } } with a stable code from error-codes.ts.
import { z } from 'zod';
import { agencyRoleSchema, roleSchema } from './roles.ts';
import { permission, type GrantInfo, type InboxEntry, type IncidentSummary, type UserInfo, type Permission } from './messages.ts';
export type { GrantInfo, InboxEntry, IncidentSummary };

/** POST /api/session */
export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export interface LoginResponse {
  token: string;
  user: UserInfo;
  idleTimeoutSeconds: number;
}

/** GET /api/media/capabilities (no sign-in needed): what every incident router offers. */
export interface MediaCapabilitiesResponse {
  routerRtpCapabilities: unknown;
}

/** GET /api/incidents (supervisor): IncidentSummary[] for the live incidents they may see. */

/** PATCH /api/incidents/:incidentId (supervisor of the incident's agency, or its officer) */
export const incidentPatchBody = z.strictObject({ shared: z.boolean() });

/** GET /api/clinicians?incidentId= (supervisor): clinicians who may be granted that incident. */
export type ClinicianSummary = UserInfo & { onCall: boolean };

/** POST /api/incidents/:incidentId/grants (supervisor) */
export const grantBody = z.strictObject({
  clinicianId: z.string().min(1).max(128),
  permissions: z.array(permission).min(1).max(2),
  ttlSeconds: z.number().int().min(30),
});
export interface GrantResponse {
  grantId: string;
  incidentId: string;
  clinicianId: string;
  permissions: Permission[];
  expiresAt: number;
  token: string;
  /** The clinician's link: /watch.html#incident=...&token=... */
  link: string;
}

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
});
export interface AgreementInfo {
  id: string;
  fromAgencyId: string;
  toAgencyId: string;
  scope: 'all' | 'marked';
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
  revokedBy: string | null;
}
/** GET /api/agreements (admin, supervisor: those involving their agency); POST /api/agreements (admin of the sharing agency); POST /api/agreements/:id/revoke */

/** GET /api/agencies (any signed-in user) */
export interface AgencyInfo {
  id: string;
  name: string;
  oidc: { issuer: string } | null;
}

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

/** POST /api/session/device: a camera signs in with its device credential. -> LoginResponse */
export const deviceLoginBody = z.strictObject({ deviceId: z.string().min(1).max(64), key: z.string().min(1).max(256) });

/** POST /api/session/oidc: sign in with an ID token from the agency's own identity provider. -> LoginResponse */
export const oidcLoginBody = z.strictObject({ agencyId: z.string().min(1).max(64), idToken: z.string().min(1).max(8192) });

/** One published demo account, listed on the home page while the demo seed is loaded. */
export interface DemoAccount {
  role: string;
  agency: string;
  username: string;
  password: string;
}

/** `GET /api/info`: what the home page shows before anyone signs in. */
export interface SiteInfo {
  name: 'Sightline';
  /** Present only while the demo seed is loaded (never in production). */
  demoAccounts?: DemoAccount[];
}
