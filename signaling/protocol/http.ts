// HTTP API bodies, shared by the control plane and the browser client.
// Every error response is { error: { code, message } } with a stable code from error-codes.ts.
import { z } from 'zod';
import { permission, type ParticipantInfo, type UserInfo, type Permission } from './messages.ts';

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

/** GET /api/incidents (supervisor): the live incidents they may see. */
export interface IncidentSummary {
  id: string;
  agencyId: string;
  officer: ParticipantInfo;
  startedAt: number;
  helpRequested: boolean;
  note: string | null;
  viewers: ParticipantInfo[];
}

/** GET /api/clinicians (supervisor): clinicians who can be granted access. */
export type ClinicianSummary = UserInfo;

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
