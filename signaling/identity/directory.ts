// Who exists: agencies (optionally with their own OIDC identity provider), users with roles,
// and camera devices registered to officers. Kept in the shared Store; seeded from a file.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import type { Role } from '../protocol/roles.ts';
import { agencyRoleSchema, roleSchema as role } from '../protocol/role-schema.ts';
import type { Collection, Store } from '../state/store.ts';

export { role, type Role };

export const oidcSettings = z.object({
  issuer: z.string().min(1),
  jwksUrl: z.string().min(1),
  audience: z.string().min(1),
  roleClaim: z.string().min(1).default('roles'),
  /** Claim value → Sightline role. */
  roleMap: z.record(z.string(), agencyRoleSchema),
});
export type OidcSettings = z.infer<typeof oidcSettings>;

const agencySchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  oidc: oidcSettings.optional(),
  /** Evidence recording of the agency's incidents; absent means on. Switched by its admin. */
  recording: z.boolean().optional(),
});
const userSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().min(1),
  role,
  agencyId: z.string().min(1),
  /** Absent for people who sign in only through their agency's identity provider. */
  passwordHash: z.string().startsWith('scrypt$').optional(),
  /** The identity provider's subject, for OIDC sign-in. */
  externalId: z.string().optional(),
  onCall: z.boolean().default(false),
  /** The second factor, once enrolled: the authenticator's secret, hashes of unused recovery codes, the last time step used. */
  mfa: z.object({ totpSecret: z.string(), recoveryHashes: z.array(z.string()), enrolledAt: z.number(), lastStep: z.number() }).optional(),
  /** Passkeys (WebAuthn) the person added, as a second factor beside the authenticator app. */
  passkeys: z
    .array(z.object({ id: z.string(), publicKey: z.string(), counter: z.number(), transports: z.array(z.string()), label: z.string(), addedAt: z.number() }))
    .optional(),
});
const deviceSchema = z.object({ id: z.string().min(1), officerId: z.string().min(1), keyHash: z.string().startsWith('scrypt$') });
/** A WHEP player an admin registered to a clinician: the only way to play a grant without the browser. */
const playerSchema = z.object({ id: z.string().min(1), clinicianId: z.string().min(1), keyHash: z.string().startsWith('scrypt$') });
/** The demo seed's published passwords (for the home page); a seed with this section is a demo seed. */
const demoSection = z.strictObject({
  note: z.string().optional(),
  accounts: z.array(z.strictObject({ role: z.string(), agency: z.string(), username: z.string(), password: z.string() })),
});
export const seedSchema = z.strictObject({
  demo: demoSection.optional(),
  agencies: z.array(agencySchema.strict()),
  users: z.array(userSchema.strict()),
  devices: z.array(deviceSchema).default([]),
  players: z.array(playerSchema).default([]),
  agreements: z
    .array(z.object({ id: z.string().min(1), fromAgencyId: z.string(), toAgencyId: z.string(), scope: z.enum(['all', 'marked']), recordings: z.boolean().default(false) }))
    .default([]),
});

export type Agency = z.infer<typeof agencySchema>;
export type User = z.infer<typeof userSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Player = z.infer<typeof playerSchema>;
export type Seed = z.infer<typeof seedSchema>;

export class Directory {
  readonly #agencies: Collection<Agency>;
  readonly #users: Collection<User>;
  readonly #usernames: Collection<{ userId: string }>;
  readonly #external: Collection<{ userId: string }>;
  readonly #devices: Collection<Device>;
  readonly #players: Collection<Player>;

  constructor(store: Store) {
    this.#agencies = store.collection('agencies', agencySchema);
    this.#users = store.collection('users', userSchema);
    this.#usernames = store.collection('usernames', z.object({ userId: z.string() }));
    this.#external = store.collection('external-ids', z.object({ userId: z.string() }));
    this.#devices = store.collection('devices', deviceSchema);
    this.#players = store.collection('players', playerSchema);
  }

  static async loadSeed(path: string): Promise<Seed> {
    return seedSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  }

