// Prometheus metrics for one node, read at scrape time from the media plane and the live incidents,
// with prom-client's default metrics of the Node.js process.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MediaPlane } from '../../server/media-plane.ts';
import type { LiveIncidents } from '../live/live-incidents.ts';

export interface MetricSources {
  media: MediaPlane;
  live: LiveIncidents;
  draining(): boolean;
  /** Incidents being recorded here. */
  recordings(): number;
}

export class Metrics {
  readonly registry = new Registry();
  /** Seconds to make one audit entry durable. */
  readonly auditWrite = new Histogram({
    name: 'sightline_audit_write_seconds',
    help: 'Time to make an audit entry durable',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  /** Evidence recording failures: a muxer that died (and was replaced), a track that could not be recorded. */
  readonly recordingFailures = new Counter({
    name: 'sightline_recording_failures_total',
    help: 'Evidence recording failures (the live stream is unaffected)',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  #collect: () => Promise<void> = async () => undefined;

  constructor() {
    // The relay process itself: CPU, memory, heap, event-loop lag, handles, GC (process_*, nodejs_*).
    collectDefaultMetrics({ register: this.registry });
  }

  /** The node's gauges, read at scrape time from what it hosts. Called once, when the node is built. */
  readFrom({ media, live, draining, recordings }: MetricSources): void {
    const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [this.registry] });
    const incidents = gauge('sightline_incidents', 'Live incidents hosted on this node');
    const viewers = gauge('sightline_viewers', 'Clinicians and supervisors watching incidents on this node');
    const transports = gauge('sightline_transports', 'WebRTC transports on this node');
    const consumers = gauge('sightline_consumers', 'Media consumers (streams sent to viewers) on this node');
    const bitrate = gauge('sightline_bitrate_bps', 'Media bitrate through this node', ['direction', 'kind']);
    const packets = gauge('sightline_rtp_packets', 'RTP packets counted by the current streams', ['direction', 'kind']);
    const lost = gauge('sightline_rtp_packets_lost', 'RTP packets reported lost on the current streams', ['direction', 'kind']);
    const workerCpu = gauge('sightline_worker_cpu_seconds', 'CPU time used by each mediasoup worker', ['pid']);
    const workerRss = gauge('sightline_worker_max_rss_bytes', 'Peak resident memory of each mediasoup worker', ['pid']);
    const workers = gauge('sightline_workers', 'Live mediasoup workers');
    const drainingGauge = gauge('sightline_draining', '1 while the node drains for shutdown');
    const recordingGauge = gauge('sightline_recordings', 'Incidents being recorded on this node');

    const collect = async () => {
      const sample = await media.sample();
      incidents.set(live.all().length);
      viewers.set(live.all().reduce((n, incident) => n + incident.participants().filter((p) => !p.isOfficer).length, 0));
      transports.set(sample.transports);
      consumers.set(sample.consumers);
      workers.set(sample.workers);
      drainingGauge.set(draining() ? 1 : 0);
      recordingGauge.set(recordings());
      for (const gaugeOf of [bitrate, packets, lost]) gaugeOf.reset();
      for (const [direction, streams] of [['in', sample.inbound], ['out', sample.outbound]] as const) {
        for (const kind of ['audio', 'video'] as const) {
          const mine = streams.filter((s) => s.kind === kind);
          bitrate.set({ direction, kind }, mine.reduce((n, s) => n + s.bitrate, 0));
          packets.set({ direction, kind }, mine.reduce((n, s) => n + s.packets, 0));
          lost.set({ direction, kind }, mine.reduce((n, s) => n + s.lost, 0));
        }
      }
      workerCpu.reset();
      workerRss.reset();
      for (const usage of sample.workerUsage) {
        workerCpu.set({ pid: String(usage.pid) }, usage.cpuSeconds);
        workerRss.set({ pid: String(usage.pid) }, usage.maxRssBytes);
      }
    };
    this.#collect = collect;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await this.#collect();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
