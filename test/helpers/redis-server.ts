// Starts a real redis-server on a free loopback port for one test file, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** Removes every key, between tests. */
  flush(): Promise<void>;
  /** Kills the server (default SIGKILL: no chance to write anything more), keeping its data directory. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data directory (after `kill`). */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as on a cut network; `resume` thaws it. */
  freeze(): void;
  resume(): void;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `durable` turns on AOF with fsync on every write, as production audit storage is configured. */
export async function startRedis(options: { durable?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sightline-redis-'));
  const persistence = options.durable
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  const url = `redis://127.0.0.1:${port}`;
  const launch = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    const client = createClient({ url });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.connect();
        await client.ping();
        break;
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return { child, client };
  };
  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let { child, client } = await launch();
  const redis: TestRedis = {
    url,
    port,
    dir,
    process: child,
    flush: async () => {
      await client.flushAll();
    },
    async kill(signal = 'SIGKILL') {
      client.destroy();
      const done = exited(child);
      child.kill(signal);
      await done;
    },
    async restart() {
      ({ child, client } = await launch());
      redis.process = child;
    },
    freeze() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async stop() {
      await client.quit().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) {
        const done = exited(child);
        child.kill('SIGTERM');
        await done;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  return redis;
}
