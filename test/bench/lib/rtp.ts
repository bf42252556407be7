// Synthetic camera RTP for the fan-out bench: an ffmpeg VP8 test pattern (encoded once and
// cached, then streamed with -c copy so the source costs almost no CPU), and a lightweight sink
// that counts RTP per stream and finds loss from sequence numbers.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnTracked, type Tracked } from './processes.ts';

/** The synthetic camera: 640x480, 30 fps, VP8 at about 1 Mbit/s, a keyframe every 2 s. */
export const PATTERN = { width: 640, height: 480, fps: 30, bitrate: '1M', gop: 60, seconds: 20 } as const;

export interface PatternRecipe {
  width: number;
  height: number;
  fps: number;
  bitrate: string;
  gop: number;
  seconds: number;
  /** Opus bitrate of a tone beside the picture; none without. */
  audioBitrate?: string;
}

/** Encodes the recipe once (cached outside the repository, keyed by the recipe) and returns the file. */
export function ensureTestPattern(p: PatternRecipe = PATTERN): string {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sightline', 'bench');
  const audio = p.audioBitrate ? `-opus${p.audioBitrate}` : '';
  const file = join(dir, `pattern-vp8-${p.width}x${p.height}-${p.fps}-${p.bitrate}-g${p.gop}-${p.seconds}s${audio}.webm`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial.webm`;
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${p.width}x${p.height}:rate=${p.fps}`,
    ...(p.audioBitrate ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
    '-t', String(p.seconds),
    '-c:v', 'libvpx', '-b:v', p.bitrate, '-deadline', 'realtime', '-cpu-used', '8',
    '-g', String(p.gop), '-keyint_min', String(p.gop), '-auto-alt-ref', '0',
    ...(p.audioBitrate ? ['-c:a', 'libopus', '-b:a', p.audioBitrate, '-ac', '2', '-frame_duration', '20'] : ['-an']),
    partial,
  ]);
  execFileSync('mv', [partial, file]);
  return file;
}

/** Streams the pattern in real time, looping, as RTP to host:port (RTCP muxed on the same port). */
export function startRtpSource(host: string, port: number, ssrc: number, payloadType: number): Tracked {
  return spawnTracked('ffmpeg rtp source', 'ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', ensureTestPattern(),
    '-map', '0:v:0', '-c:v', 'copy', '-f', 'rtp', '-payload_type', String(payloadType), '-ssrc', String(ssrc),
    `rtp://${host}:${port}?rtcpport=${port}&pkt_size=1200`,
  ]);
}

interface StreamCounter {
  ssrc: number | null;
  received: number;
  bytes: number;
  /** Highest extended sequence number seen (wraps counted). */
  highest: number;
  /** First extended sequence number after the last mark. */
  firstAfterMark: number | null;
  foreign: number;
}

export const isRtcp = (packet: Buffer): boolean => {
  const pt = packet[1]! & 0x7f;
  return pt >= 72 && pt <= 76; // RTCP packet types 200–204 (RFC 5761)
};

/** Every UDP socket of this network namespace (IPv4 and IPv6): local port (hex, as the kernel writes it), inode, drops. */
function udpSockets(): Array<{ port: string; inode: string; drops: number }> {
  const sockets = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const port = fields[1]?.split(':')[1];
      if (port && fields[9]) sockets.push({ port, inode: fields[9], drops: Number(fields[12] ?? 0) });
    }
  }
  return sockets;
}

/** Datagrams the kernel dropped at the UDP sockets (IPv4 or IPv6, any address) bound to `ports`. */
export function udpDrops(ports: Iterable<number>): number {
  const wanted = new Set([...ports].map((p) => p.toString(16).toUpperCase().padStart(4, '0')));
  return udpSockets()
    .filter((socket) => wanted.has(socket.port))
    .reduce((drops, socket) => drops + socket.drops, 0);
}

/** Datagrams the kernel dropped so far at each UDP socket a process holds, by socket inode. */
export function udpDropsOfProcess(pid: number): Map<string, number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    } catch {
      // closed while listing
    }
  }
  return new Map(udpSockets().filter((socket) => inodes.has(socket.inode)).map((socket) => [socket.inode, socket.drops]));
}

export interface SinkWindow {
  streams: number;
  silentStreams: number;
  received: number;
  expected: number;
  lost: number;
  lossRate: number;
  /** Mean RTP payload+header rate of one stream, Mbit/s. */
  streamMbps: number;
  totalMbps: number;
  /** Datagrams the kernel dropped at the sink's own sockets (receiver overload, not relay loss). */
  sinkDrops: number;
}

