import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWING_AUDIENCE } from '../../../signaling/tokens/viewing-token.ts';
import { DEMO, startRelay, type TestRelay } from '../../helpers/relay.ts';
import { capabilities, clinicianSession, goLive, grant, joinWith, storedGrant } from '../../helpers/scenario.ts';
import { TestSocket } from '../../helpers/ws-client.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('refused viewing tokens get distinct codes and leave the socket usable', () => {
  let relay: TestRelay;
  let incidentId: string;
  let otherIncidentId: string;
  let officerSockets: TestSocket[];

  beforeAll(async () => {
    relay = await startRelay();
    const a = await goLive(relay, DEMO.officer);
    const b = await goLive(relay, DEMO.officer2);
    incidentId = a.incidentId;
    otherIncidentId = b.incidentId;
    officerSockets = [a.socket, b.socket];
  });
  afterAll(async () => {
    for (const socket of officerSockets) socket.close();
    await relay.close();
  });

  const sign = (claims: Record<string, unknown>, key = relay.services.keys.privateKey, alg = 'EdDSA') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuer(String(claims.iss ?? relay.services.config.TOKEN_ISSUER))
      .setAudience(String(claims.aud ?? VIEWING_AUDIENCE))
      .setSubject(DEMO.clinician.id)
      .setJti(`test-${Math.random()}`)
      .setNotBefore(Number(claims.nbf ?? Math.floor(Date.now() / 1000) - 5))
      .setExpirationTime(Number(claims.exp ?? Math.floor(Date.now() / 1000) + 600))
      .sign(key);

  const cases: Array<[string, () => Promise<string>, string]> = [
    ['expired', async () => sign({ inc: incidentId, perm: ['view'], exp: Math.floor(Date.now() / 1000) - 10, nbf: Math.floor(Date.now() / 1000) - 100 }), 'TOKEN_EXPIRED'],
    ['not yet valid', async () => sign({ inc: incidentId, perm: ['view'], nbf: Math.floor(Date.now() / 1000) + 300 }), 'TOKEN_NOT_YET_VALID'],
    ['forged (another key)', async () => sign({ inc: incidentId, perm: ['view'] }, (await generateKeyPair('EdDSA')).privateKey), 'TOKEN_SIGNATURE_INVALID'],
    ['wrong audience', async () => sign({ inc: incidentId, perm: ['view'], aud: 'someone-else' }), 'TOKEN_AUDIENCE_INVALID'],
    ['wrong issuer', async () => sign({ inc: incidentId, perm: ['view'], iss: 'not-sightline' }), 'TOKEN_ISSUER_INVALID'],
    ['wrong incident', async () => sign({ inc: otherIncidentId, perm: ['view'] }), 'TOKEN_INCIDENT_MISMATCH'],
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'sightline', aud: VIEWING_AUDIENCE, sub: DEMO.clinician.id, inc: incidentId, perm: ['view', 'talk'], jti: 'x', nbf: 0, exp: 4102444800 })}.`,
      'TOKEN_ALG_NOT_ALLOWED',
    ],
    ['garbage', async () => 'not-a-jwt', 'TOKEN_MALFORMED'],
    ['missing scope claims', async () => sign({}), 'TOKEN_CLAIMS_INVALID'],
  ];

  for (const [name, makeToken, code] of cases) {
    it(`refuses a ${name} token with ${code}`, async () => {
      const { socket, reply } = await joinWith(relay, incidentId, await makeToken());
      expect(reply).toMatchObject({ ok: false, error: { code } });
      expect((await socket.send('ping')).ok).toBe(true);
      socket.close();
    });
  }

  it('refuses a valid token for an incident that is not live with INCIDENT_NOT_FOUND', async () => {
    const { token } = await storedGrant(relay, { clinicianId: DEMO.clinician.id, incidentId: 'inc-does-not-exist', expiresAt: Date.now() + 60_000 });
    const { socket, reply } = await joinWith(relay, 'inc-does-not-exist', token);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INCIDENT_NOT_FOUND' } });
    socket.close();
  });

  it('refuses a token whose subject is not a clinician', async () => {
    const { token } = await storedGrant(relay, { clinicianId: DEMO.officer2.id, incidentId, expiresAt: Date.now() + 60_000 });
    const { socket, reply } = await joinWith(relay, incidentId, token);
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    socket.close();
  });

  it('audits every refused join with its code', async () => {
    const denied = (await relay.services.audit.log.entries()).filter((e) => e.action === 'join' && e.outcome === 'denied');
    const reasons = new Set(denied.map((e) => e.reason));
    for (const [, , code] of cases) expect(reasons).toContain(code);
    expect(reasons).toContain('INCIDENT_NOT_FOUND');
    for (const entry of denied) expect(entry.source.ip).toBe('127.0.0.1');
  });

  it('a second join on the same socket is refused', async () => {
    const granted = await grant(relay, incidentId, { permissions: ['view'] });
    const { socket, reply } = await joinWith(relay, incidentId, granted.token);
    expect(reply.ok).toBe(true);
    const again = await socket.send('join', { incidentId, grantToken: granted.token, session: await clinicianSession(relay, granted.token), rtpCapabilities: await capabilities(relay) });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
    socket.close();
  });
});
