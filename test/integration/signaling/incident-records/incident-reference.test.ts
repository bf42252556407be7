// Each incident gets a short reference people can read out (agency, day, number that day),
// counted in the shared store, in the officer's reply and in the console.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceDay } from '../../../../signaling/incident-records/incident-reference.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive } from '../../../helpers/scenario.ts';

describe('incident references', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  it('numbers an agency’s incidents of the day, and the console shows them', async () => {
    const first = await goLive(relay, DEMO.officer);
    const second = await goLive(relay, DEMO.officer2);
    const day = referenceDay(Date.now());
    expect(first.started.reference).toBe(`MP-${day}-01`);
    expect(second.started.reference).toBe(`MP-${day}-02`);
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const { body } = await relay.api<Array<{ id: string; reference: string }>>('GET', '/api/incidents', { token });
    expect(body.map((incident) => incident.reference).sort()).toEqual([`MP-${day}-01`, `MP-${day}-02`]);
    for (const live of [first, second]) {
      await live.socket.request('incident.end');
      live.socket.close();
    }
  });
});
