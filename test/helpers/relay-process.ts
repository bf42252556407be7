// The relay as a real process (`node --import tsx signaling/main.ts`), for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { until } from './until.ts';

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited(): Promise<number | null>;
}

export async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', MEDIA_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = () =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
    );
  const url = await until(
    () => {
      if (child.exitCode !== null) throw new Error(`the relay exited during startup:\n${output}`);
      return /Sightline is running: (http:\/\/[^/\s]+)/.exec(output)?.[1];
    },
    30_000,
    'the relay to listen',
  );
  return { child, url, wsUrl: `${url.replace('http', 'ws')}/ws`, output: () => output, exited };
}
