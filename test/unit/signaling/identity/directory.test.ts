import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SightlineError } from '../../../../signaling/errors.ts';
import { actorOf, Directory, publicUser, seedSchema, type Seed, type User } from '../../../../signaling/identity/directory.ts';
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
      { id: 'u-clin', username: 'clin.okafor', name: 'Okafor', role: 'clinician', agencyId: 'health', passwordHash: HASH, onCall: true },
    ],
    devices: [{ id: 'cam-1', officerId: 'u-off', keyHash: HASH }],
    players: [{ id: 'player-1', clinicianId: 'u-clin', keyHash: HASH }],
    agreements: [],
  };
}

async function seeded(s: Seed = seed()): Promise<Directory> {
  const directory = new Directory(new MemoryStore());
  await directory.seed(s);
  return directory;
}

const user = (overrides: Partial<User> = {}): User => ({
  id: 'u-new',
  username: 'new.person',
  name: 'New Person',
  role: 'clinician',
  agencyId: 'health',
  passwordHash: HASH,
  onCall: false,
  ...overrides,
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SightlineError);
    return (error as SightlineError).code;
  }
  throw new Error('expected a SightlineError');
}

describe('Directory', () => {
  it('looks users up by id and by username, case-insensitively', async () => {
    const directory = await seeded();
    expect((await directory.userById('u-off'))?.username).toBe('Officer.Reyes');
    expect(await directory.userById('U-OFF')).toBeUndefined();
    for (const name of ['officer.reyes', 'OFFICER.REYES', 'Officer.Reyes']) {
      expect((await directory.userByUsername(name))?.id, name).toBe('u-off');
    }
    expect((await directory.userByUsername('Officer.PARK'))?.id).toBe('u-off2');
    expect(await directory.userByUsername('nobody')).toBeUndefined();
    expect(await directory.userByUsername('officer.reyes ')).toBeUndefined();
  });

  it('lists users by role and by agency, sorted by name', async () => {
    const directory = await seeded();
    expect((await directory.users({ role: 'officer' })).map((u) => u.id)).toEqual(['u-off2', 'u-off']); // Park, Reyes
    expect((await directory.users({ role: 'supervisor' })).map((u) => u.id)).toEqual(['u-sup']);
    expect((await directory.users({ role: 'clinician' })).map((u) => u.id)).toEqual(['u-clin']);
    expect(await directory.users({ role: 'admin' })).toEqual([]);
    expect((await directory.users({ agencyId: 'police' })).map((u) => u.id)).toEqual(['u-sup', 'u-off2', 'u-off']); // Chen, Park, Reyes
    expect((await directory.users({ role: 'clinician', agencyId: 'police' })).map((u) => u.id)).toEqual([]);
    expect((await directory.users()).map((u) => u.id)).toEqual(['u-sup', 'u-clin', 'u-off2', 'u-off']);
  });

  it('keeps onCall from the seed and defaults it to false', async () => {
    const directory = await seeded();
    expect((await directory.userById('u-clin'))?.onCall).toBe(true);
    expect((await directory.userById('u-off'))?.onCall).toBe(false);
    const parsed = seedSchema.parse({
      agencies: [{ id: 'health', name: 'Health' }],
      users: [{ id: 'u-x', username: 'x', name: 'X', role: 'clinician', agencyId: 'health' }],
    });
    expect(parsed.users[0]?.onCall).toBe(false);
  });

  it('looks up agencies and devices', async () => {
    const directory = await seeded();
    expect(await directory.agency('health')).toEqual({ id: 'health', name: 'Health' });
    expect(await directory.agency('nope')).toBeUndefined();
    expect((await directory.agencies()).map((a) => a.id).sort()).toEqual(['health', 'police']);
    expect(await directory.device('cam-1')).toEqual({ id: 'cam-1', officerId: 'u-off', keyHash: HASH });
    expect(await directory.device('cam-2')).toBeUndefined();
  });

  it('seeding twice keeps existing records', async () => {
    const store = new MemoryStore();
    const directory = new Directory(store);
    await directory.seed(seed());
    const chen = (await directory.userById('u-sup'))!;
    await directory.updateUser({ ...chen, name: 'Sgt. Chen' });
    await directory.seed(seed());
    expect((await directory.userById('u-sup'))?.name).toBe('Sgt. Chen');
    expect(await directory.users()).toHaveLength(4);
    // A second Directory over the same Store (another node) sees the same records.
    expect((await new Directory(store).userByUsername('SUP.CHEN'))?.name).toBe('Sgt. Chen');
  });

  it('refuses a seed user of an unknown agency', async () => {
    const bad = seed();
    bad.users.push(user({ id: 'u-x', username: 'x', agencyId: 'fire' }));
    await expect(seeded(bad)).rejects.toThrow('user u-x names unknown agency fire');
  });

  it('refuses a seed with a duplicate username, case-insensitively', async () => {
    const bad = seed();
    bad.users.push(user({ id: 'u-x', username: 'SUP.CHEN', role: 'supervisor', agencyId: 'police' }));
    expect(await codeOf(seeded(bad))).toBe('ALREADY_EXISTS');
  });

  it('refuses a seed device owned by a non-officer', async () => {
    const bad = seed();
    bad.devices.push({ id: 'cam-2', officerId: 'u-sup', keyHash: HASH });
    expect(await codeOf(seeded(bad))).toBe('BAD_REQUEST');
  });
});

