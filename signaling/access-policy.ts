// Who may do what. Small pure checks over the actor and the incident; the edges call them.
import type { User } from './identity/directory.ts';
import type { Incident } from './incidents/incident-registry.ts';
import type { MediaSource, Permission } from './protocol/messages.ts';

/** Supervisors see and grant the live incidents of their own agency. */
export const canSuperviseIncident = (actor: User, incident: Incident): boolean =>
  actor.role === 'supervisor' && actor.agencyId === incident.agencyId;

export const canStartIncident = (actor: User): boolean => actor.role === 'officer';

export const canBeGranted = (user: User): boolean => user.role === 'clinician';

/** Which permission a participant needs to send a stream from this source. */
export function permissionToSend(source: MediaSource, kind: 'audio' | 'video'): Permission | 'officer' | null {
  if (source === 'camera') return 'officer';
  if (source === 'talkback' && kind === 'audio') return 'talk';
  return null;
}
