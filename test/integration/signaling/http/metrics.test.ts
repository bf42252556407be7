import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive } from '../../../helpers/scenario.ts';

describe('/metrics', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ METRICS_TOKEN: 'scrape-token-0123456789' });
  });
  afterAll(async () => relay.close());

  it('needs the scrape token when one is configured, and reports incidents, workers and draining', async () => {
    expect(await relay.api('GET', '/metrics')).toMatchObject({ status: 401, body: { error: { code: 'NOT_AUTHENTICATED' } } });
    const live = await goLive(relay);
    const scrape = async () => (await fetch(`${relay.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).text();
    const text = await scrape();
    expect(text).toMatch(/^sightline_incidents 1$/m);
    expect(text).toMatch(/^sightline_workers 1$/m);
    expect(text).toMatch(/^sightline_draining 0$/m);
    relay.services.nodeState.draining = true;
    expect(await scrape()).toMatch(/^sightline_draining 1$/m);
    live.socket.close();
  });

  it("exports prom-client's default metrics of the relay process", async () => {
    const text = await (await fetch(`${relay.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).text();
    expect(text).toMatch(/^process_cpu_seconds_total \S+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+$/m);
  });
});
