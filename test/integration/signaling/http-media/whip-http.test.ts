// WHIP/WHEP over HTTP against a real relay and real mediasoup: status codes, headers, and the
// resource's PATCH (trickle, ICE restart with If-Match) and DELETE semantics. The offers are
// written by hand, so no media flows here (the interop tests do that with real clients).
import { parse } from 'sdp-transform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { offerSdp } from '../../../helpers/sdp-offers.ts';
import { goLive, grant, registerPlayer, storedGrant } from '../../../helpers/scenario.ts';

const DEVICE = 'Bearer cam-0001:demo-camera-key-0001';
/** The resource takes the credential that created it. */
const asDevice = { authorization: DEVICE };

describe('WHIP and WHEP over HTTP', () => {
  let relay: TestRelay;
  const http = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    fetch(`${relay.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const post = (path: string, authorization: string | null, sdp: string, type = 'application/sdp') =>
    http('POST', path, { 'content-type': type, ...(authorization ? { authorization } : {}) }, sdp);

  beforeAll(async () => {
    relay = await startRelay({ TURN_SECRET: 'test-turn-secret-0123456789', TURN_URLS: 'turn:turn.test:3478?transport=udp,turns:turn.test:443?transport=tcp' });
  });
  afterAll(async () => relay.close());

  it('publishes with a device key: 201, SDP answer, Location, ETag, ice-server Links; the incident goes live', async () => {
    const response = await post('/whip/cam', DEVICE, offerSdp());
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/sdp');
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/whip\/resource\/[0-9a-f-]{36}$/);
    expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    const links = response.headers.get('link')!;
    expect(links).toContain('<turn:turn.test:3478?transport=udp>; rel="ice-server"; username="');
    expect(links).toContain('<turns:turn.test:443?transport=tcp>; rel="ice-server"');
    expect(links).toContain(`:${DEMO.officer.id}"; credential="`);
    const answer = parse(await response.text());
    expect(answer.media.map((m) => [m.type, m.direction, m.port])).toEqual([['audio', 'recvonly', 9], ['video', 'recvonly', 9]]);
    expect(answer.media[1]!.candidates?.[0]?.ip).toBe('127.0.0.1');
    const live = relay.services.live.all().find((l) => l.incident.officerId === DEMO.officer.id)!;
    expect(relay.services.media.room(live.incident.id)?.producers().map((p) => p.kind).sort()).toEqual(['audio', 'video']);

    // Trickle: 204; a stale If-Match is refused.
    const frag = 'a=candidate:1 1 udp 2130706431 10.0.0.9 5000 typ host\r\n';
    const sdpfrag = { 'content-type': 'application/trickle-ice-sdpfrag' };
    expect((await http('PATCH', location, { ...sdpfrag, ...asDevice, 'if-match': response.headers.get('etag')! }, frag)).status).toBe(204);
    expect((await http('PATCH', location, { ...sdpfrag, ...asDevice, 'if-match': '"stale"' }, frag)).status).toBe(412);
    // ICE restart: If-Match required, matched against the current entity tag.
    const restart = 'a=ice-ufrag:New1\r\na=ice-pwd:newpassword0123456789012\r\n';
    const missing = await http('PATCH', location, { ...sdpfrag, ...asDevice }, restart);
    expect(missing.status).toBe(428);
    expect(await missing.json()).toMatchObject({ error: { code: 'PRECONDITION_REQUIRED' } });
    expect((await http('PATCH', location, { ...sdpfrag, ...asDevice, 'if-match': '"stale"' }, restart)).status).toBe(412);
    const restarted = await http('PATCH', location, { ...sdpfrag, ...asDevice, 'if-match': response.headers.get('etag')! }, restart);
    expect(restarted.status).toBe(200);
    expect(restarted.headers.get('content-type')).toBe('application/trickle-ice-sdpfrag');
    expect(restarted.headers.get('etag')).not.toBe(response.headers.get('etag'));
    const body = await restarted.text();
    expect(body).toMatch(/a=ice-ufrag:(\S+)\r\n/);
    expect(body).not.toContain(`a=ice-ufrag:${answer.media[0]!.iceUfrag}\r\n`);
    expect(body).toContain('a=end-of-candidates');
    expect((await http('PATCH', location, { ...asDevice, 'content-type': 'application/sdp', 'if-match': '*' }, restart)).status).toBe(415);

    // DELETE ends the stream and, since WHIP started it, the incident.
    expect((await http('DELETE', location, asDevice)).status).toBe(200);
    expect(relay.services.live.get(live.incident.id)).toBeUndefined();
    expect((await http('DELETE', location, asDevice)).status).toBe(404);
    expect((await http('PATCH', location, { ...sdpfrag, ...asDevice }, frag)).status).toBe(404);
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'whip.publish' && e.outcome === 'allowed' && e.detail?.deviceId === 'cam-0001')).toBe(true);
  });

  it('publishes with a device session token too, and joins the officer’s live incident instead of starting one', async () => {
    const live = await goLive(relay);
    const { body } = await relay.api<{ token: string }>('POST', '/api/session/device', { body: { deviceId: 'cam-0001', key: 'demo-camera-key-0001' } });
    const response = await post('/whip', `Bearer ${body.token}`, offerSdp());
    expect(response.status).toBe(201);
    expect(relay.services.media.room(live.incidentId)?.producers()).toHaveLength(4);
    // Leaving ends only the WHIP camera; the officer's incident stays live.
    expect((await http('DELETE', response.headers.get('location')!, { authorization: `Bearer ${body.token}` })).status).toBe(200);
    expect(relay.services.live.get(live.incidentId)).toBeDefined();
    expect(relay.services.media.room(live.incidentId)?.producers()).toHaveLength(2);
    await live.socket.request('incident.end');
    live.socket.close();
  });

  it('refuses with the RFC status codes and a JSON error body', async () => {
    const unauthenticated = await post('/whip', null, offerSdp());
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer realm="sightline"');
    expect(await unauthenticated.json()).toMatchObject({ error: { code: 'NOT_AUTHENTICATED' } });
    expect((await post('/whip', 'Bearer cam-0001:wrong-key-wrong-key-wrong', offerSdp())).status).toBe(401);
    const { token: supervisor } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect((await post('/whip', `Bearer ${supervisor}`, offerSdp())).status).toBe(403);
    const wrongType = await post('/whip', DEVICE, JSON.stringify({ sdp: offerSdp() }), 'application/json');
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'MEDIA_TYPE_UNSUPPORTED' } });
    const malformed = await post('/whip', DEVICE, 'v=0\r\nnonsense');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'SDP_MALFORMED' } });
    const unsupported = await post('/whip', DEVICE, offerSdp({ audio: false, video: 'H264-high' }));
    expect(unsupported.status).toBe(422);
    expect(await unsupported.json()).toMatchObject({ error: { code: 'SDP_UNSUPPORTED' } });
    const get = await http('GET', '/whip');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await http('POST', '/whip/resource/00000000-0000-0000-0000-000000000000', { 'content-type': 'application/sdp' }, offerSdp())).status).toBe(405);
    expect((await http('PATCH', '/whip/resource/nope', { ...asDevice, 'content-type': 'application/trickle-ice-sdpfrag' }, 'a=end-of-candidates\r\n')).status).toBe(404);
    const options = await http('OPTIONS', '/whip');
    expect(options.status).toBe(204);
    expect(options.headers.get('accept-post')).toBe('application/sdp');
    // Nothing was left live by the refusals.
    expect(relay.services.live.all()).toHaveLength(0);
  });

  it('WHEP: a player registered to the clinician plays their grant; a viewing token, unknown players and incidents are refused; revocation closes the session', async () => {
    const live = await goLive(relay);
    const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
    const player = await registerPlayer(relay);
    const response = await post(`/whep/${live.incidentId}`, `Bearer ${player}`, offerSdp({ direction: 'recvonly' }));
    expect(response.status).toBe(201);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/whep\/resource\//);
    expect(response.headers.get('link')).toContain(`:${DEMO.clinician.id}"`);
    const answer = parse(await response.text());
    expect(answer.media.map((m) => m.direction)).toEqual(['sendonly', 'sendonly']);
    expect(answer.media[1]!.ssrcs?.length).toBeGreaterThan(0);
    // The WHEP player holds view-only consumers like a joined clinician.
    const participant = relay.services.live.get(live.incidentId)!.participants().find((p) => p.grantId === granted.grantId)!;
    expect(participant.media.consumerCount()).toBe(2);

    const refusedWith = async (incidentId: string, credential: string) => {
      const refused = await post(`/whep/${incidentId}`, `Bearer ${credential}`, offerSdp({ direction: 'recvonly' }));
      return [refused.status, ((await refused.json()) as { error: { code: string } }).error.code];
    };
    expect(await refusedWith(live.incidentId, granted.token)).toEqual([401, 'DEVICE_LOGIN_FAILED']); // a link's token is no player
    expect(await refusedWith(live.incidentId, 'not.a.jwt')).toEqual([401, 'DEVICE_LOGIN_FAILED']);
    expect(await refusedWith(live.incidentId, `${player.split(':')[0]}:wrong-key-wrong-key-wrong`)).toEqual([401, 'DEVICE_LOGIN_FAILED']);
    expect(await refusedWith('inc-unknown', player)).toEqual([404, 'GRANT_NOT_FOUND']);
    // A player of a clinician whose grant expired finds nothing to play.
    const expired = await storedGrant(relay, { incidentId: live.incidentId, clinicianId: DEMO.clinicianOffCall.id, expiresAt: (Math.floor(Date.now() / 1000) + 1) * 1000 });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expired.expiresAt - Date.now()) + 1100));
    expect(await refusedWith(live.incidentId, await registerPlayer(relay, DEMO.clinicianOffCall.id))).toEqual([404, 'GRANT_NOT_FOUND']);

    const { token: supervisor } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    await relay.api('POST', `/api/grants/${granted.grantId}/revoke`, { token: supervisor });
    expect(relay.services.live.get(live.incidentId)!.participants().some((p) => p.grantId === granted.grantId)).toBe(false);
    expect((await http('DELETE', location, { authorization: `Bearer ${player}` })).status).toBe(404);
    expect(await refusedWith(live.incidentId, player)).toEqual([404, 'GRANT_NOT_FOUND']);
    await live.socket.request('incident.end');
    live.socket.close();
  });

  it('WHEP for an incident that is not live is refused', async () => {
    const live = await goLive(relay);
    await grant(relay, live.incidentId, { permissions: ['view'] });
    await live.socket.request('incident.end');
    live.socket.close();
    const response = await post(`/whep/${live.incidentId}`, `Bearer ${await registerPlayer(relay)}`, offerSdp({ direction: 'recvonly' }));
    // Ending the incident ended its grants too.
    expect(response.status).toBe(404);
  });
});

describe('WHIP rate limit', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ AUTH_RATE_PER_MINUTE: '2' });
  });
  afterAll(async () => relay.close());

  it('answers 429 past the per-address limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${relay.url}/whip`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: offerSdp() });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });
});
