// The files in deploy/ hold up: the systemd unit verifies, the alert rules pass promtool, and every
// metric the Grafana dashboard and the alert rules query is one a running relay exports.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from '../../helpers/relay.ts';

const run = promisify(execFile);
const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/${tool}`));

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression reads (labels, functions, keywords and durations left out). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined) // a function call
    .map((m) => m[1]!)
    .filter((name) => !KEYWORDS.has(name.toLowerCase()));
}

async function dashboardExprs(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile('deploy/grafana-dashboard.json', 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
}

async function alertExprs(): Promise<string[]> {
  const text = await readFile('deploy/alerts.yml', 'utf8');
  return [...text.matchAll(/^\s+expr:\s*(.+)$/gm)].map((m) => m[1]!.trim());
}

describe('deploy/', () => {
  let relay: TestRelay;
  let exported: Set<string>;
  beforeAll(async () => {
    relay = await startRelay();
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    exported = new Set(['up']); // written by Prometheus itself for every target
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name!);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) exported.add(`${name}${suffix}`);
    }
  });
  afterAll(async () => relay?.close());

  it('reads metric names out of PromQL', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (instance, le) (rate(sightline_audit_write_seconds_bucket{job="x"}[5m]))) > 0.25')).toEqual([
      'sightline_audit_write_seconds_bucket',
    ]);
    expect(metricNames('increase(a_total[10m]) == 0 and b > 0')).toEqual(['a_total', 'b']);
  });

  it('every metric in the Grafana dashboard and the alert rules is one the relay exports', async () => {
    const exprs = [...(await dashboardExprs()), ...(await alertExprs())];
    expect(exprs.length).toBeGreaterThan(10);
    const used = new Set(exprs.flatMap(metricNames));
    expect([...used].filter((name) => !exported.has(name)), `exported: ${[...exported].join(' ')}`).toEqual([]);
    // The relay's own families and its process metrics are both covered.
    expect([...used].some((name) => name.startsWith('sightline_'))).toBe(true);
    expect([...used].some((name) => name.startsWith('process_') || name.startsWith('nodejs_'))).toBe(true);
  });

  it.skipIf(!onPath('systemd-analyze'))('systemd-analyze verify accepts deploy/sightline.service', async () => {
    const { stderr } = await run('systemd-analyze', ['verify', 'deploy/sightline.service']);
    expect(stderr).toBe('');
  });

  it.skipIf(!onPath('promtool'))('promtool check rules accepts deploy/alerts.yml', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', 'deploy/alerts.yml']);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the sample environment file sets only settings the relay knows', async () => {
    const { configSchema } = await import('../../../signaling/config.ts');
    const known = new Set(Object.keys(configSchema.shape));
    const text = await readFile('deploy/sightline.env.example', 'utf8');
    const names = [...text.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
  });
});
