// Logs are not a leak: the whole live path runs in Chromium (officer streams, supervisor grants
// through the console, clinician joins with the link and talks, a grant expires) with the relay
// logging at trace level into a buffer. Then every password, session token, viewing token, DTLS
// fingerprint and ICE password used in the run is searched for in the logs (and in the audit
// trail): none may appear. SRTP keys are derived inside the DTLS handshake and never cross the
// signalling path; any `srtpParameters` would be collected and checked the same way.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForState, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { openGrantLink, signIn, startStreaming, stats, stopStreaming, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { storedGrant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

const WRONG_PASSWORD = 'Wrong-Password-7731!';
const LEAKY_PASSWORD = 'leaky-secret-4482';

/** Collects the secrets that cross a page's signalling socket, in both directions. */
function collectSignallingSecrets(page: Page, secrets: Set<string>): void {
  const visit = (value: unknown, key = '', parent = ''): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(item, key, parent));
    if (value && typeof value === 'object') return Object.entries(value).forEach(([k, v]) => visit(v, k, key));
    if (typeof value !== 'string') return;
    if (key === 'value' && parent === 'fingerprints') secrets.add(value); // DTLS certificate fingerprints
    else if (key === 'password' && parent === 'iceParameters') secrets.add(value); // ICE password
    else if (['token', 'grantToken', 'keyBase64'].includes(key)) secrets.add(value); // session/viewing tokens, SRTP keys
  };
  const record = (payload: string | Buffer) => {
    try {
      visit(JSON.parse(payload.toString()));
    } catch {
      // not JSON: not ours
    }
  };
  page.on('websocket', (socket: PageSocket) => {
    socket.on('framesent', ({ payload }) => record(payload));
    socket.on('framereceived', ({ payload }) => record(payload));
  });
}

const sessionToken = async (page: Page) =>
  page.evaluate(() => (JSON.parse(localStorage.getItem('sightline.session') ?? '{}') as { token?: string }).token ?? '');

describe('application logs carry no credentials or media keys', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let logs = '';
  const secrets = new Set<string>([DEMO.officer.password, DEMO.supervisor.password, WRONG_PASSWORD, LEAKY_PASSWORD]);

  beforeAll(async () => {
    ensureClientBuilt();
    relay = await startRelay({ LOG_LEVEL: 'trace' }, { logStream: { write: (line: string) => void (logs += line) } });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('runs the whole flow at trace level, and no secret of it reaches the logs', async () => {
    // Refused sign-ins, including a body that is not even valid JSON.
    expect((await relay.api('POST', '/api/session', { body: { username: 'sup.chen', password: WRONG_PASSWORD } })).status).toBe(401);
    const malformed = await fetch(`${relay.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username":"sup.chen","password":"${LEAKY_PASSWORD}"`,
    });
    expect(malformed.status).toBe(400);

    const officer = await browser.page(relay.url);
    collectSignallingSecrets(officer, secrets);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    secrets.add(await sessionToken(officer));
    const incidentId = relay.services.live.all()[0]!.incident.id;

    const supervisor = await browser.page(relay.url);
    await supervisor.goto(`${relay.url}/supervisor.html`);
    await signIn(supervisor, DEMO.supervisor.username, DEMO.supervisor.password);
    const incident = supervisor.getByTestId('incident').filter({ hasText: 'Reyes' }).first();
    await incident.waitFor({ timeout: 10_000 });
    secrets.add(await sessionToken(supervisor));
    await incident.getByTestId('incident-grant').click();
    await incident.getByTestId('grant-clinician').selectOption(DEMO.clinician.id);
    await incident.getByTestId('grant-talk').check();
    await incident.getByTestId('grant-duration').fill('10');
    await incident.getByTestId('grant-submit').click();
    const link = await until(async () => (await incident.getByTestId('grant-link').inputValue()) || undefined, 10_000, 'the grant link');
    secrets.add(decodeURIComponent(/token=([^&]+)/.exec(link)![1]!));
    await incident.getByTestId('grant-done').click();

    const clinician = await browser.page(relay.url);
    collectSignallingSecrets(clinician, secrets);
    await openGrantLink(clinician, link);
    await waitForState(clinician, 'joined');
    await waitForDecodedVideo(clinician);
    await clinician.getByTestId('talk').hover();
    await clinician.mouse.down();
    await until(async () => ((await stats(officer)).inbound.find((s) => s.kind === 'audio')?.packetsReceived ?? 0) > 0, 15_000, 'talk-back at the officer');
    await clinician.mouse.up();

    // A grant that expires while watching (shorter than the API allows, so stored directly).
    // Long enough for the sign-in and the join on a busy machine, short enough to end within the test.
    const expiringGrant = await storedGrant(relay, { clinicianId: 'u-clin-silva', incidentId, permissions: ['view'], expiresAt: (Math.floor(Date.now() / 1000) + 12) * 1000 });
    secrets.add(expiringGrant.token);
    const expiring = await browser.page(relay.url);
    collectSignallingSecrets(expiring, secrets);
    await openGrantLink(expiring, expiringGrant.link);
    await waitForState(expiring, 'joined');
    await waitForState(expiring, 'ended', 20_000);

    // The audit trail was read and exported too.
    const exported = await fetch(`${relay.url}/api/audit?format=csv`, { headers: { authorization: `Bearer ${await sessionToken(supervisor)}` } });
    expect(exported.status).toBe(200);
    await stopStreaming(officer);
    await waitForState(officer, 'ended').catch(() => undefined);

    const signingKey = JSON.parse(await readFile(join(relay.dataDir, 'signing-key.jwk'), 'utf8')) as { d: string };
    secrets.add(signingKey.d);

    // What we are looking for was really collected.
    const all = [...secrets].filter(Boolean);
    expect(all.filter((s) => /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i.test(s)).length).toBeGreaterThanOrEqual(4); // DTLS fingerprints, both sides
    expect(all.filter((s) => s.split('.').length === 3 && s.startsWith('eyJ')).length).toBeGreaterThanOrEqual(2); // viewing tokens
    expect(logs.split('\n').length).toBeGreaterThan(50);
    expect(relay.app.log.level).toBe('trace');

    const leaked = all.filter((secret) => logs.includes(secret) || logs.toLowerCase().includes(secret.toLowerCase()));
    expect(leaked).toEqual([]);
    const audit = await readFile(join(relay.dataDir, 'audit.jsonl'), 'utf8');
    expect(all.filter((secret) => audit.includes(secret))).toEqual([]);
  }, 120_000);
});
