// The API docs page (Swagger UI, served from the relay's own files) works in a real browser under
// the relay's strict CSP, unchanged: every operation of the OpenAPI document is listed, nothing
// is fetched from elsewhere, and the only thing the CSP blocks is one inline <style> element the
// Swagger UI bundle inserts (cosmetic: the page renders and works without it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_PREFIX } from '../../signaling/http/openapi.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startRelay, type TestRelay } from '../helpers/relay.ts';

let relay: TestRelay;
let browser: TestBrowser;

beforeAll(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

describe('API docs page', () => {
  it('renders every operation under the strict CSP, fetching nothing from elsewhere', async () => {
    const page = await browser.page(relay.url);
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Applying inline style violates')) problems.push(message.text());
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.sourceFile.split('/').pop()}`));
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(relay.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    await page.goto(`${relay.url}${DOCS_PREFIX}/`);
    await page.waitForSelector('.opblock', { timeout: 15_000 });
    const rendered = await page.locator('.opblock').count();
    const spec = (await (await fetch(`${relay.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(rendered).toBe(operations);
    expect(problems).toEqual([]);
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(violations.filter((v) => v !== 'style-src-elem swagger-ui-bundle.js')).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
