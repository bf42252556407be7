import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Directory, publicUser, seedSchema, type Seed } from '../../../../signaling/identity/directory.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

const HASH = 'scrypt$16384$8$1$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const SEED_PATH = fileURLToPath(new URL('../../../../config/demo-seed.json', import.meta.url));

function seed(): Seed {
  return {
    agencies: [
      { id: 'police', name: 'Police' },
      { id: 'health', name: 'Health' },
    ],
    users: [
      { id: 'u-off', username: 'Officer.Reyes', name: 'Reyes', role: 'officer', agencyId: 'police', passwordHash: HASH, onCall: false },
      { id: 'u-off2', username: 'officer.park', name: 'Park', role: 'officer', agencyId: 'police', passwordHash: HASH, onCall: false },
      { id: 'u-sup', username: 'sup.chen', name: 'Chen', role: 'supervisor', agencyId: 'police', passwordHash: HASH, onCall: false },
      { id: 'u-clin', username: 'clin.okafor', name: 'Okafor', role: 'clinician', agencyId: 'health', passwordHash: HASH, onCall: false },
    ],
    devices: [{ id: 'cam-1', officerId: 'u-off', keyHash: HASH }],
    agreements: [],
  };
}

async function directoryOf(data: Seed = seed()): Promise<Directory> {
  const directory = new Directory(new MemoryStore());
  await directory.seed(data);
  return directory;
}

describe('Directory', () => {
  it('looks users up by id and by username, case-insensitively', async () => {
    const directory = await directoryOf();
    expect((await directory.userById('u-off'))?.username).toBe('Officer.Reyes');
    expect(await directory.userById('U-OFF')).toBeUndefined();
    for (const name of ['officer.reyes', 'OFFICER.REYES', 'Officer.Reyes']) {
      expect((await directory.userByUsername(name))?.id, name).toBe('u-off');
    }
    expect((await directory.userByUsername('Officer.PARK'))?.id).toBe('u-off2');
    expect(await directory.userByUsername('nobody')).toBeUndefined();
    expect(await directory.userByUsername('officer.reyes ')).toBeUndefined();
  });

  it('lists users with a role', async () => {
    const directory = await directoryOf();
    expect((await directory.users({ role: 'officer' })).map((u) => u.id).sort()).toEqual(['u-off', 'u-off2']);
    expect((await directory.users({ role: 'supervisor' })).map((u) => u.id)).toEqual(['u-sup']);
    expect((await directory.users({ role: 'clinician' })).map((u) => u.id)).toEqual(['u-clin']);
    expect(await directory.users({ role: 'admin' })).toEqual([]);
  });

  it('looks up agencies and devices', async () => {
    const directory = await directoryOf();
    expect(await directory.agency('health')).toEqual({ id: 'health', name: 'Health' });
    expect(await directory.agency('nope')).toBeUndefined();
    expect(await directory.device('cam-1')).toEqual({ id: 'cam-1', officerId: 'u-off', keyHash: HASH });
    expect(await directory.device('cam-2')).toBeUndefined();
  });

  it('refuses a user of an unknown agency', async () => {
    const bad = seed();
    bad.users.push({ id: 'u-x', username: 'x', name: 'X', role: 'clinician', agencyId: 'fire', passwordHash: HASH, onCall: false });
    await expect(directoryOf(bad)).rejects.toThrow('user u-x names unknown agency fire');
  });

  it('refuses duplicate usernames, case-insensitively', async () => {
    const directory = await directoryOf();
    await expect(directory.createUser({ id: 'u-x', username: 'SUP.CHEN', name: 'X', role: 'supervisor', agencyId: 'police', passwordHash: HASH, onCall: false })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('refuses a device owned by a non-officer or by an unknown user', async () => {
    const directory = await directoryOf();
    for (const officerId of ['u-sup', 'u-clin', 'u-ghost']) {
      await expect(directory.createDevice({ id: `cam-${officerId}`, officerId, keyHash: HASH }), officerId).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('publicUser never includes the password hash', async () => {
    const user = (await (await directoryOf()).userById('u-clin'))!;
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
    // A stray plain-text password in a user record is never kept.
    const extraUserKey = seed();
    (extraUserKey.users[0] as Record<string, unknown>).password = 'plain';
    expect(seedSchema.parse(extraUserKey).users[0]).not.toHaveProperty('password');
  });
});

describe('config/demo-seed.json', () => {
  it('parses with seedSchema and builds a directory with an officer, a supervisor and a clinician', async () => {
    const raw = JSON.parse(await readFile(SEED_PATH, 'utf8')) as unknown;
    const parsed = seedSchema.safeParse(raw);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    const directory = await directoryOf(parsed.data!);
    const officers = await directory.users({ role: 'officer' });
    const supervisors = await directory.users({ role: 'supervisor' });
    expect(officers.length).toBeGreaterThanOrEqual(1);
    expect(supervisors.length).toBeGreaterThanOrEqual(1);
    expect((await directory.users({ role: 'clinician' })).length).toBeGreaterThanOrEqual(1);
    // A supervisor shares an agency with an officer (so it can supervise an incident).
    const officerAgencies = new Set(officers.map((u) => u.agencyId));
    expect(supervisors.some((u) => officerAgencies.has(u.agencyId))).toBe(true);
  });

  it('loads with Directory.loadSeed', async () => {
    const directory = await directoryOf(await Directory.loadSeed(SEED_PATH));
    expect((await directory.userByUsername('OFFICER.REYES'))?.role).toBe('officer');
    expect((await directory.device('cam-0001'))?.officerId).toBe('u-officer-reyes');
  });
});
