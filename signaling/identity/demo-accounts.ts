// Demo accounts have published passwords. They are the default for a trial on one machine, and
// refused wherever production rules apply (NODE_ENV=production or a HOST beyond loopback): both
// a demo seed and demo credentials left in a shared store by an earlier demo run.
import { existsSync } from 'node:fs';
import { isProductionLike, type Config } from '../config.ts';
import type { DemoAccount } from '../protocol/http.ts';
import { Directory, type Seed } from './directory.ts';
import { verifySecret } from './passwords.ts';

/** The demo seed shipped with Sightline (relative to the working directory, like SEED_FILE). */
export const DEMO_SEED_FILE = 'config/demo-seed.json';

/** The published demo accounts, or none where the demo seed is not installed. */
export async function publishedDemoAccounts(path = DEMO_SEED_FILE): Promise<DemoAccount[]> {
  return existsSync(path) ? ((await Directory.loadSeed(path)).demo?.accounts ?? []) : [];
}

export class DemoAccountsRefused extends Error {
  override readonly name = 'DemoAccountsRefused';
}

const why = (config: Config) =>
  config.NODE_ENV === 'production' ? 'NODE_ENV=production' : `HOST=${config.HOST} reaches beyond this machine`;

const HOW =
  'Create the first administrator of your agency instead: `npm run admin -- first-admin --seed-file /etc/sightline/seed.json ' +
  '--agency-id <id> --agency-name "<name>" --username <admin> --name "<full name>"` writes a seed with one agency and its admin ' +
  '(the password is generated and printed once); start the relay with SEED_FILE pointing at that file, sign in as that admin ' +
  'and create everyone else on admin.html or with `npm run admin -- create-user ...`. ' +
  'For a trial with the demo accounts, keep HOST=127.0.0.1 and leave NODE_ENV unset.';

/** Refuses a demo seed where production rules apply (before anything is written to the store). */
export function refuseDemoSeed(config: Config, seed: Seed): void {
  if (!isProductionLike(config) || !seed.demo) return;
  throw new DemoAccountsRefused(
    `Sightline refuses to start: SEED_FILE (${config.SEED_FILE}) is the demo seed, whose accounts have passwords published ` +
      `in the README, and ${why(config)}. ${HOW}`,
  );
}

/**
 * Refuses demo credentials already in the directory (a shared store seeded by an earlier demo run):
 * every published account whose stored credential still takes the published password.
 */
export async function refuseDemoCredentials(config: Config, directory: Directory, demo: readonly DemoAccount[]): Promise<void> {
  if (!isProductionLike(config)) return;
  const found: string[] = [];
  await Promise.all(
    demo.map(async (account) => {
      const user = await directory.userByUsername(account.username);
      const hash = user?.passwordHash ?? (await directory.device(account.username))?.keyHash;
      if (hash && (await verifySecret(account.password, hash))) found.push(account.username);
    }),
  );
  if (found.length === 0) return;
  throw new DemoAccountsRefused(
    `Sightline refuses to start: the directory still holds demo accounts with their published passwords ` +
      `(${found.sort().join(', ')}), left by an earlier demo run in the same store, and ${why(config)}. ` +
      `Remove them from the store (or use a fresh one). ${HOW}`,
  );
}
