// Runs the relay as a real process (`signaling/main.ts`), for tests of signals, crashes and clusters.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './until.ts';

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  dataDir: string;
  output(): string;
  exited(): Promise<number | null>;
}

// SIGHTLINE_TEST_PORT_OFFSET moves the range (see relay.ts).
let rtcBase = 47000 + Number(process.env.SIGHTLINE_TEST_PORT_OFFSET ?? 0);

export async function startRelayProcess(env: Record<string, string> = {}): Promise<RelayProcess> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'sightline-proc-')));
  const rtcMin = rtcBase;
  rtcBase += 200;
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      MEDIA_WORKERS: '1',
      RTC_MIN_PORT: String(rtcMin),
      RTC_MAX_PORT: String(rtcMin + 199),
      PASSWORD_HASH_LOG2N: '14',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await until(() => {
    if (child.exitCode !== null) throw new Error(`relay exited early:\n${output}`);
    return /Sightline is running: (https?:\/\/[^/\s]+)/.exec(output)?.[1];
  }, 30_000, 'the relay to listen');
  return { child, url, wsUrl: `${url.replace('http', 'ws')}/ws`, dataDir, output: () => output, exited: () => exited };
}

export async function api<T = unknown>(url: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function loginAt(url: string, username: string, password: string): Promise<string> {
  const { status, body } = await api<{ token: string }>(url, 'POST', '/api/session', { body: { username, password } });
  if (status !== 200) throw new Error(`login ${username} failed: ${status}`);
  return body.token;
}
