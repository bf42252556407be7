// The HTTP calls behind the console, the inbox and help alerts (see signaling/protocol/http.ts).
import type { ClinicianSummary, GrantInfo, GrantResponse } from '../../../signaling/protocol/http.ts';
import type { Permission } from '../../../signaling/protocol/messages.ts';
import { api, apiPath } from './api.ts';

/** Clinicians who may be granted this incident, on-call ones first. */
export async function listClinicians(incidentId: string): Promise<ClinicianSummary[]> {
  const list = await api.get<ClinicianSummary[]>(`/api/clinicians?incidentId=${encodeURIComponent(incidentId)}`);
  return [...list].sort((a, b) => Number(b.onCall) - Number(a.onCall) || a.name.localeCompare(b.name));
}

export const createGrant = (incidentId: string, clinicianId: string, permissions: Permission[], ttlSeconds: number) =>
  api.post<GrantResponse>(apiPath`/api/incidents/${incidentId}/grants`, { clinicianId, permissions, ttlSeconds });

/** New duration counted from now. The reply's shape is not fixed by the protocol; a GrantInfo is expected. */
export const extendGrant = (grantId: string, ttlSeconds: number) =>
  api.post<Partial<GrantInfo> | null>(apiPath`/api/grants/${grantId}/extend`, { ttlSeconds });

export const revokeGrant = (grantId: string) => api.post<GrantInfo>(apiPath`/api/grants/${grantId}/revoke`);

/** Clinician: a fresh viewing link for one of their grants. */

/** On-call clinician: take a help request (creates the grant). */
export const acceptHelp = (incidentId: string) => api.post<GrantResponse>(apiPath`/api/incidents/${incidentId}/help/accept`);

export const setIncidentShared = (incidentId: string, shared: boolean) =>
  api.patch<unknown>(apiPath`/api/incidents/${incidentId}`, { shared });

export const PERMISSION_LABELS: Record<Permission, string> = { view: 'Watch', talk: 'Talk' };

export const describePermissions = (permissions: readonly Permission[]): string =>
  permissions.map((permission) => PERMISSION_LABELS[permission]).join(' + ');
