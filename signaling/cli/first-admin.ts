// The first administrator of a new deployment: a seed file (SEED_FILE) with one agency and one
// admin user, written without a running relay. Everyone else is then created by that admin.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { seedSchema, type Seed } from '../identity/directory.ts';
import { hashSecret, OWASP_COST } from '../identity/passwords.ts';

export interface FirstAdmin {
  agencyId: string;
  agencyName: string;
  username: string;
  name: string;
  /** Generated when absent (and then printed once). */
  password?: string | undefined;
}

/** A long random password for the first sign-in. */
export const generatedPassword = () => randomBytes(18).toString('base64url');

export async function firstAdminSeed(admin: FirstAdmin & { password: string }): Promise<Seed> {
  return seedSchema.parse({
    agencies: [{ id: admin.agencyId, name: admin.agencyName }],
    users: [
      {
        id: `u-${admin.username.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`,
        username: admin.username,
        name: admin.name,
        role: 'admin',
        agencyId: admin.agencyId,
        passwordHash: await hashSecret(admin.password, OWASP_COST),
      },
    ],
  });
}

/** Writes the seed to `path`; never overwrites an existing file (mode 0600: it holds a hash). */
export async function writeFirstAdminSeed(path: string, admin: FirstAdmin): Promise<{ password: string; generated: boolean }> {
  const password = admin.password ?? generatedPassword();
  const seed = await firstAdminSeed({ ...admin, password });
  await writeFile(path, `${JSON.stringify(seed, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  return { password, generated: admin.password === undefined };
}
