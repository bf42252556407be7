// The relay under soak, sampled from outside: its Prometheus endpoint (event-loop delay, media
// transports and consumers, the worker's pid) and /proc (CPU and resident memory of the Node
// process and of the mediasoup worker).
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from '../lib/processes.ts';

export interface RelaySample {
  /** Seconds since the soak's media started. */
  t: number;
  nodeRssMiB: number;
  /** The relay's V8 heap in use and its memory outside the heap (Buffers), from /metrics. */
  heapUsedMiB: number;
  externalMiB: number;
  workerRssMiB: number;
  /** Share of one core over the interval since the previous sample, in percent. */
  nodeCpuPercent: number;
  workerCpuPercent: number;
  /** The relay's other child processes (the evidence recorder's muxers). */
  recorderCpuPercent: number;
  recorders: number;
  /** The relay's event-loop delay over the interval (prom-client resets its histogram per scrape). */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  incidents: number;
  viewers: number;
  transports: number;
  consumers: number;
}

/** `name{labels} value` lines of the Prometheus text format, by full series name. */
export function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

const rssMiB = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kib / 1024;
};

/** Child processes of `pid`, from /proc (every thread's children). */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter((p) => p.trim() !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

const cpuOrNull = (pid: number): number | null => {
  try {
    return cpuSeconds(pid);
  } catch {
    return null; // exited between listing and reading
  }
};

export class RelaySampler {
  readonly samples: RelaySample[] = [];
  #last: { at: number; node: number; worker: number; others: Map<number, number> } | null = null;

  constructor(
    private readonly url: string,
    private readonly nodePid: number,
    private readonly startedAt: number,
  ) {}

  /** Metrics as the relay reports them now. */
  async metrics(): Promise<Map<string, number>> {
    const response = await fetch(`${this.url}/metrics`);
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    return parseMetrics(await response.text());
  }

  async sample(): Promise<RelaySample> {
    const metrics = await this.metrics();
    const workerPid = Number(/pid="(\d+)"/.exec([...metrics.keys()].find((k) => k.startsWith('sightline_worker_cpu_seconds{')) ?? '')?.[1]);
    if (!workerPid) throw new Error('the relay reports no mediasoup worker');
    const now = Date.now();
    const node = cpuSeconds(this.nodePid);
    const worker = cpuSeconds(workerPid);
    const others = new Map<number, number>();
    for (const child of childPids(this.nodePid)) {
      const used = child === workerPid ? null : cpuOrNull(child);
      if (used !== null) others.set(child, used);
    }
    const last = this.#last;
    // A muxer started since the last sample counts from zero; one that ended is not counted.
    const recorderUsed = [...others].reduce((n, [pid, used]) => n + used - (last?.others.get(pid) ?? 0), 0);
    const seconds = last ? (now - last.at) / 1000 : 0;
    const share = (used: number, before: number | undefined) => (last && seconds > 0 ? Math.round((1000 * (used - before!)) / seconds) / 10 : 0);
    const sample: RelaySample = {
      t: Math.round((now - this.startedAt) / 1000),
      nodeRssMiB: Math.round(rssMiB(this.nodePid) * 10) / 10,
      workerRssMiB: Math.round(rssMiB(workerPid) * 10) / 10,
      heapUsedMiB: Math.round((metrics.get('nodejs_heap_size_used_bytes') ?? 0) / 104857.6) / 10,
      externalMiB: Math.round((metrics.get('nodejs_external_memory_bytes') ?? 0) / 104857.6) / 10,
      nodeCpuPercent: share(node, last?.node),
      workerCpuPercent: share(worker, last?.worker),
      recorderCpuPercent: share(recorderUsed, 0),
      recorders: others.size,
      eventLoopP99Ms: Math.round((metrics.get('nodejs_eventloop_lag_p99_seconds') ?? 0) * 10_000) / 10,
      eventLoopMaxMs: Math.round((metrics.get('nodejs_eventloop_lag_max_seconds') ?? 0) * 10_000) / 10,
      incidents: metrics.get('sightline_incidents') ?? 0,
      viewers: metrics.get('sightline_viewers') ?? 0,
      transports: metrics.get('sightline_transports') ?? 0,
      consumers: metrics.get('sightline_consumers') ?? 0,
    };
    this.#last = { at: now, node, worker, others };
    this.samples.push(sample);
    return sample;
  }
}