describe('Directory.createAgency / createUser / createDevice', () => {
  it('creates an agency and refuses a duplicate id', async () => {
    const directory = await seeded();
    expect(await directory.createAgency({ id: 'fire', name: 'Fire' })).toEqual({ id: 'fire', name: 'Fire' });
    expect(await directory.agency('fire')).toEqual({ id: 'fire', name: 'Fire' });
    expect(await codeOf(directory.createAgency({ id: 'fire', name: 'Other Fire' }))).toBe('ALREADY_EXISTS');
    expect((await directory.agency('fire'))?.name).toBe('Fire');
  });

  it('creates a user who can then be found by id and username', async () => {
    const directory = await seeded();
    const created = await directory.createUser(user({ username: 'New.Person' }));
    expect(created.id).toBe('u-new');
    expect((await directory.userById('u-new'))?.username).toBe('New.Person');
    expect((await directory.userByUsername('new.person'))?.id).toBe('u-new');
  });

  it('refuses a duplicate username, case-insensitively, with ALREADY_EXISTS', async () => {
    const directory = await seeded();
    expect(await codeOf(directory.createUser(user({ username: 'OFFICER.reyes' })))).toBe('ALREADY_EXISTS');
    expect(await directory.userById('u-new')).toBeUndefined();
    expect((await directory.userByUsername('officer.reyes'))?.id).toBe('u-off');
  });

  it('refuses a duplicate id with ALREADY_EXISTS and keeps the existing user', async () => {
    const directory = await seeded();
    expect(await codeOf(directory.createUser(user({ id: 'u-off', username: 'someone.else', role: 'admin' })))).toBe('ALREADY_EXISTS');
    expect(await directory.userById('u-off')).toMatchObject({ username: 'Officer.Reyes', role: 'officer' });
  });

  it('a refused duplicate id leaves no alias: the new username and subject stay free', async () => {
    const directory = await seeded();
    await codeOf(directory.createUser(user({ id: 'u-off', username: 'alias.name', externalId: 'idp-subject', agencyId: 'police' })));
    // Otherwise "alias.name" would sign in as u-off, and the IdP subject would be linked to u-off.
    expect(await directory.userByUsername('alias.name')).toBeUndefined();
    expect(await directory.userByExternalId('police', 'idp-subject')).toBeUndefined();
    // …and both can still be used by a genuinely new user.
    await directory.createUser(user({ id: 'u-other', username: 'alias.name', externalId: 'idp-subject', agencyId: 'police' }));
    expect((await directory.userByUsername('alias.name'))?.id).toBe('u-other');
  });

  it('refuses a user of an unknown agency with AGENCY_NOT_FOUND', async () => {
    const directory = await seeded();
    expect(await codeOf(directory.createUser(user({ agencyId: 'fire' })))).toBe('AGENCY_NOT_FOUND');
    expect(await directory.userById('u-new')).toBeUndefined();
    expect(await directory.userByUsername('new.person')).toBeUndefined();
  });

  it('links an identity-provider subject per agency and refuses it twice', async () => {
    const directory = await seeded();
    await directory.createUser(user({ externalId: 'sub-1' }));
    expect((await directory.userByExternalId('health', 'sub-1'))?.id).toBe('u-new');
    expect(await directory.userByExternalId('police', 'sub-1')).toBeUndefined();
    expect(await directory.userByExternalId('health', 'sub-2')).toBeUndefined();
    expect(await codeOf(directory.createUser(user({ id: 'u-twin', username: 'twin', externalId: 'sub-1' })))).toBe('ALREADY_EXISTS');
    expect(await directory.userById('u-twin')).toBeUndefined();
    // The refused user's username was released again.
    expect(await directory.userByUsername('twin')).toBeUndefined();
    // The same subject at another agency is another person.
    await directory.createUser(user({ id: 'u-police', username: 'p', agencyId: 'police', externalId: 'sub-1' }));
    expect((await directory.userByExternalId('police', 'sub-1'))?.id).toBe('u-police');
  });

  it('a device must belong to an officer', async () => {
    const directory = await seeded();
    expect(await codeOf(directory.createDevice({ id: 'cam-2', officerId: 'u-sup', keyHash: HASH }))).toBe('BAD_REQUEST');
    expect(await codeOf(directory.createDevice({ id: 'cam-3', officerId: 'u-clin', keyHash: HASH }))).toBe('BAD_REQUEST');
    expect(await codeOf(directory.createDevice({ id: 'cam-4', officerId: 'u-ghost', keyHash: HASH }))).toBe('BAD_REQUEST');
    for (const id of ['cam-2', 'cam-3', 'cam-4']) expect(await directory.device(id)).toBeUndefined();
    expect(await directory.createDevice({ id: 'cam-5', officerId: 'u-off2', keyHash: HASH })).toEqual({ id: 'cam-5', officerId: 'u-off2', keyHash: HASH });
    expect(await codeOf(directory.createDevice({ id: 'cam-1', officerId: 'u-off2', keyHash: HASH }))).toBe('ALREADY_EXISTS');
    expect((await directory.device('cam-1'))?.officerId).toBe('u-off');
  });
});

