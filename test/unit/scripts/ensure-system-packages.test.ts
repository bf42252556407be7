// The package installer is progress, never a result: whatever apt prints goes to stderr, so a bench
// or CLI that runs it keeps stdout for its JSON (a fresh machine once failed `npm test` on this).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../../scripts/ensure-system-packages.sh');

/** A PATH whose dpkg-query reports every package missing and whose apt-get prints like the real one. */
function machineWithNothingInstalled(): string {
  const bin = mkdtempSync(join(tmpdir(), 'sightline-fake-apt-'));
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('dpkg-query', 'exit 1');
  tool('apt-get', 'echo "Reading package lists... Done"; echo "Setting up $*"');
  tool('id', 'echo 0');
  return `${bin}:${process.env.PATH}`;
}

describe('ensure-system-packages.sh', () => {
  it('prints nothing on stdout while installing, and says on stderr what it installs and how long it took', () => {
    const run = spawnSync('bash', [script, 'bench'], { env: { ...process.env, PATH: machineWithNothingInstalled() }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/apt-get install .*janus/);
    expect(run.stderr).toContain('Setting up');
    expect(run.stderr).toMatch(/installed .* in \d+ s/);
  });

  it('refuses an unknown group with a message on stderr', () => {
    const run = spawnSync('bash', [script, 'nonsense'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown package group');
  });

  it('says nothing at all when every package is present', () => {
    const bin = mkdtempSync(join(tmpdir(), 'sightline-fake-dpkg-'));
    writeFileSync(join(bin, 'dpkg-query'), '#!/bin/sh\nprintf "install ok installed"\n');
    chmodSync(join(bin, 'dpkg-query'), 0o755);
    const out = execFileSync('bash', [script, 'test'], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });
});
