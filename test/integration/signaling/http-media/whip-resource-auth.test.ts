// A WHIP/WHEP resource URL is no secret (the audit trail names it): PATCH and DELETE take only
// the Bearer credential that created the session. Anyone else gets 401, the stream carries on,
// and the refusal is audited with the real caller and address, never the session's owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive, grant, registerPlayer } from '../../../helpers/scenario.ts';
import { offerSdp } from '../../../helpers/sdp-offers.ts';

const DEVICE = 'Bearer cam-0001:demo-camera-key-0001';
const SDPFRAG = { 'content-type': 'application/trickle-ice-sdpfrag' };
const RESTART = 'a=ice-ufrag:Evil\r\na=ice-pwd:attackerpassword0123456789\r\n';

describe('WHIP/WHEP resources take only their own credential', () => {
  let relay: TestRelay;
  const http = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    fetch(`${relay.url}${path}`, { method, headers: { 'user-agent': 'resource-auth-test', ...headers }, ...(body === undefined ? {} : { body }) });
  const denials = async (action: string) => (await relay.services.audit.log.entries()).filter((e) => e.action === action && e.outcome === 'denied');

  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay.close());

  it('a WHIP resource named in the audit trail cannot be restarted or deleted without the camera’s credential', async () => {
    const published = await http('POST', '/whip/cam', { 'content-type': 'application/sdp', authorization: DEVICE }, offerSdp());
    expect(published.status).toBe(201);
    const location = published.headers.get('location')!;
    const live = relay.services.live.all().find((l) => l.incident.officerId === DEMO.officer.id)!;
    // The resource id is in the audit trail for anyone who may read it.
    const entry = (await relay.services.audit.log.entries()).find((e) => e.action === 'whip.publish' && e.outcome === 'allowed')!;
    expect(location).toBe(`/whip/resource/${entry.detail!.session}`);

    const patch = await http('PATCH', location, { ...SDPFRAG, 'if-match': '*' }, RESTART);
    expect(patch.status).toBe(401);
    expect(patch.headers.get('www-authenticate')).toBe('Bearer realm="sightline"');
    expect(await patch.json()).toMatchObject({ error: { code: 'NOT_AUTHENTICATED' } });
    const anonymous = await http('DELETE', location);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'NOT_AUTHENTICATED' } });
    // Another valid credential is not this session's.
    const { token: other } = await relay.login(DEMO.officer2.username, DEMO.officer2.password);
    const wrong = await http('DELETE', location, { authorization: `Bearer ${other}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'RESOURCE_CREDENTIAL_INVALID' } });
    expect(relay.services.live.get(live.incident.id)).toBeDefined();

    const patches = await denials('whip.patch');
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ actor: null, target: { incidentId: live.incident.id }, reason: 'NOT_AUTHENTICATED', source: { ip: '127.0.0.1', userAgent: 'resource-auth-test' } });
    const ends = await denials('whip.end');
    expect(ends.map((e) => [e.actor?.id ?? null, e.reason])).toEqual([
      [null, 'NOT_AUTHENTICATED'],
      [DEMO.officer2.id, 'RESOURCE_CREDENTIAL_INVALID'],
    ]);
    expect((await relay.services.audit.log.entries()).some((e) => e.action === 'incident.end' && e.target.incidentId === live.incident.id)).toBe(false);

    // The camera's own credential still drives it.
    expect((await http('PATCH', location, { ...SDPFRAG, authorization: DEVICE, 'if-match': '*' }, RESTART)).status).toBe(200);
    expect((await http('DELETE', location, { authorization: DEVICE })).status).toBe(200);
    expect(relay.services.live.get(live.incident.id)).toBeUndefined();
    const ended = (await relay.services.audit.log.entries()).find((e) => e.action === 'whip.end' && e.outcome === 'info')!;
    expect(ended).toMatchObject({ actor: { id: DEMO.officer.id }, source: { userAgent: 'resource-auth-test' }, detail: { session: entry.detail!.session } });
  });

  it('a WHEP resource takes only the player credential that created it', async () => {
    const live = await goLive(relay, DEMO.officer2);
    const granted = await grant(relay, live.incidentId, { permissions: ['view'] });
    await grant(relay, live.incidentId, { permissions: ['view'], clinicianId: DEMO.clinicianOffCall.id });
    const player = await registerPlayer(relay);
    const otherPlayer = await registerPlayer(relay, DEMO.clinicianOffCall.id);
    const played = await http('POST', `/whep/${live.incidentId}`, { 'content-type': 'application/sdp', authorization: `Bearer ${player}` }, offerSdp({ direction: 'recvonly' }));
    expect(played.status).toBe(201);
    const location = played.headers.get('location')!;
    const seated = () => relay.services.live.get(live.incidentId)!.participants().some((p) => p.grantId === granted.grantId);

    expect((await http('DELETE', location)).status).toBe(401);
    const wrong = await http('DELETE', location, { authorization: `Bearer ${otherPlayer}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'RESOURCE_CREDENTIAL_INVALID' } });
    expect(seated()).toBe(true);
    expect((await denials('whep.end')).map((e) => [e.actor?.id ?? null, e.reason, e.target.grantId])).toEqual([
      [null, 'NOT_AUTHENTICATED', granted.grantId],
      ['u-clin-silva', 'RESOURCE_CREDENTIAL_INVALID', granted.grantId],
    ]);

    expect((await http('DELETE', location, { authorization: `Bearer ${player}` })).status).toBe(200);
    expect(seated()).toBe(false);
    await live.socket.request('incident.end');
    live.socket.close();
  });
});
