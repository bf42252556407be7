// A directory seed for tests that need a second police agency: the demo seed plus
// North Police with its own supervisor and officer.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashSecret } from '../../signaling/identity/passwords.ts';

export const NORTH = {
  agencyId: 'north-police',
  supervisor: { username: 'sup.north', password: 'north-supervisor', id: 'u-sup-north' },
};

/** Writes the extended seed into `dir` and returns its path (for SEED_FILE). */
export async function writeTwoAgencySeed(dir: string): Promise<string> {
  const seed = JSON.parse(await readFile('config/demo-seed.json', 'utf8')) as { agencies: unknown[]; users: unknown[] };
  seed.agencies.push({ id: NORTH.agencyId, name: 'North Police Service' });
  seed.users.push({
    id: NORTH.supervisor.id,
    username: NORTH.supervisor.username,
    name: 'Sgt. North',
    role: 'supervisor',
    agencyId: NORTH.agencyId,
    passwordHash: await hashSecret(NORTH.supervisor.password),
  });
  const path = join(dir, 'seed.json');
  await writeFile(path, JSON.stringify(seed));
  return path;
}
