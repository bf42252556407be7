// Who exists: agencies, users with roles, and camera devices registered to officers.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const role = z.enum(['officer', 'clinician', 'supervisor', 'admin']);
export type Role = z.infer<typeof role>;

const agencySchema = z.strictObject({ id: z.string().min(1), name: z.string().min(1) });
const userSchema = z.strictObject({
  id: z.string().min(1),
  username: z.string().min(1),
  name: z.string().min(1),
  role,
  agencyId: z.string().min(1),
  passwordHash: z.string().startsWith('scrypt$'),
});
const deviceSchema = z.strictObject({
  id: z.string().min(1),
  officerId: z.string().min(1),
  keyHash: z.string().startsWith('scrypt$'),
});
export const seedSchema = z.strictObject({
  agencies: z.array(agencySchema),
  users: z.array(userSchema),
  devices: z.array(deviceSchema).default([]),
});

export type Agency = z.infer<typeof agencySchema>;
export type User = z.infer<typeof userSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Seed = z.infer<typeof seedSchema>;

/** Read-only view of the directory used by authentication and authorization. */
export interface Directory {
  userById(id: string): User | undefined;
  userByUsername(username: string): User | undefined;
  usersWithRole(role: Role): User[];
  agency(id: string): Agency | undefined;
  device(id: string): Device | undefined;
}

export class MemoryDirectory implements Directory {
  readonly #users = new Map<string, User>();
  readonly #usernames = new Map<string, User>();
  readonly #agencies = new Map<string, Agency>();
  readonly #devices = new Map<string, Device>();

  constructor(seed: Seed) {
    for (const agency of seed.agencies) {
      if (this.#agencies.has(agency.id)) throw new Error(`duplicate agency id ${agency.id}`);
      this.#agencies.set(agency.id, agency);
    }
    for (const user of seed.users) {
      if (!this.#agencies.has(user.agencyId)) throw new Error(`user ${user.id} names unknown agency ${user.agencyId}`);
      if (this.#usernames.has(user.username.toLowerCase())) throw new Error(`duplicate username ${user.username}`);
      if (this.#users.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
      this.#users.set(user.id, user);
      this.#usernames.set(user.username.toLowerCase(), user);
    }
    for (const device of seed.devices) {
      if (this.#devices.has(device.id)) throw new Error(`duplicate device id ${device.id}`);
      if (this.#users.get(device.officerId)?.role !== 'officer') {
        throw new Error(`device ${device.id} must belong to an officer`);
      }
      this.#devices.set(device.id, device);
    }
  }

  static async fromFile(path: string): Promise<MemoryDirectory> {
    const raw = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return new MemoryDirectory(seedSchema.parse(raw));
  }

  userById(id: string): User | undefined {
    return this.#users.get(id);
  }

  userByUsername(username: string): User | undefined {
    return this.#usernames.get(username.toLowerCase());
  }

  usersWithRole(wanted: Role): User[] {
    return [...this.#users.values()].filter((user) => user.role === wanted);
  }

  agency(id: string): Agency | undefined {
    return this.#agencies.get(id);
  }

  device(id: string): Device | undefined {
    return this.#devices.get(id);
  }
}

/** The public face of a user: never includes the password hash. */
export const publicUser = (user: User) => ({
  id: user.id,
  username: user.username,
  name: user.name,
  role: user.role,
  agencyId: user.agencyId,
});
