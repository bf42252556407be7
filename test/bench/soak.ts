// Soak: many live incidents on one node for a long time, viewers coming and going throughout.
// A relay process (as `npm start` runs it) hosts SOAK_INCIDENTS incidents, each a camera
// publishing over WHIP and SOAK_VIEWERS clinicians playing over WHEP, all real WebRTC (ICE,
// DTLS-SRTP, RTCP feedback) from werift peers in a process of their own. For SOAK_MINUTES the
// viewers leave and rejoin, and the supervisor revokes and grants again. Reported: loss per
// viewer, the relay's CPU, resident memory and event-loop delay over time, transports left
// at the end, and audit entries missing from the trail.
//
//   npm run soak      (SOAK_MINUTES=10 SOAK_INCIDENTS=20 SOAK_VIEWERS=5 SOAK_RECORDING=1 SOAK_SEED=…;
//                      BENCH_QUICK=1 for a smoke run)
import { startRelayProcess } from '../helpers/relay-process.ts';
import { isQuick, log } from './lib/machine.ts';
import { cpuSeconds, onTeardown, sleep, waitUntil } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { ensureTestPattern, udpDropsOfProcess, type PatternRecipe } from './lib/rtp.ts';
import { round } from './lib/stats.ts';
import { AuditLedger, readTrail, verifyTrail } from './soak/audit-check.ts';
import { ChurnPlan } from './soak/churn-plan.ts';
import { startPeerHost, type PeerHost } from './soak/peer-host-client.ts';
import { RelaySampler } from './soak/relay-sampler.ts';
import { buckets, lossFigures, mean, growthAfterWarmup } from './soak/soak-figures.ts';
import { createSoakDirectory, grantView, incidentsByOfficer, revoke } from './soak/soak-directory.ts';
import type { ViewerStats } from './soak/soak-protocol.ts';

/** A body camera's picture as a phone on LTE sends it: 640x360, 15 fps, 500 kbit/s VP8, Opus at 32 kbit/s. */
const CAMERA: PatternRecipe = { width: 640, height: 360, fps: 15, bitrate: '500k', gop: 30, seconds: 30, audioBitrate: '32k' };
const SAMPLE_SECONDS = 5;

function settings() {
  const quick = isQuick();
  const number = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return {
    minutes: number('SOAK_MINUTES', quick ? 0.75 : 10),
    incidents: Math.round(number('SOAK_INCIDENTS', quick ? 2 : 20)),
    viewers: Math.round(number('SOAK_VIEWERS', quick ? 2 : 5)),
    // Each seat watches two minutes on average (15 s in a smoke run); a third of endings are
    // revocations (half in a smoke run, so that a short run has some).
    meanWatchSeconds: quick ? 15 : 120,
    revokeShare: quick ? 0.5 : 1 / 3,
    // Evidence recording is on, as `npm start` runs; SOAK_RECORDING=0 measures the live path alone.
    recording: process.env.SOAK_RECORDING !== '0',
    seed: Math.round(number('SOAK_SEED', 20261204)),
  };
}

interface Seat {
  incident: number;
  clinician: number;
  grantId: string;
  /** The current WHEP session's key in the peer host; null while away. */
  viewer: string | null;
  sessions: number;
}

