// Media refusals reach clients with their own codes, never INTERNAL: a WHIP offer the media
// server cannot take, and a free-form media object too deep for mediasoup to read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type TestRelay } from '../../helpers/relay.ts';
import { capabilities, clinicianSession, goLive, grant } from '../../helpers/scenario.ts';
import { offerSdp } from '../../helpers/sdp-offers.ts';
import { TestSocket } from '../../helpers/ws-client.ts';

/** `{ a: { a: ... } }`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('media errors keep their codes', () => {
  let relay: TestRelay;
  let live: Awaited<ReturnType<typeof goLive>>;

  beforeAll(async () => {
    relay = await startRelay();
    live = await goLive(relay);
  });
  afterAll(async () => {
    live?.socket.close();
    await relay.close();
  });

  it('a WHIP offer with an md5 DTLS fingerprint is refused with 422 SDP_UNSUPPORTED, and nothing stays live', async () => {
    const sdp = offerSdp().replace(/a=fingerprint:sha-256 [^\r]+/g, 'a=fingerprint:md5 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35');
    const response = await fetch(`${relay.url}/whip`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: 'Bearer cam-0001:demo-camera-key-0001' },
      body: sdp,
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'SDP_UNSUPPORTED' } });
    // The officer's own incident is untouched and no WHIP camera joined it.
    expect(relay.services.live.get(live.incidentId)!.participants().filter((p) => p.isOfficer)).toHaveLength(1);
  });

  it('a join with 2,500-deep rtpCapabilities is MESSAGE_MALFORMED, and the socket can still join', async () => {
    const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
    const socket = await TestSocket.open(relay.wsUrl);
    const deep = await socket.send('join', { incidentId: live.incidentId, grantToken: granted.token, session: await clinicianSession(relay, granted.token), rtpCapabilities: nested(2500) });
    expect(deep).toMatchObject({ ok: false, error: { code: 'MESSAGE_MALFORMED' } });
    expect(deep.ok || deep.error.message).toContain('rtpCapabilities');
    const joined = await socket.send('join', { incidentId: live.incidentId, grantToken: granted.token, session: await clinicianSession(relay, granted.token), rtpCapabilities: await capabilities(relay) });
    expect(joined.ok).toBe(true);
    socket.close();
  });
});
