// An agency admin administers their own agency only; a platform admin administers every agency.
// Every admin action, allowed or refused, is audited with the agency it touched, so that agency's
// own audit view shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../../../signaling/protocol/audit.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';

describe('administration is scoped to the admin’s agency', () => {
  let relay: TestRelay;
  let durhamAdmin: string;
  let metroAdmin: string;
  let operator: string;
  let metroSupervisor: string;

  beforeAll(async () => {
    relay = await startRelay();
    ({ token: durhamAdmin } = await relay.login(DEMO.durhamAdmin.username, DEMO.durhamAdmin.password));
    ({ token: metroAdmin } = await relay.login(DEMO.admin.username, DEMO.admin.password));
    ({ token: operator } = await relay.login(DEMO.operator.username, DEMO.operator.password));
    ({ token: metroSupervisor } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password));
  });
  afterAll(() => relay.close());

  const newUser = (username: string, role: string, agencyId: string) => ({ username, name: `Test ${username}`, role, agencyId, password: 'a-long-password-123' });

  it('an agency admin cannot create users in another agency, of any role', async () => {
    for (const [username, role, agencyId] of [
      ['planted.sup', 'supervisor', 'metro-police'],
      ['planted.admin', 'admin', 'metro-police'],
      ['planted.clin', 'clinician', 'harbour-health'],
    ] as const) {
      expect(await relay.api('POST', '/api/admin/users', { token: durhamAdmin, body: newUser(username, role, agencyId) })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      expect(await relay.services.directory.userByUsername(username)).toBeUndefined();
    }
    // The refused attempt can still not be used to sign in.
    expect((await relay.api('POST', '/api/session', { body: { username: 'planted.sup', password: 'a-long-password-123' } })).status).toBe(401);
  });

  it('an agency admin cannot register a camera to another agency’s officer, nor create agencies', async () => {
    expect(await relay.api('POST', '/api/admin/devices', { token: durhamAdmin, body: { id: 'rogue-cam', officerId: DEMO.officer.id, key: 'rogue-camera-key-0123456789' } })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await relay.services.directory.device('rogue-cam')).toBeUndefined();
    expect((await relay.api('POST', '/api/session/device', { body: { deviceId: 'rogue-cam', key: 'rogue-camera-key-0123456789' } })).status).toBe(401);
    expect(await relay.api('POST', '/api/admin/agencies', { token: durhamAdmin, body: { id: 'rogue-agency', name: 'Rogue' } })).toMatchObject({ status: 403 });
    expect(await relay.api('POST', '/api/admin/agencies', { token: metroAdmin, body: { id: 'rogue-agency', name: 'Rogue' } })).toMatchObject({ status: 403 });
    // An unknown officer is refused the same way: the answer tells nothing about other agencies.
    expect(await relay.api('POST', '/api/admin/devices', { token: durhamAdmin, body: { id: 'ghost-cam', officerId: 'u-nobody', key: 'ghost-camera-key-0123456789' } })).toMatchObject({ status: 403 });
  });

  it('an agency admin lists only their own agency’s users', async () => {
    const listed = await relay.api<Array<{ agencyId: string }>>('GET', '/api/admin/users', { token: durhamAdmin });
    expect(listed.status).toBe(200);
    expect(listed.body.length).toBeGreaterThan(0);
    expect(new Set(listed.body.map((u) => u.agencyId))).toEqual(new Set(['durham-police']));
  });

  it('an agency admin administers their own agency; only a platform admin makes platform admins', async () => {
    expect(await relay.api('POST', '/api/admin/users', { token: durhamAdmin, body: newUser('sup.durham.new', 'supervisor', 'durham-police') })).toMatchObject({ status: 201, body: { agencyId: 'durham-police' } });
    expect(await relay.api('POST', '/api/admin/users', { token: durhamAdmin, body: newUser('op.durham', 'platform-admin', 'durham-police') })).toMatchObject({ status: 403 });
    const officer = await relay.api<{ id: string }>('POST', '/api/admin/users', { token: durhamAdmin, body: newUser('off.durham.new', 'officer', 'durham-police') });
    expect((await relay.api('POST', '/api/admin/devices', { token: durhamAdmin, body: { id: 'cam-durham-9', officerId: officer.body.id, key: 'durham-camera-key-0123456789' } })).status).toBe(201);
    expect(await relay.api('POST', '/api/admin/users', { token: operator, body: newUser('op.second', 'platform-admin', 'metro-police') })).toMatchObject({ status: 201 });
    expect(await relay.api('POST', '/api/admin/users', { token: operator, body: newUser('clin.harbour.new', 'clinician', 'harbour-health') })).toMatchObject({ status: 201 });
    const all = await relay.api<Array<{ agencyId: string }>>('GET', '/api/admin/users', { token: operator });
    expect(new Set(all.body.map((u) => u.agencyId))).toEqual(new Set(['metro-police', 'durham-police', 'harbour-health']));
  });

  it('an agency’s identity provider cannot be configured to mint platform admins', async () => {
    const body = { id: 'idp-agency', name: 'IdP Agency', oidc: { issuer: 'https://idp.example', jwksUrl: 'https://idp.example/jwks', audience: 'sightline', roleMap: { ops: 'platform-admin' } } };
    expect(await relay.api('POST', '/api/admin/agencies', { token: operator, body })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
  });

  it('the touched agency’s own audit view shows the attempts against it, refused ones included', async () => {
    const page = await relay.api<AuditPage>('GET', '/api/audit?limit=1000', { token: metroSupervisor });
    expect(page.status).toBe(200);
    const adminEntries = page.body.entries.filter((e) => e.action.startsWith('admin.'));
    const refusedFromDurham = adminEntries.filter((e) => e.outcome === 'denied' && e.actor?.agencyId === 'durham-police');
    expect(refusedFromDurham.map((e) => e.action)).toEqual(expect.arrayContaining(['admin.user.create', 'admin.device.create']));
    for (const entry of refusedFromDurham) expect(entry.target.agencyId).toBe('metro-police');
    // Every admin entry names the agency it touched.
    const all = await relay.services.audit.log.entries();
    // (A camera for an officer who does not exist touches no agency.)
    const touching = all.filter((e) => ['admin.user.create', 'admin.device.create', 'admin.agency.create'].includes(e.action) && e.target.userId !== 'u-nobody');
    expect(touching.length).toBeGreaterThan(5);
    for (const entry of touching) {
      expect(entry.target.agencyId, `${entry.action} #${entry.seq}`).toEqual(expect.any(String));
    }
    // The platform admin's read of every agency's users is audited.
    expect(all.some((e) => e.action === 'admin.user.list' && e.actor?.id === DEMO.operator.id && e.outcome === 'allowed')).toBe(true);
  });
});
