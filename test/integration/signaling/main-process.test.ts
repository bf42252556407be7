import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../helpers/relay.ts';
import { until } from '../../helpers/until.ts';
import { TestSocket } from '../../helpers/ws-client.ts';

async function startProcess(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DATA_DIR: await mkdtemp(join(tmpdir(), 'sightline-main-')), MEDIA_WORKERS: '1', RTC_MIN_PORT: '47000', RTC_MAX_PORT: '47199', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await until(() => /Sightline is running: (http:\/\/[^/\s]+)/.exec(output)?.[1], 30_000, 'the relay to listen');
  return { child, url, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('the relay process', () => {
  it('refuses to start with a clear message when the configuration is invalid', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
      env: { ...process.env, PORT: 'eighty', RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await exited(child)).toBe(1);
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('PORT');
  });

  it('exits cleanly on SIGTERM when idle', async () => {
    const { child, output } = await startProcess();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(output()).toContain('stopped');
  });

  it('drains on the first SIGTERM while an incident is live, and a second SIGTERM forces the exit', async () => {
    const { child, url } = await startProcess({ SHUTDOWN_DRAIN_SECONDS: '60' });
    const login = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO.officer.username, password: DEMO.officer.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const socket = await TestSocket.open(url.replace('http', 'ws') + '/ws');
    await socket.request('auth', { token });
    const caps = (await (await fetch(`${url}/api/media/capabilities`)).json()) as { routerRtpCapabilities: object };
    await socket.request('incident.start', { rtpCapabilities: caps.routerRtpCapabilities });
    child.kill('SIGTERM');
    await until(async () => (await fetch(`${url}/readyz`)).status === 503, 5000, 'readiness to fail while draining');
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(1);
    socket.close();
  });
});
