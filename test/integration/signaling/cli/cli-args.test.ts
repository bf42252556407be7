// The operator CLIs, spawned for real: one argument parser (node:util parseArgs) behind all three,
// --help answers with usage and exit 0, a bad argument is one line on stderr and exit 2.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSchema } from '../../../../signaling/identity/directory.ts';
import { verifySecret } from '../../../../signaling/identity/passwords.ts';
import { runCli } from '../../../helpers/cli.ts';

const scripts = [
  { script: 'admin', name: 'admin' },
  { script: 'audit-verify', name: 'audit:verify' },
  { script: 'audit-purge', name: 'audit:purge' },
] as const;

const noStack = (stderr: string) => expect(stderr, stderr).not.toMatch(/^\s+at /m);

describe('operator CLIs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-cli-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each(scripts)('$name --help prints its usage and exits 0', async ({ script, name }) => {
    const result = await runCli(script, ['--help'], { DATA_DIR: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${name}`));
    expect(result.stderr).toBe('');
  });

  it.each(scripts)('$name reports an unknown option in one line on stderr, exit 2', async ({ script, name }) => {
    const result = await runCli(script, ['--bogus'], { DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([`${name}: Unknown option '--bogus' (see --help)`]);
    expect(result.stdout).toBe('');
    noStack(result.stderr);
  });

  it.each([
    ['admin', ['list-users', '--url'], "admin: Option '--url <value>' argument missing (see --help)"],
    ['admin', ['frobnicate', '--user', 'a', '--password', 'b'], 'admin: unknown command frobnicate (see --help)'],
    ['admin', ['list-users'], 'admin: list-users needs --user and --password (or SIGHTLINE_ADMIN_USER/SIGHTLINE_ADMIN_PASSWORD) (see --help)'],
    ['admin', ['first-admin', '--seed-file', 'x.json'], 'admin: first-admin needs --agency-id (see --help)'],
    ['admin', ['--on-call=yes'], "admin: Option '--on-call' does not take an argument (see --help)"],
    ['audit-verify', ['--file', 'a', '--redis', 'redis://127.0.0.1:1'], 'audit:verify: give --file or --redis, not both (see --help)'],
    ['audit-verify', ['extra'], 'audit:verify: unexpected argument extra (see --help)'],
    ['audit-purge', ['--now', 'yesterday'], 'audit:purge: --now must be an ISO 8601 time (see --help)'],
    ['audit-purge', ['--now'], "audit:purge: Option '--now <value>' argument missing (see --help)"],
  ] as const)('%s %j: one line, exit 2', async (script, args, line) => {
    const result = await runCli(script, [...args], { DATA_DIR: dir, SIGHTLINE_ADMIN_USER: '', SIGHTLINE_ADMIN_PASSWORD: '' });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([line]);
    noStack(result.stderr);
  });

  it('a failure that is not about the arguments is one line too, without the usage hint', async () => {
    const result = await runCli('audit-verify', ['--file', join(dir, 'missing.jsonl'), '--key', join(dir, 'missing.jwk')], { DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^audit:verify: cannot read the signing key/);
    noStack(result.stderr);
  });

  it('admin first-admin writes a seed with one agency and its admin, and never overwrites it', async () => {
    const path = join(dir, 'seed.json');
    const args = ['first-admin', '--seed-file', path, '--agency-id', 'metro', '--agency-name', 'Metro Police', '--username', 'chief', '--name', 'Chief Admin'];
    const result = await runCli('admin', args);
    expect(result.code, result.stderr).toBe(0);
    const password = /Password for chief \(shown once\): (\S+)/.exec(result.stdout)?.[1];
    expect(password).toBeDefined();
    const seed = seedSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    expect(seed.agencies).toEqual([{ id: 'metro', name: 'Metro Police' }]);
    expect(seed.users).toMatchObject([{ username: 'chief', role: 'admin', agencyId: 'metro' }]);
    expect(seed.users[0]!.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    await expect(verifySecret(password!, seed.users[0]!.passwordHash!)).resolves.toBe(true);

    const again = await runCli('admin', args);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^admin: EEXIST/);
    noStack(again.stderr);
  });
});
