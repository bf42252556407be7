// Benchmark reports: JSON on stdout, and a Markdown summary plus a PNG chart in bench-results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart, type ChartPanel } from './chart.ts';
import { REPO_ROOT, describeMachine, ensureBenchPackages, isQuick, log, type Machine } from './machine.ts';
import { runTeardowns } from './processes.ts';

export type BenchName = 'ttff' | 'latency' | 'fanout' | 'control' | 'reconnect' | 'network' | 'soak' | 'recording';

/** A target is reported, never enforced: `met` is null when the figure could not be measured. */
export interface Target {
  name: string;
  goal: string;
  value: number | null;
  unit: string;
  met: boolean | null;
}

export interface BenchOutcome {
  results: Record<string, unknown>;
  targets: Target[];
  /** How the figures were measured, one sentence per entry. */
  method: string[];
  notes: string[];
  /** Markdown table: header row first. */
  table: string[][];
  chart: ChartPanel[];
}

export interface BenchReport extends Omit<BenchOutcome, 'chart' | 'table'> {
  bench: BenchName;
  title: string;
  quick: boolean;
  startedAt: string;
  durationSeconds: number;
  machine: Machine;
}

export interface BenchDefinition {
  name: BenchName;
  title: string;
  run(): Promise<BenchOutcome>;
}

export const resultsDir = (): string =>
  resolve(process.env.BENCH_RESULTS_DIR ?? join(REPO_ROOT, 'bench-results', isQuick() ? 'quick' : ''));

export const target = (name: string, goal: string, value: number | null, unit: string, meets: (v: number) => boolean): Target => ({
  name,
  goal,
  value,
  unit,
  met: value === null ? null : meets(value),
});

/** Runs one bench with teardown guaranteed, and returns its report with the chart and table kept aside. */
export async function executeBench(def: BenchDefinition): Promise<{ report: BenchReport; outcome: BenchOutcome }> {
  const startedAt = new Date();
  log(`${def.name}: starting${isQuick() ? ' (quick mode)' : ''}`);
  let outcome: BenchOutcome;
  try {
    outcome = await def.run();
  } finally {
    await runTeardowns();
  }
  const report: BenchReport = {
    bench: def.name,
    title: def.title,
    quick: isQuick(),
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    machine: describeMachine(),
    results: outcome.results,
    targets: outcome.targets,
    method: outcome.method,
    notes: outcome.notes,
  };
  log(`${def.name}: done in ${report.durationSeconds} s`);
  return { report, outcome };
}

const mark = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : 'not met');

export function machineLine(m: Machine): string {
  return `${m.cpuModel}, ${m.cores} cores (${m.threadsPerCore ?? '?'} thread/core), ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}, mediasoup ${m.mediasoup}, ${m.chromium ?? 'no Chromium'}, ${m.janus ?? 'no Janus'}`;
}

export function benchMarkdown(report: BenchReport, outcome: BenchOutcome, level = 3): string {
  const h = '#'.repeat(level);
  const lines = [`${h} ${report.title}`, ''];
  const [header, ...rows] = outcome.table;
  if (header) {
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  }
  if (report.targets.length > 0) {
    lines.push('| target | goal | measured | |', '| --- | --- | --- | --- |');
    for (const t of report.targets) lines.push(`| ${t.name} | ${t.goal} | ${t.value ?? '—'} ${t.value === null ? '' : t.unit} | ${mark(t.met)} |`);
    lines.push('');
  }
  for (const m of report.method) lines.push(`- ${m}`);
  for (const n of report.notes) lines.push(`- *Note:* ${n}`);
  lines.push('');
  return lines.join('\n');
}

/** Writes <name>.json, <name>.md and <name>.png for one or more reports. */
export async function writeResults(name: string, runs: Array<{ report: BenchReport; outcome: BenchOutcome }>, command: string): Promise<string> {
  const dir = resultsDir();
  await mkdir(dir, { recursive: true });
  const machine = runs[0]?.report.machine ?? describeMachine();
  const md = [
    `## Sightline benchmarks${runs.some((r) => r.report.quick) ? ' (quick mode: smoke figures only)' : ''}`,
    '',
    `Measured ${runs[0]?.report.startedAt.slice(0, 16).replace('T', ' ') ?? ''} UTC on: ${machineLine(machine)}.`,
    `Reproduce with \`${command}\`. Targets are reported, never enforced.`,
    '',
    ...runs.map((r) => benchMarkdown(r.report, r.outcome)),
  ].join('\n');
  await writeFile(join(dir, `${name}.md`), md);
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(runs.length === 1 ? runs[0]!.report : runs.map((r) => r.report), null, 2)}\n`);
  const panels = runs.flatMap((r) => r.outcome.chart);
  if (panels.length > 0) await renderChart(panels, join(dir, `${name}.png`), `Sightline benchmarks · ${machine.cores} cores · ${machine.cpuModel}`);
  log(`wrote ${join(dir, name)}.{json,md${panels.length > 0 ? ',png' : ''}}`);
  return md;
}

/** Entry point for a bench file run directly with tsx: JSON report on stdout, files in bench-results/. */
export async function benchMain(importMetaUrl: string, def: BenchDefinition): Promise<void> {
  if (!process.argv[1] || resolve(process.argv[1]) !== fileURLToPath(importMetaUrl)) return;
  try {
    ensureBenchPackages();
    const run = await executeBench(def);
    await writeResults(def.name, [run], `npm run bench:${def.name}`);
    process.stdout.write(`${JSON.stringify(run.report, null, 2)}\n`);
  } catch (error) {
    console.error(`[bench] ${def.name} failed:`, error);
    process.exitCode = 1;
  } finally {
    await runTeardowns();
  }
  // mediasoup workers and sockets of a finished bench must not keep the process alive.
  process.exit();
}
