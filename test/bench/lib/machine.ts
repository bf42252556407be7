// The machine a benchmark ran on, and the system packages the benchmarks need.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { version as mediasoupVersion } from 'mediasoup';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Machine {
  cpuModel: string;
  cores: number;
  threadsPerCore: number | null;
  memoryGiB: number;
  kernel: string;
  node: string;
  mediasoup: string;
  chromium: string | null;
  janus: string | null;
  ffmpeg: string | null;
}

/** A command's stdout, or null when it cannot run (some tools print their version and exit 1). */
const quiet = (command: string, args: string[]): string | null => {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.error || !result.stdout ? null : result.stdout.trim();
};

export function describeMachine(): Machine {
  const lscpu = quiet('lscpu', []) ?? '';
  const field = (name: string) => lscpu.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim();
  const nproc = Number(quiet('nproc', [])) || cpus().length;
  return {
    cpuModel: field('Model name') ?? cpus()[0]?.model ?? 'unknown',
    cores: nproc,
    threadsPerCore: Number(field('Thread\\(s\\) per core')) || null,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    mediasoup: mediasoupVersion,
    chromium: quiet(process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium', ['--version']),
    janus: quiet('janus', ['--version'])?.split('\n')[0]?.replace(/^Janus version:\s*/, 'Janus ') ?? null,
    ffmpeg: quiet('ffmpeg', ['-version'])?.split('\n')[0]?.replace(/ Copyright.*$/, '') ?? null,
  };
}

/**
 * Installs the Debian packages of the `bench` group when some are missing (as root), or says how.
 * Quick mode goes on without them (it skips Janus); a full run needs them.
 */
export function ensureBenchPackages(): void {
  try {
    execFileSync('bash', [`${REPO_ROOT}scripts/ensure-system-packages.sh`, 'bench'], { stdio: ['ignore', process.stderr, process.stderr] });
  } catch (error) {
    if (!isQuick()) throw error;
    log('bench packages missing; quick mode continues without them');
  }
}

/** Quick mode (BENCH_QUICK=1): a few iterations and small N, for the CI smoke test. */
export const isQuick = (): boolean => ['1', 'true', 'yes'].includes((process.env.BENCH_QUICK ?? '').toLowerCase());

/**
 * Whether a bench also measures Janus: always in a full run; in quick mode only where Janus is
 * installed and the bench runs as root (network namespaces). BENCH_JANUS=0 or 1 decides outright.
 */
export const withJanus = (): boolean => {
  if (process.env.BENCH_JANUS === '0') return false;
  if (!isQuick() || process.env.BENCH_JANUS === '1') return true;
  return process.getuid?.() === 0 && quiet('janus', ['--version']) !== null;
};

/** Benchmark progress goes to stderr; stdout carries only the JSON report. */
export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
