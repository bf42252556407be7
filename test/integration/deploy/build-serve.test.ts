// The production start: `npm run build` compiles the relay to dist/ (tsc) and copies the client
// build beside it; the compiled relay then runs with plain `node`, without tsx, and serves the
// pages, the API and /metrics.
import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/until.ts';

const run = promisify(execFile);

describe('npm run build, then npm run serve', () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('compiles to dist/ and the compiled relay runs on plain node', async () => {
    // Other tests serve client/dist meanwhile: the production build writes its own copy and leaves
    // that one alone (emptying it left their pages without scripts for the seconds Vite took).
    const served = 'client/dist/index.html';
    const servedBefore = existsSync(served) ? statSync(served).mtimeMs : undefined;
    await run('node', ['scripts/build.mjs'], { timeout: 240_000 });
    expect(existsSync(served) ? statSync(served).mtimeMs : undefined, 'client/dist was rebuilt').toBe(servedBefore);
    expect(existsSync('dist/signaling/main.js')).toBe(true);
    expect(existsSync('dist/server/media-plane.js')).toBe(true);
    expect(existsSync('dist/client/dist/index.html')).toBe(true);

    dataDir = await mkdtemp(join(tmpdir(), 'sightline-serve-'));
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.serve).toBe('node dist/signaling/main.js');
    const child = spawn(process.execPath, ['dist/signaling/main.js'], {
      // No tsx anywhere: not as a loader, not in NODE_OPTIONS.
      env: { ...process.env, NODE_OPTIONS: '', PORT: '0', DATA_DIR: dataDir, MEDIA_WORKERS: '1', RTC_MIN_PORT: '49400', RTC_MAX_PORT: '49499', PASSWORD_HASH_LOG2N: '14' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const url = await until(() => {
        if (child.exitCode !== null) throw new Error(`the compiled relay exited:\n${output}`);
        return /Sightline is running: (http:\/\/[^/\s]+)/.exec(output)?.[1];
      }, 60_000, 'the compiled relay to listen');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${url}/`)).text()).toContain('Sightline');
      expect((await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo-admin' }) })).status).toBe(200);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^sightline_workers 1$/m);
      expect(output).not.toMatch(/tsx/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 300_000);
});