describe('Directory.updateUser', () => {
  it('changes role, name and on-call but keeps username, agency and identity-provider link', async () => {
    const directory = await seeded();
    await directory.createUser(user({ externalId: 'sub-1' }));
    const updated = await directory.updateUser(
      user({ username: 'hijack', agencyId: 'police', externalId: 'sub-evil', role: 'supervisor', name: 'Renamed', onCall: true }),
    );
    expect(updated).toMatchObject({ username: 'new.person', agencyId: 'health', externalId: 'sub-1', role: 'supervisor', name: 'Renamed', onCall: true });
    expect(await directory.userById('u-new')).toEqual(updated);
    expect((await directory.userByUsername('new.person'))?.role).toBe('supervisor');
    expect(await directory.userByUsername('hijack')).toBeUndefined();
    expect((await directory.userByExternalId('health', 'sub-1'))?.id).toBe('u-new');
    expect(await directory.userByExternalId('police', 'sub-evil')).toBeUndefined();
  });

  it('refuses an unknown user with USER_NOT_FOUND', async () => {
    const directory = await seeded();
    expect(await codeOf(directory.updateUser(user({ id: 'u-ghost' })))).toBe('USER_NOT_FOUND');
    expect(await directory.userById('u-ghost')).toBeUndefined();
  });
});

describe('publicUser and actorOf', () => {
  it('publicUser never includes the password hash, subject or on-call flag', async () => {
    const directory = await seeded();
    await directory.createUser(user({ externalId: 'sub-1' }));
    expect(publicUser((await directory.userById('u-new'))!)).toEqual({
      id: 'u-new',
      username: 'new.person',
      name: 'New Person',
      role: 'clinician',
      agencyId: 'health',
    });
  });

  it('actorOf gives what the access policy needs', async () => {
    const directory = await seeded();
    expect(actorOf((await directory.userById('u-clin'))!)).toEqual({ id: 'u-clin', role: 'clinician', agencyId: 'health', onCall: true });
  });
});

