// Supervisors and admins sign in with a second factor while MFA is required: the password opens a
// challenge; someone without an authenticator enrols in that step and gets recovery codes; a code
// is used once; recovery codes work once each; wrong codes are audited and count toward the
// lockout; an admin resets a lost authenticator. Officers and clinicians are not asked. Without a
// demo seed, MFA is required by default.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../../signaling/identity/totp.ts';
import type { LoginResponse, MfaChallengeResponse, MfaLoginResponse } from '../../../../signaling/protocol/http.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';

type Answer = LoginResponse | MfaChallengeResponse;

describe('second factor for supervisors and admins', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay({ MFA_REQUIRED: 'true' });
  });
  afterAll(() => relay.close());

  const password = (who: { username: string; password: string }) => relay.api<Answer>('POST', '/api/session', { body: { username: who.username, password: who.password } });
  const answer = (challenge: string, code: string) => relay.api<MfaLoginResponse & { error?: { code: string } }>('POST', '/api/session/mfa', { body: { challenge, code } });
  let durhamSecret = '';
  const audited = async (action: string) => (await relay.services.audit.log.entries()).filter((e) => e.action === action);

  it('enrols at the first sign-in, then asks for a fresh code each time; recovery codes work once', async () => {
    const first = await password(DEMO.supervisor);
    expect(first.status).toBe(200);
    if (!('mfa' in first.body)) throw new Error('no second factor asked');
    const { challenge, enrol } = first.body.mfa;
    expect(enrol?.uri).toMatch(/^otpauth:\/\/totp\//);
    const secret = enrol!.secret;

    // A wrong code: refused, audited, and counted toward the lockout; the challenge stays.
    const wrong = await answer(challenge, '000000');
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'MFA_CODE_INVALID' } } });
    expect((await audited('mfa.verify')).at(-1)).toMatchObject({ outcome: 'denied', reason: 'MFA_CODE_INVALID', actor: { id: DEMO.supervisor.id } });

    const enrolled = await answer(challenge, totpCode(secret));
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.user.id).toBe(DEMO.supervisor.id);
    expect(enrolled.body.recoveryCodes).toHaveLength(10);
    expect((await relay.api('GET', '/api/me', { token: enrolled.body.token })).status).toBe(200);
    expect(await audited('mfa.enrol')).toHaveLength(1);
    expect((await audited('login')).at(-1)).toMatchObject({ outcome: 'allowed', detail: { method: 'password+totp' } });
    // The challenge answered once.
    expect((await answer(challenge, totpCode(secret))).body).toMatchObject({ error: { code: 'MFA_CHALLENGE_INVALID' } });

    // Next sign-in: no new key; the code just used is refused (once per step), the next one works.
    const second = await password(DEMO.supervisor);
    if (!('mfa' in second.body)) throw new Error('no second factor asked');
    expect(second.body.mfa.enrol).toBeNull();
    expect((await answer(second.body.mfa.challenge, totpCode(secret))).body).toMatchObject({ error: { code: 'MFA_CODE_INVALID' } });
    expect((await answer(second.body.mfa.challenge, totpCode(secret, Date.now() + 30_000))).status).toBe(200);

    // A recovery code signs in once.
    const recovery = enrolled.body.recoveryCodes![0]!;
    const third = await password(DEMO.supervisor);
    if (!('mfa' in third.body)) throw new Error('no second factor asked');
    const recovered = await answer(third.body.mfa.challenge, recovery);
    expect(recovered).toMatchObject({ status: 200, body: { recoveryLeft: 9 } });
    expect((await audited('login')).at(-1)).toMatchObject({ detail: { method: 'password+recovery-code', recoveryLeft: 9 } });
    const fourth = await password(DEMO.supervisor);
    if (!('mfa' in fourth.body)) throw new Error('no second factor asked');
    expect((await answer(fourth.body.mfa.challenge, recovery)).body).toMatchObject({ error: { code: 'MFA_CODE_INVALID' } });
  });

  it('voids a challenge after five wrong codes', async () => {
    const start = await password(DEMO.durhamSupervisor);
    if (!('mfa' in start.body)) throw new Error('no second factor asked');
    for (let i = 0; i < 4; i += 1) expect((await answer(start.body.mfa.challenge, '111111')).body).toMatchObject({ error: { code: 'MFA_CODE_INVALID' } });
    const fifth = await answer(start.body.mfa.challenge, '111111');
    expect(fifth.body.error?.code).toMatch(/MFA_CODE_INVALID|ACCOUNT_LOCKED/);
    expect((await answer(start.body.mfa.challenge, totpCode(start.body.mfa.enrol!.secret))).body).toMatchObject({ error: { code: expect.stringMatching(/MFA_CHALLENGE_INVALID|ACCOUNT_LOCKED/) } });
  });

  it('passkeys: only for supervisors and admins, a forged one is refused and audited, and a challenge without passkeys takes none', async () => {
    const clinician = (await relay.login(DEMO.clinician.username, DEMO.clinician.password)).token;
    expect((await relay.api('POST', '/api/me/passkeys/options', { token: clinician, body: {} })).status).toBe(403);
    const token = await relay.services.sessions.create(DEMO.durhamSupervisor.id); // signed in (its sign-in is tested above)
    const options = await relay.api<{ challenge: string; rp: { id: string } }>('POST', '/api/me/passkeys/options', { token, body: {} });
    expect(options.status).toBe(200);
    expect(options.body.rp.id).toBe('127.0.0.1');
    const forged = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} };
    expect((await relay.api('POST', '/api/me/passkeys', { token, body: { response: forged } })).body).toMatchObject({ error: { code: 'PASSKEY_INVALID' } });
    expect((await audited('mfa.enrol')).at(-1)).toMatchObject({ outcome: 'denied', reason: 'PASSKEY_INVALID', detail: { factor: 'passkey' } });
    // No passkey on record: the challenge offers none, and a passkey answer is a wrong answer.
    const next = await password(DEMO.operator);
    if (!('mfa' in next.body)) throw new Error('no second factor asked');
    expect(next.body.mfa.passkey).toBeNull();
    const assertion = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' }, clientExtensionResults: {} };
    expect((await relay.api('POST', '/api/session/mfa', { body: { challenge: next.body.mfa.challenge, passkey: assertion } })).body).toMatchObject({ error: { code: 'MFA_CODE_INVALID' } });
  });

  it('asks officers and clinicians for no second factor', async () => {
    for (const who of [DEMO.officer, DEMO.clinician]) {
      const signedIn = await password(who);
      expect(signedIn.status).toBe(200);
      expect('token' in signedIn.body).toBe(true);
    }
  });

  it('an admin resets a lost authenticator: the person enrols again at the next sign-in', async () => {
    const adminStart = await password(DEMO.admin);
    if (!('mfa' in adminStart.body)) throw new Error('no second factor asked');
    const admin = await answer(adminStart.body.mfa.challenge, totpCode(adminStart.body.mfa.enrol!.secret));
    expect(admin.status).toBe(200);
    expect((await relay.services.directory.userById(DEMO.supervisor.id))?.mfa).toBeDefined();
    expect((await relay.api('POST', `/api/admin/users/${DEMO.supervisor.id}/mfa/reset`, { token: admin.body.token })).status).toBe(204);
    expect((await relay.services.directory.userById(DEMO.supervisor.id))?.mfa).toBeUndefined();
    expect((await audited('admin.mfa.reset')).at(-1)).toMatchObject({ outcome: 'allowed', actor: { id: DEMO.admin.id }, target: { userId: DEMO.supervisor.id } });
    const again = await password(DEMO.supervisor);
    expect('mfa' in again.body && again.body.mfa.enrol).toBeTruthy();
    // Another agency's admin may not.
    const durhamStart = await password(DEMO.durhamAdmin);
    if (!('mfa' in durhamStart.body)) throw new Error('no second factor asked');
    durhamSecret = durhamStart.body.mfa.enrol!.secret;
    const durham = await answer(durhamStart.body.mfa.challenge, totpCode(durhamSecret));
    expect((await relay.api('POST', `/api/admin/users/${DEMO.supervisor.id}/mfa/reset`, { token: durham.body.token })).status).toBe(403);
  });

  it('the admin CLI answers with --code, and registers a WHEP player', async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'signaling/cli/admin.ts', ...args, '--url', relay.url, '--user', DEMO.durhamAdmin.username, '--password', DEMO.durhamAdmin.password], (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const without = await cli('create-player', '--id', 'lobby-screen', '--clinician', DEMO.durhamClinician.id, '--key', 'a-player-key-of-enough-length');
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/--code/);
    const made = await cli('create-player', '--id', 'lobby-screen', '--clinician', DEMO.durhamClinician.id, '--key', 'a-player-key-of-enough-length', '--code', totpCode(durhamSecret, Date.now() + 30_000));
    expect(made.stderr).toBe('');
    expect(JSON.parse(made.stdout)).toEqual({ id: 'lobby-screen', clinicianId: DEMO.durhamClinician.id });
    expect(await relay.services.directory.player('lobby-screen')).toMatchObject({ clinicianId: DEMO.durhamClinician.id });
  }, 30_000);
});

describe('MFA by default outside the demo', () => {
  let relay: TestRelay;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-mfa-'));
    const { demo: _demo, ...seed } = JSON.parse(await readFile('config/demo-seed.json', 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seed));
    relay = await startRelay({ SEED_FILE: join(dir, 'seed.json') });
  });
  afterAll(async () => {
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks a supervisor for a second factor when MFA_REQUIRED is not set and the seed is no demo', async () => {
    const signedIn = await relay.api<Answer>('POST', '/api/session', { body: { username: DEMO.supervisor.username, password: DEMO.supervisor.password } });
    expect('mfa' in signedIn.body).toBe(true);
  });
});