/**
 * One UDP socket per forwarded stream. RTCP (PT 200–204) and other SSRCs (mediasoup's bandwidth
 * probation packets, retransmissions) are not counted.
 */
export class RtpSink {
  readonly #sockets: Socket[] = [];
  readonly #counters: StreamCounter[] = [];
  #mark: Array<{ received: number; bytes: number; highest: number }> = [];
  #markAt = 0;
  #dropsMark = 0;

  get size(): number {
    return this.#sockets.length;
  }

  /** Adds `count` sockets on 127.0.0.1 and returns their ports. */
  async add(count: number): Promise<number[]> {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const counter: StreamCounter = { ssrc: null, received: 0, bytes: 0, highest: -1, firstAfterMark: null, foreign: 0 };
      const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
      socket.on('message', (packet) => count1(counter, packet));
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      this.#sockets.push(socket);
      this.#counters.push(counter);
      ports.push(socket.address().port);
    }
    return ports;
  }

  /** Starts a measurement window (best while the source is gated, so nothing is in flight). */
  mark(): void {
    for (const c of this.#counters) c.firstAfterMark = null;
    this.#mark = this.#counters.map((c) => ({ received: c.received, bytes: c.bytes, highest: c.highest }));
    this.#markAt = performance.now();
    this.#dropsMark = this.#kernelDrops();
  }

  /** Figures since the last mark. A stream with no packets in the window counts as fully lost. */
  window(): SinkWindow {
    const seconds = (performance.now() - this.#markAt) / 1000;
    let received = 0;
    let expected = 0;
    let bytes = 0;
    const perStream: number[] = [];
    this.#counters.forEach((c, i) => {
      const m = this.#mark[i] ?? { received: 0, bytes: 0, highest: -1 };
      const got = c.received - m.received;
      if (got === 0) return;
      // Sequence gaps within the window only: a gap across the mark is the gate, not loss.
      const span = c.highest - (c.firstAfterMark ?? c.highest) + 1;
      received += got;
      expected += Math.max(got, span);
      bytes += c.bytes - m.bytes;
      perStream.push(span);
    });
    const silent = this.#counters.length - perStream.length;
    const typical = perStream.length > 0 ? perStream.sort((a, b) => a - b)[Math.floor(perStream.length / 2)]! : 0;
    expected += silent * typical;
    const lost = Math.max(0, expected - received);
    return {
      streams: this.#counters.length,
      silentStreams: silent,
      received,
      expected,
      lost,
      lossRate: expected > 0 ? lost / expected : silent > 0 ? 1 : 0,
      streamMbps: perStream.length > 0 && seconds > 0 ? (bytes * 8) / 1e6 / seconds / perStream.length : 0,
      totalMbps: seconds > 0 ? (bytes * 8) / 1e6 / seconds : 0,
      sinkDrops: this.#kernelDrops() - this.#dropsMark,
    };
  }

  /** Counts only `ssrc` on the socket bound to `port` (otherwise the first SSRC seen is kept). */
  expect(port: number, ssrc: number): void {
    const index = this.#sockets.findIndex((s) => s.address().port === port);
    if (index >= 0) this.#counters[index]!.ssrc = ssrc;
  }

  /** Per-stream counters, for diagnostics. */
  counters(): ReadonlyArray<Readonly<StreamCounter>> {
    return this.#counters;
  }

  /** Streams that have received at least one packet. */
  flowing(): number {
    return this.#counters.filter((c) => c.received > 0).length;
  }

  close(): void {
    for (const socket of this.#sockets.splice(0)) socket.close();
    this.#counters.length = 0;
  }

  #kernelDrops(): number {
    return udpDrops(this.#sockets.map((s) => s.address().port));
  }
}

function count1(counter: StreamCounter, packet: Buffer): void {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return;
  if (isRtcp(packet)) return; // RTCP sent on the same port
  const ssrc = packet.readUInt32BE(8);
  if (counter.ssrc === null) counter.ssrc = ssrc;
  else if (ssrc !== counter.ssrc) {
    counter.foreign++;
    return;
  }
  const seq = packet.readUInt16BE(2);
  counter.received++;
  counter.bytes += packet.length;
  if (counter.highest < 0) {
    counter.highest = seq;
    counter.firstAfterMark ??= seq;
    return;
  }
  // Extend the 16-bit sequence number relative to the highest seen so far.
  const base = counter.highest & ~0xffff;
  let ext = base | seq;
  if (ext < counter.highest - 0x8000) ext += 0x10000;
  else if (ext > counter.highest + 0x8000) ext -= 0x10000;
  if (ext > counter.highest) counter.highest = ext;
  counter.firstAfterMark ??= ext;
}
