// HTTPS and WSS served by the relay itself (TLS_CERT_FILE / TLS_KEY_FILE on the relay process):
// Chromium, trusting the self-signed certificate through --ignore-certificate-errors, streams as
// the officer in a secure context, a supervisor grants from the console, and the clinician opens
// the https grant link and watches; the signalling socket is wss.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForState, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { openGrantLink, signIn, startStreaming, stats, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO } from '../helpers/relay.ts';
import { startRelayProcess, type RelayProcess } from '../helpers/relay-process.ts';
import { until } from '../helpers/until.ts';

/** A throwaway self-signed certificate for 127.0.0.1, as the README's LAN trial makes one. */
function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { cert, key };
}

describe('HTTPS and WSS from the relay itself, in Chromium', () => {
  let dir: string;
  let relay: RelayProcess;
  let browser: TestBrowser;
  let officer: Page;

  beforeAll(async () => {
    ensureClientBuilt();
    dir = await mkdtemp(join(tmpdir(), 'sightline-tls-'));
    const { cert, key } = selfSignedCert(dir);
    relay = await startRelayProcess({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key, RESUME_GRACE_SECONDS: '0' });
    browser = await launchBrowser({ args: ['--ignore-certificate-errors'] });
    officer = await browser.page(relay.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    relay?.child.kill('SIGTERM');
    await relay?.exited();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves https only, and hands out https links', async () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.wsUrl).toMatch(/^wss:\/\//);
    // Plain HTTP on the same port gets no answer from the application.
    const plain = await fetch(relay.url.replace('https:', 'http:') + '/healthz').then((r) => r.status, () => 'refused');
    expect(plain).not.toBe(200);
  });

  it('the officer streams from a secure context over wss', async () => {
    const sockets: string[] = [];
    officer.on('websocket', (socket) => sockets.push(socket.url()));
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    expect(await officer.evaluate(() => ({ secure: window.isSecureContext, protocol: location.protocol }))).toEqual({ secure: true, protocol: 'https:' });
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.every((url) => url.startsWith('wss://'))).toBe(true);
    await until(async () => (await stats(officer)).outbound.some((s) => s.kind === 'video' && s.packetsSent > 0), 15_000, 'outbound video');
  });

  it('a supervisor grants from the console and the clinician watches through the https link', async () => {
    const supervisor = await browser.page(relay.url);
    await supervisor.goto(`${relay.url}/supervisor.html`);
    await signIn(supervisor, DEMO.supervisor.username, DEMO.supervisor.password);
    const incident = supervisor.getByTestId('incident').filter({ hasText: 'Reyes' }).first();
    await incident.waitFor({ timeout: 10_000 });
    await incident.getByTestId('incident-grant').click();
    await incident.getByTestId('grant-clinician').selectOption(DEMO.clinician.id);
    await incident.getByTestId('grant-duration').fill('10');
    await incident.getByTestId('grant-submit').click();
    const link = await until(async () => (await incident.getByTestId('grant-link').inputValue()) || undefined, 10_000, 'the grant link');
    expect(link.startsWith(`${relay.url}/watch.html#incident=`)).toBe(true);

    const clinician = await browser.page(relay.url);
    const sockets: string[] = [];
    clinician.on('websocket', (socket) => sockets.push(socket.url()));
    await openGrantLink(clinician, link);
    await waitForState(clinician, 'joined');
    const video = await waitForDecodedVideo(clinician);
    expect(video.framesDecoded).toBeGreaterThan(0);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.every((url) => url.startsWith('wss://'))).toBe(true);
    await officer.getByTestId('presence-entry').filter({ hasText: 'Okafor' }).waitFor({ timeout: 10_000 });
  });

  it('the home page lists the demo accounts it reads from the API (demo seed on loopback)', async () => {
    const home = await browser.page(relay.url);
    await home.goto(`${relay.url}/`);
    const table = home.getByTestId('demo-accounts');
    await table.getByText('officer.reyes').waitFor({ timeout: 10_000 });
    await expect(table.textContent()).resolves.toContain('demo-officer');
  });
});
