import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

describe('identity: devices, OIDC, administration, rate limits', () => {
  let relay: TestRelay;
  let adminToken: string;
  let idp: Server;
  let idpUrl: string;
  let idpKey: CryptoKey;

  beforeAll(async () => {
    relay = await startRelay({ AUTH_RATE_PER_MINUTE: '30' });
    ({ token: adminToken } = await relay.login(DEMO.operator.username, DEMO.operator.password));
    // The agency's identity provider: a JWKS served by the test itself.
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    idpKey = privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] });
    idp = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    idpUrl = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    idp.close();
    await relay.close();
  });

  it('a camera signs in with its device key and goes live as its officer', async () => {
    const ok = await relay.api<{ token: string; user: { id: string } }>('POST', '/api/session/device', { body: { deviceId: 'cam-0001', key: 'demo-camera-key-0001' } });
    expect(ok).toMatchObject({ status: 200, body: { user: { id: DEMO.officer.id, role: 'officer' } } });
    expect(await relay.api('POST', '/api/session/device', { body: { deviceId: 'cam-0001', key: 'wrong' } })).toMatchObject({ status: 401, body: { error: { code: 'DEVICE_LOGIN_FAILED' } } });
    const socket = await TestSocket.open(relay.wsUrl);
    expect((await socket.request('auth', { token: ok.body.token })).user.id).toBe(DEMO.officer.id);
    socket.close();
  });

  it('the platform admin creates agencies, users and devices; others are refused and audited', async () => {
    const agency = await relay.api('POST', '/api/admin/agencies', {
      token: adminToken,
      body: { id: 'lakeshore-police', name: 'Lakeshore Police', oidc: { issuer: 'https://idp.lakeshore.example', jwksUrl: `${idpUrl}/jwks`, audience: 'sightline', roleClaim: 'groups', roleMap: { 'bwc-supervisors': 'supervisor', 'bwc-officers': 'officer' } } },
    });
    expect(agency).toMatchObject({ status: 201, body: { id: 'lakeshore-police', oidc: { issuer: 'https://idp.lakeshore.example' } } });
    const user = await relay.api<{ id: string }>('POST', '/api/admin/users', {
      token: adminToken,
      body: { username: 'off.lake', name: 'Cst. Lake', role: 'officer', agencyId: 'lakeshore-police', password: 'a-long-password-123' },
    });
    expect(user.status).toBe(201);
    expect((await relay.login('off.lake', 'a-long-password-123')).user.role).toBe('officer');
    expect(await relay.api('POST', '/api/admin/users', { token: adminToken, body: { username: 'off.lake', name: 'x', role: 'officer', agencyId: 'lakeshore-police', password: 'a-long-password-123' } })).toMatchObject({
      status: 409,
      body: { error: { code: 'ALREADY_EXISTS' } },
    });
    expect((await relay.api('POST', '/api/admin/devices', { token: adminToken, body: { id: 'cam-lake-1', officerId: user.body.id, key: 'lake-camera-key-0123456789' } })).status).toBe(201);
    expect((await relay.api('POST', '/api/session/device', { body: { deviceId: 'cam-lake-1', key: 'lake-camera-key-0123456789' } })).status).toBe(200);
    const { token: supervisor } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect(await relay.api('POST', '/api/admin/agencies', { token: supervisor, body: { id: 'x-agency', name: 'X' } })).toMatchObject({ status: 403 });
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'admin.user.create' && e.outcome === 'allowed')).toBe(true);
    expect(audit.some((e) => e.action === 'admin.agency.create' && e.outcome === 'denied')).toBe(true);
  });

  it('signs in through the agency’s OIDC provider, mapping the role from a claim', async () => {
    const idToken = (claims: Record<string, unknown>, options: { audience?: string; key?: CryptoKey; expires?: string } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
        .setIssuer('https://idp.lakeshore.example')
        .setAudience(options.audience ?? 'sightline')
        .setSubject('lake-123')
        .setIssuedAt()
        .setExpirationTime(options.expires ?? '5m')
        .sign(options.key ?? idpKey);
    const ok = await relay.api<{ user: { role: string; agencyId: string } }>('POST', '/api/session/oidc', {
      body: { agencyId: 'lakeshore-police', idToken: await idToken({ groups: ['staff', 'bwc-supervisors'], name: 'Sgt. Shore', amr: ['pwd', 'otp'], acr: 'urn:lakeshore:mfa' }) },
    });
    expect(ok).toMatchObject({ status: 200, body: { user: { role: 'supervisor', agencyId: 'lakeshore-police', name: 'Sgt. Shore' } } });
    // The provider's own second factor, as it states it, is on record with the sign-in.
    const signedIn = (await relay.services.audit.log.entries()).filter((e) => e.action === 'login' && e.detail?.method === 'oidc').at(-1);
    expect(signedIn?.detail).toMatchObject({ amr: 'pwd otp', acr: 'urn:lakeshore:mfa' });
    const again = await relay.api<{ user: { id: string } }>('POST', '/api/session/oidc', { body: { agencyId: 'lakeshore-police', idToken: await idToken({ groups: ['bwc-supervisors'] }) } });
    expect(again.body.user.id).toBe((ok.body as unknown as { user: { id: string } }).user.id);
    const refuse = async (body: unknown, code: string) => expect(await relay.api('POST', '/api/session/oidc', { body })).toMatchObject({ body: { error: { code } } });
    await refuse({ agencyId: 'lakeshore-police', idToken: await idToken({ groups: ['visitors'] }) }, 'OIDC_ROLE_UNMAPPED');
    await refuse({ agencyId: 'lakeshore-police', idToken: await idToken({ groups: ['bwc-officers'] }, { audience: 'other-app' }) }, 'OIDC_TOKEN_INVALID');
    await refuse({ agencyId: 'lakeshore-police', idToken: await idToken({ groups: ['bwc-officers'] }, { key: (await generateKeyPair('ES256')).privateKey }) }, 'OIDC_TOKEN_INVALID');
    await refuse({ agencyId: 'lakeshore-police', idToken: await idToken({ groups: ['bwc-officers'] }, { expires: '-1m' }) }, 'OIDC_TOKEN_INVALID');
    await refuse({ agencyId: 'metro-police', idToken: await idToken({ groups: ['bwc-officers'] }) }, 'OIDC_NOT_CONFIGURED');
  });

  it('the admin CLI drives the same API', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'signaling/cli/admin.ts', 'create-user', '--url', relay.url, '--user', 'operator', '--password', 'demo-operator', '--username', 'clin.cli', '--name', 'Dr. Cli', '--role', 'clinician', '--agency', 'harbour-health', '--new-password', 'cli-password-123456', '--on-call']);
    expect(JSON.parse(stdout)).toMatchObject({ username: 'clin.cli', role: 'clinician', onCall: true });
    const failed = await run(process.execPath, ['--import', 'tsx', 'signaling/cli/admin.ts', 'create-agency', '--url', relay.url, '--user', 'admin', '--password', 'wrong']).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('LOGIN_FAILED');
  });

  it('rate-limits sign-in attempts with RATE_LIMITED', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await relay.api('POST', '/api/session/device', { body: { deviceId: 'nope', key: 'nope' } })).status);
    expect(statuses).toContain(429);
    const limited = await relay.api('POST', '/api/session/device', { body: { deviceId: 'nope', key: 'nope' } });
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
  });
});
