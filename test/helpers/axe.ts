// Accessibility check of a page state with axe-core, run inside the page: serious and critical
// violations fail the test. axe's source is evaluated through the DevTools protocol, which the
// pages' Content-Security-Policy does not govern, so the pages need no exception for it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: Promise<string> | null = null;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Rules axe ships switched off that a person reading the page would still trip over. */
const EXTRA_RULES = { 'label-content-name-mismatch': { enabled: true } };
/** Moderate by axe's grading, but they break how a screen reader user moves through a page. */
const ALSO_FAILING = new Set(['heading-order']);

/** The serious and critical violations (and ALSO_FAILING) on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  source ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const axe = await source;
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe);
  const found = await page.evaluate(async (rules) => {
    const result = await (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run(document, {
      rules,
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, EXTRA_RULES);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical' || ALSO_FAILING.has(v.id));
}

/** Fails with every serious or critical violation listed. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  if (violations.length > 0) {
    const lines = violations.map((v) => `  ${v.impact} ${v.id}: ${v.help} (${v.targets.slice(0, 3).join('; ')})`);
    throw new Error(`accessibility of ${state}:\n${lines.join('\n')}`);
  }
}
