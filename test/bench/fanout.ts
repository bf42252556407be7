// Fan-out benchmark: one synthetic body camera (ffmpeg VP8 test pattern as RTP) forwarded to N
// receivers by ONE mediasoup worker (PlainTransport producer → N PlainTransport consumers), and
// the same stream forwarded by Janus (VideoRoom remote publisher → N RTP forwarders). N rises
// until loss exceeds 1 % or the forwarding process saturates its core.
//
//   npm run bench:fanout             (BENCH_QUICK=1 for a smoke run)
import { execFileSync } from 'node:child_process';
import { PAYLOAD_TYPE, SOURCE_SSRC, janusForwarder, mediasoupForwarder, type Forwarder, type ForwarderName } from './lib/forwarders.ts';
import { isQuick, log, withJanus } from './lib/machine.ts';
import { cpuOver, sleep } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { PATTERN, startRtpSource, udpDrops } from './lib/rtp.ts';
import { RtpTap } from './lib/rtp-tap.ts';
import { ratio, round } from './lib/stats.ts';

const LOSS_LIMIT = 0.01;
const PRIORITY = -10;
const CPU_LIMIT = 0.95;

interface Step {
  sfu: ForwarderName;
  receivers: number;
  cpuCores: number;
  benchProcessCpuCores: number;
  /** Sequence gaps at the receivers, or the share of the camera's packets the forwarder never read, if more. */
  lossRate: number;
  /** Over repeated windows `lossRate` is the least, this the median. */
  lossRateMedian?: number;
  /** Datagrams the kernel dropped at the forwarder's ingest socket (it did not read fast enough). */
  ingestDrops: number;
  /** Sends the forwarder reported as failed (Janus logs them; mediasoup counts none here). */
  sendErrors: number;
  sinkDrops: number;
  silentStreams: number;
  streamMbps: number;
  forwardedMbps: number;
  /** Percent of one core per forwarded Mbit/s. */
  cpuPercentPerMbps: number | null;
  /** Measurement windows the figures are the median of. */
  windows: number;
}

/** Routes the camera to one forwarder, waits for every receiver to get media, then measures. */
async function measure(f: Forwarder, tap: RtpTap, windowMs: number): Promise<Step> {
  tap.route(f.input);
  const deadline = Date.now() + 8000; // new consumers wait for the next keyframe (every 2 s)
  while (f.sink.flowing() < f.receivers && Date.now() < deadline) await sleep(100);
  // Settle: after a pause in its input a forwarder may drop a few packets (mediasoup does).
  await sleep(500);
  f.sink.mark();
  const sentBefore = await tap.forwarded();
  const dropsBefore = udpDrops([f.input.port]);
  const errorsBefore = f.sendErrors();
  const [cpu, own] = await cpuOver([f.pid, process.pid], windowMs);
  const w = f.sink.window();
  const sent = (await tap.forwarded()) - sentBefore;
  const ingestDrops = udpDrops([f.input.port]) - dropsBefore;
  tap.route(null);
  // Sequence gaps at the receivers are exact per window; input the forwarder never read may be
  // renumbered away (Janus), so the ingest socket's drops count as loss of every receiver too.
  const lossRate = Math.max(w.lossRate, sent > 0 ? ingestDrops / sent : 0);
  const forwardedMbps = w.totalMbps;
  return {
    sfu: f.name,
    receivers: f.receivers,
    cpuCores: round(cpu!, 3),
    benchProcessCpuCores: round(own!, 3),
    lossRate: round(lossRate, 5),
    ingestDrops,
    sendErrors: f.sendErrors() - errorsBefore,
    sinkDrops: w.sinkDrops,
    silentStreams: w.silentStreams,
    streamMbps: round(w.streamMbps, 3),
    forwardedMbps: round(forwardedMbps, 1),
    cpuPercentPerMbps: forwardedMbps > 0 ? round((cpu! * 100) / forwardedMbps, 4) : null,
    windows: 1,
  };
}

