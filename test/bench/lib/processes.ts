// Child processes and teardown for the benchmarks. Everything a bench starts (Janus, ffmpeg,
// network namespaces, temp dirs) is registered here and torn down even when the bench fails
// or is interrupted: async teardown on the normal path, a synchronous last resort on exit.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

type Teardown = { name: string; run: () => Promise<void> | void; sync: () => void };
const teardowns: Teardown[] = [];
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const t of teardowns.splice(0).reverse()) {
      try {
        t.sync();
      } catch {
        // Best effort: the process is going away.
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void runTeardowns().finally(() => process.exit(130));
    });
  }
}

/** Registers a resource to release; returns a function that releases it now (once). */
export function onTeardown(name: string, run: () => Promise<void> | void, sync: () => void = () => void run()): () => Promise<void> {
  hookExit();
  const entry: Teardown = { name, run, sync };
  teardowns.push(entry);
  return async () => {
    const index = teardowns.indexOf(entry);
    if (index < 0) return;
    teardowns.splice(index, 1);
    await entry.run();
  };
}

/** Releases everything still registered, newest first. */
export async function runTeardowns(): Promise<void> {
  for (const t of teardowns.splice(0).reverse()) {
    try {
      await t.run();
    } catch (error) {
      console.error(`[bench] teardown of ${t.name} failed:`, error);
    }
  }
}

export interface Tracked {
  child: ChildProcess;
  pid: number;
  /** Output collected so far (stdout and stderr), for error messages. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Spawns a process that is killed (by its pid) at teardown; its output is kept, not shown. */
export function spawnTracked(name: string, command: string, args: string[], options: SpawnOptions = {}): Tracked {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const stop = onTeardown(
    name,
    async () => {
      if (!alive) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive && child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
    () => {
      if (alive) process.kill(pid, 'SIGKILL');
    },
  );
  return { child, pid, output: () => output, exited, stop };
}

let ticksPerSecond: number | null = null;

/** CPU seconds (user + system, all threads) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  ticksPerSecond ??= clockTicks();
  return (utime + stime) / ticksPerSecond;
}

function clockTicks(): number {
  // Linux reports process times in USER_HZ, which is 100 on every mainstream architecture.
  const fromEnv = Number(process.env.CLK_TCK);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 100;
}

/** Measures a process's CPU use over a window: fraction of one core. */
export async function cpuOver(pids: number[], ms: number): Promise<number[]> {
  const before = pids.map(cpuSeconds);
  const started = process.hrtime.bigint();
  await sleep(ms);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return pids.map((pid, i) => (cpuSeconds(pid) - before[i]!) / elapsed);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `probe` returns something other than undefined/false. */
export async function waitUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
