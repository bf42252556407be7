// Demo accounts (published passwords) are the default on one machine and refused wherever
// production rules apply: the relay process will not start with them beyond loopback or with
// NODE_ENV=production, and the home page's API lists them only while the demo seed is loaded.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFirstAdminSeed } from '../../../../signaling/cli/first-admin.ts';
import type { SiteInfo } from '../../../../signaling/protocol/http.ts';
import { DEMO, startRelay } from '../../../helpers/relay.ts';
import { api, startRelayProcess } from '../../../helpers/relay-process.ts';
import { startRedis } from '../../../helpers/redis-server.ts';

/** Runs signaling/main.ts until it exits by itself (or 30 s), with the given environment. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
      env: { ...process.env, PORT: '0', MEDIA_WORKERS: '1', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ADMIN = { agencyId: 'metro', agencyName: 'Metro Police', username: 'chief', name: 'Chief Admin', password: 'a-long-first-password' };

describe('demo accounts', () => {
  let dir: string;
  let seedFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-demo-'));
    seedFile = join(dir, 'seed.json');
    await writeFirstAdminSeed(seedFile, ADMIN);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each([
    ['listening beyond loopback', { HOST: '0.0.0.0' }, 'HOST=0.0.0.0 reaches beyond this machine'],
    ['with NODE_ENV=production', { NODE_ENV: 'production' }, 'NODE_ENV=production'],
  ])('the relay refuses the demo seed %s, with one paragraph saying how to create the first admin', async (_name, env, why) => {
    const result = await runMain({ ...env, DATA_DIR: join(dir, 'refused') });
    expect(result.code).toBe(1);
    const paragraph = result.stderr.trim();
    expect(paragraph.split('\n'), paragraph).toHaveLength(1);
    expect(paragraph).toMatch(/^Sightline refuses to start: SEED_FILE \(config\/demo-seed\.json\) is the demo seed/);
    expect(paragraph).toContain(why);
    expect(paragraph).toContain('npm run admin -- first-admin');
    expect(result.stdout).not.toContain('Sightline is running');
  });

  it('starts in production with a first-admin seed; the home page API lists no demo accounts', async () => {
    const relay = await startRelayProcess({ NODE_ENV: 'production', SEED_FILE: seedFile, PASSWORD_HASH_LOG2N: '17' });
    try {
      const info = await api<SiteInfo>(relay.url, 'GET', '/api/info');
      expect(info.status).toBe(200);
      expect(info.body.demoAccounts).toBeUndefined();
      expect(info.body.name).toBe('Sightline');
      // Production asks admins for a second factor: the first admin enrols an authenticator at the first sign-in.
      const first = await api<{ mfa?: { enrol: unknown } }>(relay.url, 'POST', '/api/session', { body: { username: ADMIN.username, password: ADMIN.password } });
      expect(first.status).toBe(200);
      expect(first.body.mfa?.enrol).toBeTruthy();
      expect((await api(relay.url, 'POST', '/api/session', { body: { username: DEMO.admin.username, password: DEMO.admin.password } })).status).toBe(401);
      expect(relay.output()).not.toContain('Demo accounts');
    } finally {
      relay.child.kill('SIGTERM');
      await relay.exited();
    }
  });

  it('refuses demo credentials an earlier demo run left in a shared store', async () => {
    const redis = await startRedis();
    try {
      const demo = await startRelayProcess({ REDIS_URL: redis.url });
      demo.child.kill('SIGTERM');
      expect(await demo.exited()).toBe(0);
      const result = await runMain({ NODE_ENV: 'production', REDIS_URL: redis.url, SEED_FILE: seedFile, DATA_DIR: join(dir, 'shared') });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/the directory still holds demo accounts with their published passwords \(admin, admin\.durham, cam-0001, clin\.durand/);
      expect(result.stderr).toContain('npm run admin -- first-admin');
    } finally {
      await redis.stop();
    }
  });

  it('the home page API lists the demo accounts while the demo seed is loaded, and only then', async () => {
    const demo = await startRelay();
    try {
      const info = await demo.api<SiteInfo>('GET', '/api/info');
      expect(info.body.demoAccounts).toContainEqual({ role: 'Officer', agency: 'Metro Police', username: 'officer.reyes', password: 'demo-officer' });
      expect(info.body.demoAccounts).toContainEqual({ role: 'Administrator', agency: 'Metro Police', username: 'admin', password: 'demo-admin' });
    } finally {
      await demo.close();
    }
    const real = await startRelay({ SEED_FILE: seedFile });
    try {
      const info = await real.api<SiteInfo>('GET', '/api/info');
      expect(info.body.demoAccounts).toBeUndefined();
      expect(info.body).not.toHaveProperty('demoAccounts');
    } finally {
      await real.close();
    }
  });
});
