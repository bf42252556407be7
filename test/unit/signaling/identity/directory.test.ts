import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryDirectory, publicUser, seedSchema, type Seed } from '../../../../signaling/identity/directory.ts';

const HASH = 'scrypt$16384$8$1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const SEED_PATH = fileURLToPath(new URL('../../../../config/demo-seed.json', import.meta.url));

function seed(): Seed {
  return {
    agencies: [
      { id: 'police', name: 'Police' },
      { id: 'health', name: 'Health' },
    ],
    users: [
      { id: 'u-off', username: 'Officer.Reyes', name: 'Reyes', role: 'officer', agencyId: 'police', passwordHash: HASH },
      { id: 'u-off2', username: 'officer.park', name: 'Park', role: 'officer', agencyId: 'police', passwordHash: HASH },
      { id: 'u-sup', username: 'sup.chen', name: 'Chen', role: 'supervisor', agencyId: 'police', passwordHash: HASH },
      { id: 'u-clin', username: 'clin.okafor', name: 'Okafor', role: 'clinician', agencyId: 'health', passwordHash: HASH },
    ],
    devices: [{ id: 'cam-1', officerId: 'u-off', keyHash: HASH }],
  };
}

describe('MemoryDirectory', () => {
  it('looks users up by id and by username, case-insensitively', () => {
    const directory = new MemoryDirectory(seed());
    expect(directory.userById('u-off')?.username).toBe('Officer.Reyes');
    expect(directory.userById('U-OFF')).toBeUndefined();
    for (const name of ['officer.reyes', 'OFFICER.REYES', 'Officer.Reyes']) {
      expect(directory.userByUsername(name)?.id, name).toBe('u-off');
    }
    expect(directory.userByUsername('Officer.PARK')?.id).toBe('u-off2');
    expect(directory.userByUsername('nobody')).toBeUndefined();
    expect(directory.userByUsername('officer.reyes ')).toBeUndefined();
  });

  it('lists users with a role', () => {
    const directory = new MemoryDirectory(seed());
    expect(directory.usersWithRole('officer').map((u) => u.id)).toEqual(['u-off', 'u-off2']);
    expect(directory.usersWithRole('supervisor').map((u) => u.id)).toEqual(['u-sup']);
    expect(directory.usersWithRole('clinician').map((u) => u.id)).toEqual(['u-clin']);
    expect(directory.usersWithRole('admin')).toEqual([]);
  });

  it('looks up agencies and devices', () => {
    const directory = new MemoryDirectory(seed());
    expect(directory.agency('health')).toEqual({ id: 'health', name: 'Health' });
    expect(directory.agency('nope')).toBeUndefined();
    expect(directory.device('cam-1')).toEqual({ id: 'cam-1', officerId: 'u-off', keyHash: HASH });
    expect(directory.device('cam-2')).toBeUndefined();
  });

  it('refuses a user of an unknown agency', () => {
    const bad = seed();
    bad.users.push({ id: 'u-x', username: 'x', name: 'X', role: 'clinician', agencyId: 'fire', passwordHash: HASH });
    expect(() => new MemoryDirectory(bad)).toThrow('user u-x names unknown agency fire');
  });

  it('refuses duplicate usernames, case-insensitively', () => {
    const bad = seed();
    bad.users.push({ id: 'u-x', username: 'SUP.CHEN', name: 'X', role: 'supervisor', agencyId: 'police', passwordHash: HASH });
    expect(() => new MemoryDirectory(bad)).toThrow('duplicate username SUP.CHEN');
  });

  it('refuses a device owned by a non-officer or by an unknown user', () => {
    const bySupervisor = seed();
    bySupervisor.devices.push({ id: 'cam-2', officerId: 'u-sup', keyHash: HASH });
    expect(() => new MemoryDirectory(bySupervisor)).toThrow('device cam-2 must belong to an officer');

    const byClinician = seed();
    byClinician.devices.push({ id: 'cam-3', officerId: 'u-clin', keyHash: HASH });
    expect(() => new MemoryDirectory(byClinician)).toThrow('device cam-3 must belong to an officer');

    const byNobody = seed();
    byNobody.devices.push({ id: 'cam-4', officerId: 'u-ghost', keyHash: HASH });
    expect(() => new MemoryDirectory(byNobody)).toThrow('device cam-4 must belong to an officer');
  });

  it('publicUser never includes the password hash', () => {
    const user = new MemoryDirectory(seed()).userById('u-clin')!;
    expect(publicUser(user)).toEqual({ id: 'u-clin', username: 'clin.okafor', name: 'Okafor', role: 'clinician', agencyId: 'health' });
  });
});

describe('seedSchema', () => {
  it('defaults devices to an empty list', () => {
    const { devices: _devices, ...rest } = seed();
    expect(seedSchema.parse(rest).devices).toEqual([]);
  });

  it('refuses unknown keys, unknown roles and non-scrypt hashes', () => {
    expect(seedSchema.safeParse({ ...seed(), extra: 1 }).success).toBe(false);
    const badRole = seed();
    (badRole.users[0] as { role: string }).role = 'chief';
    expect(seedSchema.safeParse(badRole).success).toBe(false);
    const badHash = seed();
    badHash.users[0]!.passwordHash = 'bcrypt$xyz';
    expect(seedSchema.safeParse(badHash).success).toBe(false);
    const extraUserKey = seed();
    (extraUserKey.users[0] as Record<string, unknown>).password = 'plain';
    expect(seedSchema.safeParse(extraUserKey).success).toBe(false);
  });
});

describe('config/demo-seed.json', () => {
  it('parses with seedSchema and builds a directory with an officer, a supervisor and a clinician', async () => {
    const raw = JSON.parse(await readFile(SEED_PATH, 'utf8')) as unknown;
    const parsed = seedSchema.safeParse(raw);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    const directory = new MemoryDirectory(parsed.data!);
    expect(directory.usersWithRole('officer').length).toBeGreaterThanOrEqual(1);
    expect(directory.usersWithRole('supervisor').length).toBeGreaterThanOrEqual(1);
    expect(directory.usersWithRole('clinician').length).toBeGreaterThanOrEqual(1);
    // A supervisor shares an agency with an officer (so it can supervise an incident).
    const officerAgencies = new Set(directory.usersWithRole('officer').map((u) => u.agencyId));
    expect(directory.usersWithRole('supervisor').some((u) => officerAgencies.has(u.agencyId))).toBe(true);
  });

  it('loads with MemoryDirectory.fromFile', async () => {
    const directory = await MemoryDirectory.fromFile(SEED_PATH);
    expect(directory.userByUsername('OFFICER.REYES')?.role).toBe('officer');
    expect(directory.device('cam-0001')?.officerId).toBe('u-officer-reyes');
  });
});
