#!/usr/bin/env node
// Makes sure node_modules/mediasoup has a mediasoup-worker that runs on this machine.
//
// The worker is always this recipe's build (scripts/mediasoup-worker/), which also carries
// behaviour fixes (patch-sources.py), never mediasoup's own prebuilt download:
// 1. The worker in node_modules is kept if it runs and its stamp names this version and recipe.
// 2. Otherwise a cached local build is used, keyed by mediasoup version and recipe hash,
//    under ${XDG_CACHE_HOME:-~/.cache}/sightline/mediasoup-worker/.
// 3. Otherwise the worker is built from the npm tarball against Debian's libraries
//    (scripts/mediasoup-worker/build-worker.sh) and cached for next time.
//
// mediasoup is an optional dependency: where its postinstall cannot download or build a
// worker (no GitHub access), npm drops it and carries on, and this step reinstalls the
// package without scripts before placing the worker.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, chmodSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const recipeDir = join(root, 'scripts', 'mediasoup-worker');
const log = (msg) => console.error(`[sightline:worker] ${msg}`);
const fail = (msg) => {
  console.error(`[sightline:worker] ERROR: ${msg}`);
  process.exit(1);
};

const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies?.mediasoup;
if (!pinned || !/^\d+\.\d+\.\d+$/.test(pinned)) fail('package.json must pin mediasoup to an exact version in optionalDependencies');

const packageDir = join(root, 'node_modules', 'mediasoup');
const installedBinary = join(packageDir, 'worker', 'out', 'Release', 'mediasoup-worker');
/** Names the version and recipe of the worker placed in node_modules. */
const installedStamp = `${installedBinary}.recipe`;

/** A mediasoup-worker started without MEDIASOUP_VERSION exits with code 41: proof it loads and runs here. */
function workerRuns(binary) {
  if (!existsSync(binary)) return false;
  const run = spawnSync(binary, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
  return run.status === 41;
}

function recipeHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(recipeDir);
  return hash.digest('hex').slice(0, 12);
}

function ensurePackage() {
  const manifest = join(packageDir, 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === pinned) return;
  log(`installing mediasoup@${pinned} without its download step`);
  execFileSync('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `mediasoup@${pinned}`], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
}

function place(binary) {
  mkdirSync(dirname(installedBinary), { recursive: true });
  copyFileSync(binary, `${installedBinary}.partial`);
  chmodSync(`${installedBinary}.partial`, 0o755);
  renameSync(`${installedBinary}.partial`, installedBinary);
}

ensurePackage();
const key = `${pinned}-${recipeHash()}`;
const stampOf = (path) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : '');
if (workerRuns(installedBinary) && stampOf(installedStamp) === key) {
  log(`mediasoup ${pinned}: worker present and runnable (${installedBinary}, recipe ${key})`);
  process.exit(0);
}

const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sightline', 'mediasoup-worker');
const cached = join(cacheRoot, key, 'mediasoup-worker');
if (workerRuns(cached)) {
  log(`using cached build ${cached}`);
} else {
  log(`no runnable worker for mediasoup ${pinned}: building it (cache: ${cached})`);
  const system = spawnSync('bash', [join(root, 'scripts', 'ensure-system-packages.sh'), 'worker-build'], { stdio: ['ignore', process.stderr, process.stderr] });
  if (system.status !== 0) fail('the build packages are missing; see the message above');
  const build = spawnSync('bash', [join(recipeDir, 'build-worker.sh'), pinned, cached], { stdio: ['ignore', process.stderr, process.stderr] });
  if (build.status !== 0) fail(`building mediasoup-worker ${pinned} failed; see the output above`);
  if (!workerRuns(cached)) fail(`the freshly built worker at ${cached} does not run on this machine`);
}
place(cached);
writeFileSync(installedStamp, `${key}\n`);
log(`mediasoup ${pinned}: worker ready (${installedBinary})`);