function renice(pid: number): void {
  try {
    execFileSync('renice', ['-n', String(PRIORITY), '-p', String(pid)], { stdio: 'ignore' });
  } catch {
    // Without the privilege both keep the default priority, which is just as fair.
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The median of every figure over repeated windows, except loss: its least value. A forwarder out
 * of capacity loses packets in every window; a stall of the whole machine spoils only some.
 * Kernel drops and send errors are summed.
 */
function medianStep(windows: Step[]): Step {
  const pick = (key: keyof Step) => median(windows.map((w) => Number(w[key] ?? 0)));
  const sum = (key: 'ingestDrops' | 'sendErrors' | 'sinkDrops') => windows.reduce((n, w) => n + w[key], 0);
  const per = windows.map((w) => w.cpuPercentPerMbps).filter((v): v is number => v !== null);
  return {
    ...windows[0]!,
    cpuCores: pick('cpuCores'),
    benchProcessCpuCores: pick('benchProcessCpuCores'),
    lossRate: Math.min(...windows.map((w) => w.lossRate)),
    lossRateMedian: pick('lossRate'),
    ingestDrops: sum('ingestDrops'),
    sendErrors: sum('sendErrors'),
    sinkDrops: sum('sinkDrops'),
    silentStreams: pick('silentStreams'),
    streamMbps: pick('streamMbps'),
    forwardedMbps: pick('forwardedMbps'),
    cpuPercentPerMbps: per.length > 0 ? median(per) : null,
    windows: windows.length,
  };
}

function verdict(steps: Step[], sfu: ForwarderName) {
  const mine = steps.filter((s) => s.sfu === sfu);
  const ok = mine.filter((s) => s.lossRate <= LOSS_LIMIT && s.cpuCores < CPU_LIMIT);
  const best = ok.at(-1) ?? null;
  const first = mine.find((s) => s.lossRate > LOSS_LIMIT || s.cpuCores >= CPU_LIMIT);
  return {
    maxSustainedReceivers: best?.receivers ?? 0,
    cpuCoresAtMax: best?.cpuCores ?? null,
    /** Receivers one fully busy core would carry, scaled linearly from the largest sustained step. */
    receiversPerCore: best && best.cpuCores > 0 ? Math.round(best.receivers / Math.max(best.cpuCores, 0.01)) : null,
    stoppedBy: !first
      ? 'largest N tried'
      : first.cpuCores >= CPU_LIMIT
        ? 'cpu'
        : first.sinkDrops > 0
          ? 'loss (at the bench\'s sink sockets)'
          : first.ingestDrops > 0
            ? 'loss (ingest socket overflowed: the forwarder fell behind)'
            : first.sendErrors > 0
              ? 'loss (the forwarder\'s sends failed)'
              : 'loss',
  };
}

export const fanout: BenchDefinition = {
  name: 'fanout',
  title: 'Fan-out: one camera to N receivers on one core',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    const ladder = quick ? [10, 25] : [50, 100, 200, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000];
    const windowMs = quick ? 1000 : 3000;
    const repeats = quick ? 1 : 3;
    const forwarders = [await mediasoupForwarder('webrtc'), await mediasoupForwarder('plain')];
    const notes: string[] = [];
    if (withJanus()) forwarders.push(await janusForwarder());
    else notes.push('Janus skipped (quick mode without Janus or root; BENCH_JANUS=1 to force it).');
    const tap = await RtpTap.open();
    const source = startRtpSource('127.0.0.1', tap.port, SOURCE_SSRC, PAYLOAD_TYPE);
    // The whole media path (camera, tap, both forwarders) gets the same raised scheduling
    // priority, so that other work on a shared machine starves none of them into bursts.
    for (const pid of [source.pid, tap.pid, ...forwarders.map((f) => f.pid)]) renice(pid);
    const steps: Step[] = [];
    let sinkBound = false;
    for (const [i, n] of ladder.entries()) {
      const active = forwarders.filter((f) => !f.done);
      if (active.length === 0 || sinkBound) break;
      // Alternate which forwarder goes first so neither always measures right after a growth spurt.
      if (i % 2 === 1) active.reverse();
      for (const f of active) await f.grow(n);
      // Several short windows per forwarder, interleaved, and the median of each figure: a burst
      // of load from elsewhere on the machine then spoils one window, not the verdict.
      const windows = new Map<Forwarder, Step[]>(active.map((f) => [f, []]));
      for (let rep = 0; rep < repeats; rep++) {
        for (const f of rep % 2 === 0 ? active : [...active].reverse()) windows.get(f)!.push(await measure(f, tap, windowMs));
      }
      for (const f of active) {
        const step = medianStep(windows.get(f)!);
        steps.push(step);
        log(`fanout: ${f.name} N=${n} cpu=${step.cpuCores} loss=${(step.lossRate * 100).toFixed(2)}% ${step.forwardedMbps} Mbit/s bench=${step.benchProcessCpuCores}`);
        if (step.lossRate > LOSS_LIMIT || step.cpuCores >= CPU_LIMIT) f.done = `N=${n}`;
        if (step.benchProcessCpuCores >= CPU_LIMIT) sinkBound = true;
      }
    }
    if (sinkBound) notes.push('The bench process (UDP sink) saturated its core: larger N would measure the sink, not the forwarder.');
    const sightline = verdict(steps, 'sightline');
    const sightlinePlain = verdict(steps, 'sightline-plain');
    const janus = forwarders.some((f) => f.name === 'janus') ? verdict(steps, 'janus') : null;
    /** CPU per Mbit/s against Janus at the largest N both sustained. */
    const versusJanus = (name: ForwarderName) => {
      const common = steps
        .filter((s) => s.sfu === name && s.lossRate <= LOSS_LIMIT)
        .map((s) => ({ s, j: steps.find((j) => j.sfu === 'janus' && j.receivers === s.receivers && j.lossRate <= LOSS_LIMIT) }))
        .filter((p) => p.j !== undefined)
        .at(-1);
      return { atReceivers: common?.s.receivers ?? null, ratio: common ? ratio(common.s.cpuPercentPerMbps, common.j!.cpuPercentPerMbps) : null };
    };
    const webrtcVsJanus = versusJanus('sightline');
    const plainVsJanus = versusJanus('sightline-plain');
    const groups = [...new Set(steps.map((s) => s.receivers))];
    const series = (sfu: ForwarderName, pick: (s: Step) => number | null) =>
      groups.map((n) => {
        const s = steps.find((x) => x.sfu === sfu && x.receivers === n);
        return s ? pick(s) : null;
      });
    const names = forwarders.map((f) => f.name);
    return {
      results: {
        stream: { codec: 'VP8', ...PATTERN, source: 'ffmpeg testsrc2, pre-encoded, streamed with -c copy' },
        lossLimit: LOSS_LIMIT,
        cpuLimit: CPU_LIMIT,
        steps,
        sightline,
        sightlinePlain,
        janus,
        cpuPerMbpsRatio: {
          atReceivers: webrtcVsJanus.atReceivers,
          sightlineOverJanus: webrtcVsJanus.ratio,
          plainAtReceivers: plainVsJanus.atReceivers,
          plainOverJanus: plainVsJanus.ratio,
        },
      },
      targets: [
        target('receivers per core (WebRTC consumer settings)', '≥ 500', sightline.receiversPerCore, 'receivers', (v) => v >= 500),
        target('receivers per core (plain RTP)', '≥ 500', sightlinePlain.receiversPerCore, 'receivers', (v) => v >= 500),
        target('CPU per Mbit/s vs Janus (WebRTC consumer settings)', '≤ 0.7×', webrtcVsJanus.ratio, '×', (v) => v <= 0.7),
        target('CPU per Mbit/s vs Janus (plain RTP, like for like)', '≤ 0.7×', plainVsJanus.ratio, '×', (v) => v <= 0.7),
      ],
      method: [
        `One ffmpeg process streams a pre-encoded VP8 test pattern (${PATTERN.width}x${PATTERN.height}, ${PATTERN.fps} fps, ~${PATTERN.bitrate}bit/s, keyframe every 2 s) as RTP into a UDP tap that feeds exactly one forwarder at a time, so all forward the same packets and never compete for CPU.`,
        'Sightline: one mediasoup worker per variant, a PlainTransport producer and N PlainTransport consumers (the media plane\'s router codecs). `sightline` consumers ask for the router\'s full capabilities as a browser does (NACK and its retransmission buffer, PLI/FIR, transport-cc and other header extensions, RTCP); `sightline-plain` consumers ask for VP8 alone, which is the work a Janus RTP forwarder does. Janus 1.1.2: VideoRoom remote publisher (plain RTP in) and N `rtp_forward` forwarders. All send unencrypted RTP on loopback (no SRTP anywhere).',
        'Every receiver is its own UDP socket in the bench process; loss is the larger of the RTP sequence gaps per stream and the share of the camera\'s packets the kernel dropped at the forwarder\'s ingest socket (a forwarder may renumber across input it never read); kernel drops at the sink sockets are reported separately. Socket buffers are the kernel defaults on both sides.',
        `The camera, the tap (its own process) and the forwarders run at nice ${PRIORITY} (when root) so that other load on the machine starves none of them. N rises until loss > ${LOSS_LIMIT * 100} % or the forwarder uses ≥ ${CPU_LIMIT * 100} % of a core; CPU is utime+stime from /proc. Each step is ${repeats} windows of ${windowMs / 1000} s per forwarder, interleaved; figures are the medians, except loss, which is the least of the windows (a forwarder out of capacity loses in every window, a stall of the shared machine spoils only some; the median is in the JSON). Receivers per core = largest sustained N ÷ the worker's CPU there.`,
      ],
      notes,
      table: [
        ['N', ...names.flatMap((n) => [`${n} CPU`, `${n} loss`, `${n} %core/Mbps`])],
        ...groups.map((n) => [
          String(n),
          ...names.flatMap((name) => {
            const s = steps.find((x) => x.sfu === name && x.receivers === n);
            return s ? [`${round(s.cpuCores * 100, 1)} %`, `${round(s.lossRate * 100, 2)} %`, String(s.cpuPercentPerMbps ?? '—')] : ['—', '—', '—'];
          }),
        ]),
      ],
      chart: [
        {
          title: 'Forwarder CPU vs receivers',
          unit: '% of one core',
          groups: groups.map(String),
          series: names.map((name) => ({ name, values: series(name, (s) => round(s.cpuCores * 100, 1)) })),
          target: { value: CPU_LIMIT * 100, label: 'saturation' },
        },
        {
          title: 'CPU per forwarded Mbit/s',
          unit: '% core per Mbit/s',
          groups: groups.map(String),
          series: names.map((name) => ({ name, values: series(name, (s) => s.cpuPercentPerMbps) })),
        },
      ],
    };
  },
};

await benchMain(import.meta.url, fanout);
