// All benchmarks in one run, one after another on the same machine state: a JSON array on
// stdout, and bench-results/summary.{json,md,png} (plus each bench's own files).
//
//   npm run bench                    (BENCH_QUICK=1 for a smoke run)
import { control } from './control.ts';
import { fanout } from './fanout.ts';
import { latency } from './latency.ts';
import { ensureBenchPackages, log } from './lib/machine.ts';
import { runTeardowns } from './lib/processes.ts';
import { network } from './network.ts';
import { reconnect } from './reconnect.ts';
import { recording } from './recording.ts';
import { executeBench, writeResults, type BenchDefinition } from './lib/report.ts';
import { ttff } from './ttff.ts';

const BENCHES: BenchDefinition[] = [ttff, latency, fanout, control, reconnect, network, recording];

try {
  ensureBenchPackages();
  const runs = [];
  for (const bench of BENCHES) {
    const run = await executeBench(bench);
    await writeResults(bench.name, [run], `npm run bench:${bench.name}`);
    runs.push(run);
  }
  await writeResults('summary', runs, 'npm run bench');
  process.stdout.write(`${JSON.stringify(runs.map((r) => r.report), null, 2)}\n`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await runTeardowns();
}
process.exit();