async function run(): Promise<BenchOutcome> {
  const s = settings();
  const clip = ensureTestPattern(CAMERA);
  const relay = await startRelayProcess({
    LOG_LEVEL: 'warn',
    RTC_MIN_PORT: String(44000 + Number(process.env.SIGHTLINE_TEST_PORT_OFFSET ?? 0)),
    RTC_MAX_PORT: String(44999 + Number(process.env.SIGHTLINE_TEST_PORT_OFFSET ?? 0)),
    AUTH_RATE_PER_MINUTE: '100000',
    ANONYMOUS_RATE_PER_MINUTE: '100000',
    RECORDING_ENABLED: s.recording ? 'true' : 'false',
    SHUTDOWN_DRAIN_SECONDS: '2',
  });
  const relayExited = relay.exited();
  onTeardown('soak relay', async () => {
    if (relay.child.exitCode !== null) return;
    relay.child.kill('SIGTERM');
    await relayExited;
  });
  const directory = await createSoakDirectory(relay.url, s.incidents, s.viewers);
  const sup = directory.supervisorToken;
  const host: PeerHost = startPeerHost();
  await host.request({ op: 'source', clip, ffmpeg: 'ffmpeg' });
  const ledger = new AuditLedger();

  log(`soak: ${s.incidents} cameras publishing over WHIP`);
  const incidentIds: string[] = [];
  for (const [i, camera] of directory.cameras.entries()) {
    await host.publish(`camera-${i}`, `${relay.url}/whip`, camera.credential);
  }
  const byOfficer = await waitUntil(async () => {
    const live = await incidentsByOfficer(relay.url, sup);
    return live.size === s.incidents ? live : undefined;
  }, 30_000, 'every camera to be live');
  for (const camera of directory.cameras) {
    const id = byOfficer.get(camera.officerId)!;
    incidentIds.push(id);
    ledger.expect('whip.publish', id);
  }

  const finished: ViewerStats[] = [];
  const seats: Seat[] = [];
  const play = async (seat: Seat) => {
    const key = `viewer-${seat.incident}-${seat.clinician}-${seat.sessions++}`;
    await host.view(key, `${relay.url}/whep/${encodeURIComponent(incidentIds[seat.incident]!)}`, directory.players[seat.clinician]!.credential);
    seat.viewer = key;
    ledger.expect('join', seat.grantId);
  };
  /** The viewer stops: it closes its resource (a leave, audited), or only its side after the relay cut it (audited by what cut it). */
  const stop = async (seat: Seat, deleteResource: boolean) => {
    const stats = await host.leave(seat.viewer!, deleteResource);
    if (stats) finished.push(stats);
    seat.viewer = null;
    if (deleteResource) ledger.expect('leave', seat.grantId);
  };
  const grantSeat = async (incident: number, clinician: number) => {
    const grantId = await grantView(relay.url, sup, incidentIds[incident]!, directory.players[clinician]!.clinicianId);
    ledger.expect('grant.create', grantId);
    return grantId;
  };

  log(`soak: ${s.incidents * s.viewers} viewers joining over WHEP`);
  for (let incident = 0; incident < s.incidents; incident++) {
    for (let clinician = 0; clinician < s.viewers; clinician++) {
      const seat: Seat = { incident, clinician, grantId: await grantSeat(incident, clinician), viewer: null, sessions: 0 };
      seats.push(seat);
      await play(seat);
    }
  }

  const startedAt = Date.now();
  const peersCpuBefore = cpuSeconds(host.pid);
  /** Datagrams the kernel dropped at the peers' own sockets (the peers falling behind), by socket. */
  const peerDrops = new Map<string, number>();
  const sampler = new RelaySampler(relay.url, relay.child.pid!, startedAt);
  await sampler.sample();
  const plan = new ChurnPlan({ seats: seats.length, meanWatchSeconds: s.meanWatchSeconds, revokeShare: s.revokeShare, awaySeconds: [5, 20], seed: s.seed });
  const counts = { leaves: 0, revokes: 0, rejoins: 0, failures: [] as string[] };
  const endAt = startedAt + s.minutes * 60_000;
  let nextSample = startedAt + SAMPLE_SECONDS * 1000;
  let lastMinute = 0;
  log(`soak: running for ${s.minutes} min`);
  while (Date.now() < endAt) {
    const tickStarted = Date.now();
    const due = plan.tick((tickStarted - startedAt) / 1000, 1);
    await Promise.all(
      due.map(async ({ seat: index, action, afterRevoke }) => {
        const seat = seats[index]!;
        try {
          if (action === 'leave') {
            await stop(seat, true);
            counts.leaves++;
          } else if (action === 'revoke') {
            await revoke(relay.url, sup, seat.grantId);
            ledger.expect('grant.revoke', seat.grantId);
            // The relay ends the WHEP session itself; the viewer only closes its side.
            await stop(seat, false);
            counts.revokes++;
          } else {
            if (afterRevoke) seat.grantId = await grantSeat(seat.incident, seat.clinician);
            await play(seat);
            counts.rejoins++;
          }
        } catch (error) {
          counts.failures.push(`${action} seat ${index}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    if (Date.now() >= nextSample) {
      for (const [inode, drops] of udpDropsOfProcess(host.pid)) peerDrops.set(inode, Math.max(drops, peerDrops.get(inode) ?? 0));
      const sample = await sampler.sample();
      nextSample += SAMPLE_SECONDS * 1000;
      const minute = Math.floor(sample.t / 60);
      if (minute > lastMinute) {
        lastMinute = minute;
        log(`soak: ${minute} min: ${sample.viewers} viewers, relay ${sample.nodeRssMiB} MiB + worker ${sample.workerRssMiB} MiB, CPU ${sample.nodeCpuPercent} % + ${sample.workerCpuPercent} %`);
      }
    }
    await sleep(Math.max(0, 1000 - (Date.now() - tickStarted)));
  }
  await sampler.sample();
  const peersCpuPercent = round((100 * (cpuSeconds(host.pid) - peersCpuBefore)) / ((Date.now() - startedAt) / 1000), 1);

  log('soak: ending every session');
  for (const seat of seats) if (seat.viewer) await stop(seat, true);
  for (let i = 0; i < directory.cameras.length; i++) {
    await host.request({ op: 'unpublish', key: `camera-${i}` });
    ledger.expect('incident.end', incidentIds[i]!);
  }
  const left = await waitUntil(async () => {
    const metrics = await sampler.metrics();
    return (metrics.get('sightline_incidents') ?? 1) === 0 ? metrics : undefined;
  }, 30_000, 'every incident to end').catch(() => null);
  // Transports close with their sessions; give the worker's answers a moment to land.
  await sleep(2000);
  const after = await sampler.metrics();
  await host.request({ op: 'stop' });
  relay.child.kill('SIGTERM');
  await relayExited;
  const audit = ledger.compare(readTrail(relay.dataDir));
  const verified = verifyTrail(relay.dataDir);

  const loss = lossFigures(finished);
  const warmup = Math.min(120, (s.minutes * 60) / 5);
  const nodeRss = growthAfterWarmup(sampler.samples, warmup, (x) => x.nodeRssMiB);
  const workerRss = growthAfterWarmup(sampler.samples, warmup, (x) => x.workerRssMiB);
  const totalRss = growthAfterWarmup(sampler.samples, warmup, (x) => x.nodeRssMiB + x.workerRssMiB);
  const steady = sampler.samples.filter((x) => x.t >= warmup);
  const leakedTransports = after.get('sightline_transports') ?? null;
  const leakedConsumers = after.get('sightline_consumers') ?? null;
  const perMinute = buckets(sampler.samples.slice(1), 60);

  return {
    results: {
      settings: { ...s, camera: CAMERA, sampleSeconds: SAMPLE_SECONDS, warmupSeconds: warmup },
      churn: { ...counts, failures: counts.failures.slice(0, 20), failureCount: counts.failures.length, viewerSessions: finished.length },
      loss: { ...loss, droppedAtViewersSockets: [...peerDrops.values()].reduce((a, b) => a + b, 0) },
      memory: { node: nodeRss, worker: workerRss, total: totalRss, heapUsed: growthAfterWarmup(sampler.samples, warmup, (x) => x.heapUsedMiB), external: growthAfterWarmup(sampler.samples, warmup, (x) => x.externalMiB) },
      cpu: {
        nodePercent: mean(steady.map((x) => x.nodeCpuPercent)),
        workerPercent: mean(steady.map((x) => x.workerCpuPercent)),
        recordersPercent: mean(steady.map((x) => x.recorderCpuPercent)),
        peersPercent: peersCpuPercent,
      },
      eventLoop: { p99Ms: mean(steady.map((x) => x.eventLoopP99Ms)), maxMs: Math.max(0, ...steady.map((x) => x.eventLoopMaxMs)) },
      end: { incidentsEnded: left !== null, transports: leakedTransports, consumers: leakedConsumers },
      audit: { ...audit, chainVerified: verified.intact, verifyOutput: verified.intact ? undefined : verified.output },
      samples: sampler.samples,
    },
    targets: [
      target('loss per viewer (worst session)', '< 0.5 %', loss.perSession.max, '%', (v) => v < 0.5),
      target('viewer sessions without media', '0', loss.silent, 'sessions', (v) => v === 0),
      target('RSS growth after warm-up (relay + worker)', '< 5 %', totalRss.percent, '%', (v) => v < 5),
      target('transports left after every session ended', '0', leakedTransports, 'transports', (v) => v === 0),
      target('audit entries lost', '0', audit.lost, 'entries', (v) => v === 0),
      target('audit chain verifies', 'yes', verified.intact ? 1 : 0, '', (v) => v === 1),
      target('churn actions refused or failed', '0', counts.failures.length, 'actions', (v) => v === 0),
    ],
    method: [
      `One relay process (\`signaling/main.ts\`, one mediasoup worker, recording ${s.recording ? 'on' : 'off'}) on this machine; ${s.incidents} incidents × ${s.viewers} viewers for ${s.minutes} min.`,
      `Cameras: werift peers publishing over WHIP with registered camera devices, all sending one pre-encoded clip (${CAMERA.width}x${CAMERA.height}, ${CAMERA.fps} fps, VP8 ${CAMERA.bitrate}bit/s, Opus ${CAMERA.audioBitrate}bit/s) that a single ffmpeg plays out as RTP without re-encoding.`,
      'Viewers: werift peers playing over WHEP with registered player devices (DTLS-SRTP, NACK); the peers run in a process of their own, so their CPU is not the relay’s.',
      `Churn (seeded ${s.seed}): each seat watches ${s.meanWatchSeconds} s on average, then leaves or has its grant revoked (${Math.round(s.revokeShare * 100)} % of endings), and comes back 5–20 s later (after a revoke, with a new grant).`,
      'Loss per viewer session: RTP sequence numbers received against the span seen (after retransmissions), audio and video together. Datagrams the kernel dropped at the peers’ own sockets (the peers falling behind, not the relay) are counted apart.',
      `Relay figures every ${SAMPLE_SECONDS} s: RSS and CPU of the Node process and the worker, and CPU of the recorder's muxers (the relay's other child processes), from /proc; event-loop delay (p99 and max per interval, as prom-client measures it: with a 10 ms timer, so an idle loop reads about 10 ms) and transports from /metrics. RSS growth compares the median over the minute after a ${warmup} s warm-up with the median over the last minute.`,
      'Audit: every grant, revocation, WHEP join and leave, camera publish and incident end the soak caused is looked up in the trail; then `npm run audit:verify` checks the chain.',
    ],
    notes: counts.failures.slice(0, 5),
    table: [
      ['minute', 'viewers', 'relay RSS MiB', 'relay heap used MiB', 'worker RSS MiB', 'relay CPU %', 'worker CPU %', 'recorders CPU %', 'event loop p99 ms', 'event loop max ms'],
      ...perMinute.map(({ from, samples }) => [
        String(from / 60),
        String(mean(samples.map((x) => x.viewers))),
        String(mean(samples.map((x) => x.nodeRssMiB))),
        String(mean(samples.map((x) => x.heapUsedMiB))),
        String(mean(samples.map((x) => x.workerRssMiB))),
        String(mean(samples.map((x) => x.nodeCpuPercent))),
        String(mean(samples.map((x) => x.workerCpuPercent))),
        String(mean(samples.map((x) => x.recorderCpuPercent))),
        String(mean(samples.map((x) => x.eventLoopP99Ms))),
        String(round(Math.max(...samples.map((x) => x.eventLoopMaxMs)), 1)),
      ]),
    ],
    chart: [
      {
        title: 'Resident memory over the soak',
        unit: 'MiB',
        groups: perMinute.map(({ from }) => `${from / 60} min`),
        series: [
          { name: 'relay (Node)', values: perMinute.map(({ samples }) => mean(samples.map((x) => x.nodeRssMiB))) },
          { name: 'mediasoup worker', values: perMinute.map(({ samples }) => mean(samples.map((x) => x.workerRssMiB))) },
        ],
      },
      {
        title: 'CPU over the soak',
        unit: '% of a core',
        groups: perMinute.map(({ from }) => `${from / 60} min`),
        series: [
          { name: 'relay (Node)', values: perMinute.map(({ samples }) => mean(samples.map((x) => x.nodeCpuPercent))) },
          { name: 'mediasoup worker', values: perMinute.map(({ samples }) => mean(samples.map((x) => x.workerCpuPercent))) },
          { name: 'recorders', values: perMinute.map(({ samples }) => mean(samples.map((x) => x.recorderCpuPercent))) },
        ],
      },
    ],
  };
}

export const soak: BenchDefinition = { name: 'soak', title: 'Soak: live incidents with viewers coming and going', run };

await benchMain(import.meta.url, soak);
