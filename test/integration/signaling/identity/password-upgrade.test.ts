// Credential hashes made at a lower scrypt cost than OWASP's (N = 2^17, r = 8, p = 1) still verify,
// and the next successful sign-in replaces them with one at today's cost. The relay runs at the
// production cost here; the demo seed's hashes are the old 2^14 ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';

const costOf = (hash: string | undefined) => hash?.split('$').slice(0, 4).join('$');

describe('password hashes are upgraded at sign-in', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ PASSWORD_HASH_LOG2N: '17' });
  });
  afterAll(async () => relay.close());

  it('a user with an old-format hash signs in, and the stored hash is now scrypt N=2^17', async () => {
    const before = (await relay.services.directory.userByUsername(DEMO.officer.username))!.passwordHash;
    expect(costOf(before)).toBe('scrypt$16384$8$1');
    await relay.login(DEMO.officer.username, DEMO.officer.password);
    const after = (await relay.services.directory.userByUsername(DEMO.officer.username))!.passwordHash;
    expect(costOf(after)).toBe('scrypt$131072$8$1');
    expect(after).not.toBe(before);
    // The upgraded hash is the same password: signing in again works and keeps it.
    await relay.login(DEMO.officer.username, DEMO.officer.password);
    expect((await relay.services.directory.userByUsername(DEMO.officer.username))!.passwordHash).toBe(after);
  });

  it('a failed sign-in leaves the old hash alone', async () => {
    const before = (await relay.services.directory.userByUsername(DEMO.supervisor.username))!.passwordHash;
    expect((await relay.api('POST', '/api/session', { body: { username: DEMO.supervisor.username, password: 'wrong' } })).status).toBe(401);
    expect((await relay.services.directory.userByUsername(DEMO.supervisor.username))!.passwordHash).toBe(before);
  });

  it('a camera device key is upgraded at its sign-in too', async () => {
    expect(costOf((await relay.services.directory.device('cam-0001'))!.keyHash)).toBe('scrypt$16384$8$1');
    expect((await relay.api('POST', '/api/session/device', { body: { deviceId: 'cam-0001', key: 'demo-camera-key-0001' } })).status).toBe(200);
    expect(costOf((await relay.services.directory.device('cam-0001'))!.keyHash)).toBe('scrypt$131072$8$1');
  });

  it('users created by an admin get the production cost', async () => {
    const { token } = await relay.login(DEMO.admin.username, DEMO.admin.password);
    const created = await relay.api<{ id: string }>('POST', '/api/admin/users', {
      token,
      body: { username: 'clin.upgrade', name: 'Dr. Upgrade', role: 'supervisor', agencyId: 'metro-police', password: 'a-long-enough-password', onCall: false },
    });
    expect(created.status).toBe(201);
    expect(costOf((await relay.services.directory.userById(created.body.id))!.passwordHash)).toBe('scrypt$131072$8$1');
  });
});
