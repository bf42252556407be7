// Debian's simple-whip-client (GStreamer webrtcbin, libnice) as an independent WHIP publisher,
// run inside a test network namespace (libnice ignores loopback).
//
// Debian 12 ships it linked against libsoup 2, while libnice pulls in libsoup 3 through its
// UPnP library (libgupnp-igd → libgupnp → libsoup 3); the two in one process abort it at start
// ("libsoup2 symbols detected"). The client is therefore run with a stand-in libgupnp-igd
// (gupnp-igd-stub.c: UPnP port mapping off), built here with gcc and cached by source hash.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STUB = fileURLToPath(new URL('./gupnp-igd-stub.c', import.meta.url));

function shimDirectory(): string {
  const source = readFileSync(STUB);
  const dir = join(homedir(), '.cache', 'sightline', 'gupnp-igd-shim', createHash('sha256').update(source).digest('hex').slice(0, 16));
  const library = join(dir, 'libgupnp-igd-1.0.so.4');
  if (!existsSync(library)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wl,-soname,libgupnp-igd-1.0.so.4', '-o', library, STUB], { stdio: 'inherit' });
  }
  return dir;
}

export const TEST_PATTERN = {
  audio: 'audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue ! opusenc ! rtpopuspay pt=100 ssrc=1 ! queue ! application/x-rtp,media=audio,encoding-name=OPUS,payload=100',
  video: 'videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=480,framerate=20/1 ! videoconvert ! queue ! vp8enc deadline=1 ! rtpvp8pay pt=96 ssrc=2 picture-id-mode=15-bit ! queue ! application/x-rtp,media=video,encoding-name=VP8,payload=96',
};

export interface WhipClient {
  process: ChildProcess;
  output(): string;
  /** SIGINT: the client sends DELETE and exits. */
  stop(): Promise<number | null>;
}

export function startWhipClient(exec: string[], url: string, token: string): WhipClient {
  const child = spawn(exec[0]!, [...exec.slice(1), 'whip-client', '-u', url, '-t', token, '-l', '4', '-o', '-A', TEST_PATTERN.audio, '-V', TEST_PATTERN.video], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LD_LIBRARY_PATH: shimDirectory() },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // Never outlive the test process, even when it dies before its afterAll.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  return {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
