import { describe, expect, it } from 'vitest';
import { startRelay } from '../../helpers/relay.ts';
import { goLive, grant, joinWith } from '../../helpers/scenario.ts';

describe('shutdown', () => {
  it('drains (no new incidents, readiness fails), then closes sockets with a notice and ends incidents', async () => {
    const relay = await startRelay();
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId);
    const { socket: viewer } = await joinWith(relay, live.incidentId, granted.token);
    relay.services.nodeState.draining = true;
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(503);
    await live.socket.request('incident.end');
    const blocked = await live.socket.send('incident.start', { rtpCapabilities: relay.services.media.rtpCapabilities as object });
    expect(blocked).toMatchObject({ ok: false, error: { code: 'SERVER_SHUTTING_DOWN' } });
    const again = await goLive(relay).catch((error: Error) => error);
    expect(String(again)).toContain('SERVER_SHUTTING_DOWN');
    await relay.close();
    expect(viewer.closeCode).toBe(1001);
    expect(live.socket.closeCode).toBe(1001);
    expect(live.socket.notifications.some((n) => n.type === 'server.shutdown')).toBe(true);
    expect(relay.services.media.closed).toBe(true);
  });
});
