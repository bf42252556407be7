// An officer streaming to a clinician (view grant) through an in-process relay, with one of the
// two browsers behind a router namespace whose links `ns.impair()` makes lossy or slow: the
// officer's for an impaired uplink, the clinician's for an impaired downlink. Resolves once the
// clinician decodes video. Start `watchStreams()` first to see the relay's streams. Used by the
// lossy and thin link e2e tests and by `npm run bench:network`.
import type { Page } from 'playwright-core';
import { launchBrowser, waitForState, type TestBrowser } from './browser.ts';
import { ensureClientBuilt } from './client-build.ts';
import { createNamespace, type TestNamespace } from './netns.ts';
import { openGrantLink, startStreaming, waitForDecodedVideo } from './pages.ts';
import { DEMO, startRelay, type TestRelay } from './relay.ts';
import { grant } from './scenario.ts';

export interface ImpairedIncident {
  ns: TestNamespace;
  relay: TestRelay;
  officer: Page;
  clinician: Page;
  /** Clears the impairment and closes the browsers, the relay and the namespace. */
  close(): Promise<void>;
}

export interface ImpairedIncidentOptions {
  /** Extra relay settings (e.g. its RTC port range). */
  relayEnv?: Record<string, string>;
  /** A script both pages run before their own (e.g. the bench's glass-to-glass probe). */
  initScript?: string;
}

export async function impairedIncident(behindRouter: 'officer' | 'clinician', options: ImpairedIncidentOptions = {}): Promise<ImpairedIncident> {
  ensureClientBuilt();
  const ns = await createNamespace({ router: true });
  const browsers: TestBrowser[] = [];
  let relay: TestRelay | null = null;
  const close = async () => {
    ns.impair({});
    for (const browser of browsers) await browser.close().catch(() => undefined);
    await relay?.close();
    await ns.close();
  };
  try {
    relay = await startRelay({ MEDIA_LISTEN_IP: ns.hostIp, ...options.relayEnv }, { host: ns.hostIp });
    const args = [`--unsafely-treat-insecure-origin-as-secure=${relay.url}`];
    const launch = async (who: 'officer' | 'clinician') => {
      const browser = await launchBrowser({ ...(who === behindRouter ? { executablePath: await ns.chromiumLauncher() } : {}), args });
      browsers.push(browser);
      const page = await browser.page(relay!.url);
      if (options.initScript) await page.addInitScript({ path: options.initScript });
      return page;
    };
    const officer = await launch('officer');
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const incidentId = relay.services.live.all()[0]!.incident.id;
    const clinician = await launch('clinician');
    // An hour: a bench stage outlasts the default grant.
    await openGrantLink(clinician, (await grant(relay, incidentId, { permissions: ['view'], ttlSeconds: 3600 })).link);
    await waitForState(clinician, 'joined');
    await waitForDecodedVideo(clinician);
    return { ns, relay, officer, clinician, close };
  } catch (error) {
    await close();
    throw error;
  }
}
