import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../helpers/relay.ts';
import { startRelayProcess } from '../../helpers/relay-process.ts';
import { until } from '../../helpers/until.ts';
import { TestSocket } from '../../helpers/ws-client.ts';

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
    const { child, output } = await startRelayProcess();
    child.kill('SIGTERM');
    expect(await exited(child), output()).toBe(0);
    expect(output()).toContain('stopped');
  });

  it('drains on the first SIGTERM while an incident is live, and a second SIGTERM forces the exit', async () => {
    const { child, url } = await startRelayProcess({ SHUTDOWN_DRAIN_SECONDS: '60' });
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
