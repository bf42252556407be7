// Bar charts for benchmark summaries: an SVG drawn here, rasterised to PNG by headless Chromium
// (playwright-core), so no charting package is needed.
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../../helpers/browser.ts';

export interface ChartPanel {
  title: string;
  unit: string;
  /** Categories along the x axis. */
  groups: string[];
  /** One bar per series in every group; null draws no bar. */
  series: Array<{ name: string; values: Array<number | null> }>;
  /** Optional horizontal target line. */
  target?: { value: number; label: string };
}

const COLOURS = ['#1f6feb', '#d9822b', '#2da44e', '#8250df', '#cf222e'];
const WIDTH = 560;
const HEIGHT = 300;

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function panelSvg(panel: ChartPanel): string {
  const left = 56;
  const right = 12;
  const top = 40;
  const bottom = 58;
  const plotW = WIDTH - left - right;
  const plotH = HEIGHT - top - bottom;
  const values = panel.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(1e-9, ...values, panel.target?.value ?? 0) * 1.15;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const groupW = plotW / Math.max(1, panel.groups.length);
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, panel.series.length));
  const parts: string[] = [];
  parts.push(`<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escape(panel.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    parts.push(`<line x1="${left}" x2="${WIDTH - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10" fill="#555">${fmt(v)}</text>`);
  }
  parts.push(`<text x="14" y="${top + plotH / 2}" font-size="11" fill="#555" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">${escape(panel.unit)}</text>`);
  panel.groups.forEach((group, g) => {
    const x0 = left + g * groupW + (groupW - barW * panel.series.length) / 2;
    panel.series.forEach((series, s) => {
      const v = series.values[g];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const x = x0 + s * barW;
      parts.push(`<rect x="${x + 2}" y="${y(v)}" width="${barW - 4}" height="${top + plotH - y(v)}" fill="${COLOURS[s % COLOURS.length]}"/>`);
      parts.push(`<text x="${x + barW / 2}" y="${y(v) - 3}" text-anchor="middle" font-size="10">${fmt(v)}</text>`);
    });
    parts.push(`<text x="${left + g * groupW + groupW / 2}" y="${top + plotH + 15}" text-anchor="middle" font-size="11">${escape(group)}</text>`);
  });
  if (panel.target) {
    const ty = y(panel.target.value);
    parts.push(`<line x1="${left}" x2="${WIDTH - right}" y1="${ty}" y2="${ty}" stroke="#cf222e" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${WIDTH - right}" y="${ty - 4}" text-anchor="end" font-size="10" fill="#cf222e">${escape(panel.target.label)}</text>`);
  }
  panel.series.forEach((series, s) => {
    const x = left + s * 150;
    parts.push(`<rect x="${x}" y="${HEIGHT - 18}" width="12" height="12" fill="${COLOURS[s % COLOURS.length]}"/>`);
    parts.push(`<text x="${x + 16}" y="${HEIGHT - 8}" font-size="11">${escape(series.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">${parts.join('')}</svg>`;
}

/** Renders the panels two per row into a PNG at `path`. */
export async function renderChart(panels: ChartPanel[], path: string, heading: string): Promise<void> {
  const html = `<!doctype html><html><body style="margin:0;background:#fff;font-family:sans-serif">
<div id="chart" style="display:inline-block;padding:12px">
<div style="font-size:17px;font-weight:700;margin:0 0 8px 4px">${escape(heading)}</div>
<div style="display:grid;grid-template-columns:repeat(${Math.min(2, panels.length)},${WIDTH}px);gap:10px">
${panels.map(panelSvg).join('\n')}
</div></div></body></html>`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 2 * WIDTH + 60, height: 400 } });
    await page.setContent(html);
    await writeFile(path, await page.locator('#chart').screenshot({ type: 'png' }));
  } finally {
    await browser.close();
  }
}