  /** Adds the seed's agencies, users and devices that do not exist yet; existing records are kept. */
  async seed(seed: Seed): Promise<void> {
    for (const agency of seed.agencies) await this.#agencies.create(agency.id, agency);
    for (const user of seed.users) {
      if (!(await this.#agencies.get(user.agencyId))) throw new Error(`user ${user.id} names unknown agency ${user.agencyId}`);
      if (await this.#users.get(user.id)) continue;
      await this.createUser(user);
    }
    for (const device of seed.devices) if (!(await this.#devices.get(device.id))) await this.createDevice(device);
    for (const player of seed.players) if (!(await this.#players.get(player.id))) await this.createPlayer(player);
  }

  agency = (id: string) => this.#agencies.get(id);
  agencies = () => this.#agencies.list();
  userById = (id: string) => this.#users.get(id);
  device = (id: string) => this.#devices.get(id);
  player = (id: string) => this.#players.get(id);

  async userByUsername(username: string): Promise<User | undefined> {
    const entry = await this.#usernames.get(username.toLowerCase());
    return entry ? this.#users.get(entry.userId) : undefined;
  }

  async userByExternalId(agencyId: string, subject: string): Promise<User | undefined> {
    const entry = await this.#external.get(`${agencyId}:${subject}`);
    return entry ? this.#users.get(entry.userId) : undefined;
  }

  async users(filter: { role?: Role; agencyId?: string } = {}): Promise<User[]> {
    return (await this.#users.list())
      .filter((u) => (!filter.role || u.role === filter.role) && (!filter.agencyId || u.agencyId === filter.agencyId))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Switches evidence recording of an agency's future incidents on or off. */
  async setAgencyRecording(agencyId: string, enabled: boolean): Promise<Agency> {
    const agency = await this.#agencies.get(agencyId);
    if (!agency) throw new SightlineError('AGENCY_NOT_FOUND');
    const updated = { ...agency, recording: enabled };
    await this.#agencies.put(agencyId, updated);
    return updated;
  }

  async createAgency(agency: Agency): Promise<Agency> {
    if (!(await this.#agencies.create(agency.id, agency))) throw new SightlineError('ALREADY_EXISTS', `agency ${agency.id} exists`);
    return agency;
  }

  async createUser(user: User): Promise<User> {
    if (!(await this.#agencies.get(user.agencyId))) throw new SightlineError('AGENCY_NOT_FOUND');
    if (await this.#users.get(user.id)) throw new SightlineError('ALREADY_EXISTS', `user ${user.id} exists`);
    if (!(await this.#usernames.create(user.username.toLowerCase(), { userId: user.id }))) {
      throw new SightlineError('ALREADY_EXISTS', `username ${user.username} is taken`);
    }
    if (user.externalId && !(await this.#external.create(`${user.agencyId}:${user.externalId}`, { userId: user.id }))) {
      await this.#usernames.delete(user.username.toLowerCase());
      throw new SightlineError('ALREADY_EXISTS', 'that identity-provider subject already has a user');
    }
    if (!(await this.#users.create(user.id, user))) {
      await this.#usernames.delete(user.username.toLowerCase());
      if (user.externalId) await this.#external.delete(`${user.agencyId}:${user.externalId}`);
      throw new SightlineError('ALREADY_EXISTS', `user ${user.id} exists`);
    }
    return user;
  }

  /** Replaces a user's record (role or on-call changes); the username and identity-provider link stay. */
  async updateUser(user: User): Promise<User> {
    const existing = await this.#users.get(user.id);
    if (!existing) throw new SightlineError('USER_NOT_FOUND');
    const updated = { ...user, username: existing.username, externalId: existing.externalId, agencyId: existing.agencyId };
    await this.#users.put(user.id, updated);
    return updated;
  }

  /** Replaces a credential hash with a stronger one of the same secret (upgrade at sign-in). */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = await this.#users.get(userId);
    if (user) await this.#users.put(userId, { ...user, passwordHash });
  }

  /** Stores a person's second factor, or (null) removes it so that they enrol again. */
  async setMfa(userId: string, mfa: NonNullable<User['mfa']> | null): Promise<void> {
    await this.#users.update(userId, ({ mfa: _old, ...user }) => (mfa ? { ...user, mfa } : user));
  }

  async setPasskeys(userId: string, passkeys: NonNullable<User['passkeys']>): Promise<void> {
    await this.#users.update(userId, (user) => ({ ...user, passkeys }));
  }

  async setDeviceKeyHash(deviceId: string, keyHash: string): Promise<void> {
    const device = await this.#devices.get(deviceId);
    if (device) await this.#devices.put(deviceId, { ...device, keyHash });
  }

  async createDevice(device: Device): Promise<Device> {
    if ((await this.#users.get(device.officerId))?.role !== 'officer') throw new SightlineError('BAD_REQUEST', 'a camera must belong to an officer');
    if (!(await this.#devices.create(device.id, device))) throw new SightlineError('ALREADY_EXISTS', `device ${device.id} exists`);
    return device;
  }

  async createPlayer(player: Player): Promise<Player> {
    if ((await this.#users.get(player.clinicianId))?.role !== 'clinician') throw new SightlineError('BAD_REQUEST', 'a player must belong to a clinician');
    if (!(await this.#players.create(player.id, player))) throw new SightlineError('ALREADY_EXISTS', `player ${player.id} exists`);
    return player;
  }
}

/** The public face of a user: never includes credentials. */
export const publicUser = (user: User) => ({
  id: user.id,
  username: user.username,
  name: user.name,
  role: user.role,
  agencyId: user.agencyId,
});

export const actorOf = (user: User) => ({ id: user.id, role: user.role, agencyId: user.agencyId, onCall: user.onCall });
