// The people and devices of the soak, made through the relay's own administration API (so the
// soak also runs what an agency's admin does): an officer with a registered camera per incident,
// and clinicians of the health partner, each with a registered WHEP player.
import { randomBytes } from 'node:crypto';
import { api, loginAt } from '../../helpers/relay-process.ts';

export interface SoakDirectory {
  /** The supervisor's session: grants and revokes. */
  supervisorToken: string;
  cameras: Array<{ officerId: string; credential: string }>;
  players: Array<{ clinicianId: string; credential: string }>;
}

async function call<T>(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const response = await api<T>(url, method, path, { token, body });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** The demo seed's platform administrator registers everyone; its Metro supervisor grants. */
export async function createSoakDirectory(url: string, incidents: number, clinicians: number): Promise<SoakDirectory> {
  const operator = await loginAt(url, 'operator', 'demo-operator');
  const password = randomBytes(12).toString('base64url');
  const user = (username: string, name: string, role: string, agencyId: string) =>
    call<{ id: string }>(url, 'POST', '/api/admin/users', operator, { username, name, role, agencyId, password });
  const cameras = [];
  for (let i = 1; i <= incidents; i++) {
    const officer = await user(`soak.officer.${i}`, `Soak Officer ${i}`, 'officer', 'metro-police');
    const key = randomBytes(24).toString('base64url');
    await call(url, 'POST', '/api/admin/devices', operator, { id: `soak-cam-${i}`, officerId: officer.id, key });
    cameras.push({ officerId: officer.id, credential: `soak-cam-${i}:${key}` });
  }
  const players = [];
  for (let j = 1; j <= clinicians; j++) {
    const clinician = await user(`soak.clinician.${j}`, `Soak Clinician ${j}`, 'clinician', 'harbour-health');
    const key = randomBytes(24).toString('base64url');
    await call(url, 'POST', '/api/admin/players', operator, { id: `soak-player-${j}`, clinicianId: clinician.id, key });
    players.push({ clinicianId: clinician.id, credential: `soak-player-${j}:${key}` });
  }
  return { supervisorToken: await loginAt(url, 'sup.chen', 'demo-supervisor'), cameras, players };
}

/** Grants a clinician view on an incident for an hour; returns the grant's id. */
export async function grantView(url: string, token: string, incidentId: string, clinicianId: string): Promise<string> {
  const granted = await call<{ grantId: string }>(url, 'POST', `/api/incidents/${encodeURIComponent(incidentId)}/grants`, token, { clinicianId, permissions: ['view'], ttlSeconds: 3600 });
  return granted.grantId;
}

export async function revoke(url: string, token: string, grantId: string): Promise<void> {
  await call(url, 'POST', `/api/grants/${encodeURIComponent(grantId)}/revoke`, token);
}

/** The live incidents the supervisor sees, by officer. */
export async function incidentsByOfficer(url: string, token: string): Promise<Map<string, string>> {
  const incidents = await call<Array<{ id: string; officer: { userId: string } }>>(url, 'GET', '/api/incidents', token);
  return new Map(incidents.map((incident) => [incident.officer.userId, incident.id]));
}