describe('seedSchema', () => {
  it('defaults devices and agreements to empty lists', () => {
    const { devices: _devices, agreements: _agreements, ...rest } = seed();
    const parsed = seedSchema.parse(rest);
    expect(parsed.devices).toEqual([]);
    expect(parsed.agreements).toEqual([]);
  });

  it('accepts agreements with scope all or marked only', () => {
    const withAgreement = (scope: string) => ({ ...seed(), agreements: [{ id: 'agr-1', fromAgencyId: 'police', toAgencyId: 'health', scope }] });
    expect(seedSchema.safeParse(withAgreement('all')).success).toBe(true);
    expect(seedSchema.safeParse(withAgreement('marked')).success).toBe(true);
    expect(seedSchema.safeParse(withAgreement('some')).success).toBe(false);
  });

  it('refuses unknown keys, unknown roles and non-scrypt hashes', () => {
    expect(seedSchema.safeParse({ ...seed(), extra: 1 }).success).toBe(false);
    const badRole = seed();
    (badRole.users[0] as { role: string }).role = 'chief';
    expect(seedSchema.safeParse(badRole).success).toBe(false);
    const badHash = seed();
    badHash.users[0]!.passwordHash = 'bcrypt$xyz';
    expect(seedSchema.safeParse(badHash).success).toBe(false);
    const badOnCall = seed();
    (badOnCall.users[0] as Record<string, unknown>).onCall = 'yes';
    expect(seedSchema.safeParse(badOnCall).success).toBe(false);
  });

  it('refuses a plaintext password on a seed user rather than silently dropping it', () => {
    const extraUserKey = seed();
    (extraUserKey.users[0] as Record<string, unknown>).password = 'plain';
    expect(seedSchema.safeParse(extraUserKey).success).toBe(false);
  });
});

describe('config/demo-seed.json', () => {
  it('parses and has officers, supervisors, clinicians (some on call), admins, the three agencies and agreements', async () => {
    const parsed = await Directory.loadSeed(SEED_PATH);
    expect(parsed.agencies.map((a) => a.id).sort()).toEqual(['durham-police', 'harbour-health', 'metro-police']);
    const byRole = (role: string) => parsed.users.filter((u) => u.role === role);
    expect(byRole('officer').length).toBeGreaterThanOrEqual(1);
    expect(byRole('supervisor').length).toBeGreaterThanOrEqual(1);
    expect(byRole('clinician').length).toBeGreaterThanOrEqual(1);
    expect(byRole('admin').length).toBeGreaterThanOrEqual(1);
    expect(byRole('clinician').some((u) => u.onCall)).toBe(true);
    expect(byRole('clinician').some((u) => !u.onCall)).toBe(true);
    expect(parsed.agreements.length).toBeGreaterThanOrEqual(1);
    const agencyIds = new Set(parsed.agencies.map((a) => a.id));
    for (const agreement of parsed.agreements) {
      expect(agencyIds.has(agreement.fromAgencyId), agreement.id).toBe(true);
      expect(agencyIds.has(agreement.toAgencyId), agreement.id).toBe(true);
      expect(agreement.fromAgencyId, agreement.id).not.toBe(agreement.toAgencyId);
    }
    // A supervisor shares an agency with an officer (so it can supervise an incident).
    const officerAgencies = new Set(byRole('officer').map((u) => u.agencyId));
    expect(byRole('supervisor').some((u) => officerAgencies.has(u.agencyId))).toBe(true);
  });

  it('seeds a Directory', async () => {
    const directory = new Directory(new MemoryStore());
    await directory.seed(await Directory.loadSeed(SEED_PATH));
    expect((await directory.userByUsername('OFFICER.REYES'))?.role).toBe('officer');
    expect((await directory.device('cam-0001'))?.officerId).toBe('u-officer-reyes');
    for (const id of ['metro-police', 'durham-police', 'harbour-health']) expect(await directory.agency(id), id).toBeDefined();
    expect((await directory.users({ role: 'admin' })).length).toBeGreaterThanOrEqual(1);
  });
});
