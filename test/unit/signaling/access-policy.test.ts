import { describe, expect, it } from 'vitest';
import { canBeGranted, canStartIncident, canSuperviseIncident, permissionToSend } from '../../../signaling/access-policy.ts';
import type { Role, User } from '../../../signaling/identity/directory.ts';
import type { Incident } from '../../../signaling/incidents/incident-registry.ts';

const ROLES: Role[] = ['officer', 'clinician', 'supervisor', 'admin'];

const user = (role: Role, agencyId = 'police'): User => ({
  id: `u-${role}-${agencyId}`,
  username: `${role}.${agencyId}`,
  name: role,
  role,
  agencyId,
  passwordHash: 'scrypt$x',
});

const incident: Incident = {
  id: 'inc-1',
  agencyId: 'police',
  officerId: 'u-officer-police',
  startedAt: 0,
  helpRequested: false,
  note: null,
};

describe('canSuperviseIncident', () => {
  it.each(ROLES.flatMap((role) => [
    [role, 'police', role === 'supervisor'],
    [role, 'other-agency', false],
  ] as const))('%s of %s → %s', (role, agencyId, expected) => {
    expect(canSuperviseIncident(user(role, agencyId), incident)).toBe(expected);
  });

  it('follows the incident agency, not the officer', () => {
    const supervisor = user('supervisor', 'sheriff');
    expect(canSuperviseIncident(supervisor, { ...incident, agencyId: 'sheriff' })).toBe(true);
    expect(canSuperviseIncident(supervisor, incident)).toBe(false);
  });
});

describe('canStartIncident', () => {
  it.each(ROLES.flatMap((role) => [
    [role, 'police', role === 'officer'],
    [role, 'other-agency', role === 'officer'],
  ] as const))('%s of %s → %s', (role, agencyId, expected) => {
    expect(canStartIncident(user(role, agencyId))).toBe(expected);
  });
});

describe('canBeGranted', () => {
  it.each(ROLES.flatMap((role) => [
    [role, 'health', role === 'clinician'],
    [role, 'police', role === 'clinician'],
  ] as const))('%s of %s → %s', (role, agencyId, expected) => {
    expect(canBeGranted(user(role, agencyId))).toBe(expected);
  });
});

describe('permissionToSend', () => {
  it('the camera needs the officer of the incident, whatever the kind', () => {
    expect(permissionToSend('camera', 'video')).toBe('officer');
    expect(permissionToSend('camera', 'audio')).toBe('officer');
  });

  it('talkback audio needs the talk permission', () => {
    expect(permissionToSend('talkback', 'audio')).toBe('talk');
  });

  it('talkback video is never allowed', () => {
    expect(permissionToSend('talkback', 'video')).toBeNull();
  });
});
