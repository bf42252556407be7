// The console shows an officer's shared location on a map drawn from the configured tile server
// (here a local stub standing in for the agency's GIS), with the incident's short reference; the
// page's security policy admits that tile server and nothing else. Checked with axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.ts';
import { launchBrowser, waitForState, waitInPage, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { signIn } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { goLive } from '../helpers/scenario.ts';
import { startTileStub, type TileStub } from '../helpers/tile-stub.ts';
import { until } from '../helpers/until.ts';

describe('the console’s map of a shared location, in Chromium', () => {
  let tiles: TileStub;
  let relay: TestRelay;
  let browser: TestBrowser;
  beforeAll(async () => {
    ensureClientBuilt();
    tiles = await startTileStub();
    relay = await startRelay({ MAP_TILE_URL: tiles.template, MAP_ATTRIBUTION: 'Tiles: test GIS' });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    await tiles?.close();
  });

  it('draws the location from the agency’s tile server, under the incident’s reference', async () => {
    const live = await goLive(relay);
    await live.socket.request('incident.location', { location: { lat: 43.6534, lon: -79.3841, accuracy: 25 } });
    const console_ = await browser.page(relay.url);
    await console_.goto(`${relay.url}/supervisor.html`);
    await signIn(console_, DEMO.supervisor.username, DEMO.supervisor.password);
    await waitForState(console_, 'console');
    const card = console_.locator(`[data-testid="incident"][data-incident-id="${live.incidentId}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('data-reference')).toBe(live.started.reference);
    expect(await card.textContent()).toContain(`Incident ${live.started.reference}`);
    await card.getByTestId('incident-map').waitFor({ timeout: 10_000 });
    // Every tile loaded: the stub was asked for the street-level tiles around the point, and the page's policy let them in.
    await waitInPage(console_, 'the map’s tiles load', () => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[data-testid="incident-map"] img')];
      return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
    }, undefined, 10_000);
    await until(() => tiles.requested.some((t) => t.z === 16 && t.x === 18316 && t.y === 23917) || undefined, 5000, 'the tile under the point');
    expect(await card.getByTestId('incident-map').textContent()).toContain('Tiles: test GIS');
    const label = await card.locator('[role="img"]').getAttribute('aria-label');
    expect(label).toContain('43.65340, -79.38410');
    await expectAccessible(console_, 'the console with a shared location on the map');
    await live.socket.request('incident.end');
    live.socket.close();
  });
});
