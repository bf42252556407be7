// Starts a real coturn (Debian's turnserver) with the project's turnserver.conf for one test
// file: the TURN REST secret and ports on the command line, TLS off (no certificate in tests),
// the media address re-allowed as a peer. Everything else (TCP relaying off, denied peers,
// quotas) comes from turnserver.conf itself, so the tests check the file that is deployed. Stopped and its directory removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.ts';
import { tryAllocate } from './turn-client.ts';

export interface TestCoturn {
  secret: string;
  host: string;
  port: number;
  /** For TURN_URLS. */
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startCoturn(options: {
  listenIp?: string;
  allowedPeerIp: string;
  relayPorts?: { min: number; max: number };
  /** Also listen and relay on ::1 (IPv6 allocations). */
  ipv6?: boolean;
}): Promise<TestCoturn> {
  const host = options.listenIp ?? '127.0.0.1';
  const port = await freePort();
  const secret = randomBytes(24).toString('base64url');
  const dir = await mkdtemp(join(tmpdir(), 'sightline-coturn-'));
  const relay = options.relayPorts ?? { min: 49160 + (process.pid % 40) * 20, max: 49160 + (process.pid % 40) * 20 + 19 };
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-c', 'turnserver.conf',
      `--static-auth-secret=${secret}`,
      '--listening-ip', host,
      '--relay-ip', host,
      ...(options.ipv6 ? ['--listening-ip', '::1', '--relay-ip', '::1'] : []),
      '--listening-port', String(port),
      '--min-port', String(relay.min),
      '--max-port', String(relay.max),
      `--allowed-peer-ip=${options.allowedPeerIp}`,
      '--no-tls', '--no-dtls',
      // coturn refuses loopback peers outright unless told; tests keep media on 127.0.0.1.
      ...(options.allowedPeerIp.startsWith('127.') ? ['--allow-loopback-peers'] : []),
      '--pidfile', join(dir, 'turnserver.pid'),
      '--userdb', join(dir, 'turndb'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // Never outlive the test process, even when it dies before its afterAll.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Ready once it answers an Allocate (with the 401 challenge for these junk credentials).
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`turnserver exited:\n${output}`);
    }
    const answer = await tryAllocate(host, port, 'probe', 'probe', 300).catch(() => null);
    if (answer) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not answer on ${host}:${port}:\n${output}`);
    }
  }
  return { secret, host, port, url: `turn:${host}:${port}?transport=udp`, output: () => output, stop };
}
