// Legal hold in the running relay: an admin of the incident's agency puts its recording on hold
// and releases it, each audited with who and why; anyone else is refused and audited; the relay's
// retention job then deletes the recording that is not held and keeps the one that is, the
// listing says which, the purged one can no longer be exported, and the audit chain still verifies.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import type { AuditTrail } from '../../../../signaling/audit/audit-trail.ts';
import { verifyAudit } from '../../../../signaling/audit/chain-verification.ts';
import { verifyPurgeRecord } from '../../../../signaling/recording/purge-record.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive } from '../../../helpers/scenario.ts';
import { muxersOf } from '../../../helpers/muxer-processes.ts';
import { until } from '../../../helpers/until.ts';

const DAY = 24 * 3600 * 1000;
const muxers = (incidentId: string): number => muxersOf(incidentId).length;

interface Listing {
  sealed: boolean;
  hold: { reason: string; placedBy: { id: string } } | null;
  purged: { at: string; retentionDays: number; record: string } | null;
}

describe('legal hold and retention of recordings', () => {
  let relay: TestRelay;
  let held: string;
  let expiring: string;
  let admin: string;
  let supervisor: string;

  /** One recorded incident, ended and sealed. */
  async function recordedIncident(): Promise<string> {
    const officer = await goLive(relay);
    await until(() => muxers(officer.incidentId) === 2, 10_000, 'two muxers');
    await officer.socket.request('incident.end', {});
    officer.socket.close();
    await until(async () => (await relay.api<Listing>('GET', `/api/incidents/${officer.incidentId}/recordings`, { token: supervisor })).body.sealed, 10_000, 'the sealed manifest');
    return officer.incidentId;
  }
  const listing = async (incidentId: string) => (await relay.api<Listing>('GET', `/api/incidents/${incidentId}/recordings`, { token: supervisor })).body;
  const actions = async (incidentId: string, prefix: string) => {
    const found: AuditEntry[] = [];
    for await (const entry of relay.services.audit.log.find({ incidentId, order: 'asc' })) found.push(entry);
    return found.filter((e) => e.action.startsWith(prefix)).map((e) => `${e.action} ${e.outcome} ${e.actor?.id ?? '-'}${e.reason ? ` ${e.reason}` : ''}${e.detail?.reason ? ` “${e.detail.reason}”` : ''}`);
  };

  beforeAll(async () => {
    relay = await startRelay({ RECORDING_ENABLED: 'true', RECORDING_SEGMENT_SECONDS: '2', RECORDING_RETENTION_DAYS: '30' });
    admin = (await relay.login(DEMO.admin.username, DEMO.admin.password)).token;
    supervisor = (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    held = await recordedIncident();
    expiring = await recordedIncident();
  }, 60_000);
  afterAll(async () => relay?.close());

  it('is placed and released by an admin of the incident’s agency only, each audited with who and why', async () => {
    const path = `/api/incidents/${held}/recordings/hold`;
    for (const who of [DEMO.supervisor, DEMO.durhamAdmin, DEMO.clinician]) {
      const { token } = await relay.login(who.username, who.password);
      expect((await relay.api('PUT', path, { token, body: { reason: 'mine' } })).body, who.username).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    expect((await relay.api('PUT', path, { token: admin, body: { reason: '  ' } })).status, 'a hold says what it is for').toBe(400);
    expect((await relay.api('DELETE', path, { token: admin })).body).toMatchObject({ error: { code: 'RECORDING_NOT_HELD' } });
    expect((await relay.api('PUT', '/api/incidents/inc-00000000-0000-4000-8000-000000000000/recordings/hold', { token: admin, body: { reason: 'x' } })).body).toMatchObject({
      error: { code: 'RECORDING_NOT_FOUND' },
    });

    const placed = await relay.api<{ hold: { reason: string } }>('PUT', path, { token: admin, body: { reason: 'Complaint 2026-114' } });
    expect(placed).toMatchObject({ status: 200, body: { hold: { incidentId: held, placedBy: { id: DEMO.admin.id }, reason: 'Complaint 2026-114' } } });
    expect((await listing(held)).hold).toMatchObject({ reason: 'Complaint 2026-114', placedBy: { id: DEMO.admin.id } });
    // Released and placed again: both audited.
    expect((await relay.api('DELETE', path, { token: admin })).status).toBe(200);
    expect((await listing(held)).hold).toBeNull();
    expect((await relay.api('PUT', path, { token: admin, body: { reason: 'Court order 44-B' } })).status).toBe(200);

    expect(await actions(held, 'recording.hold')).toEqual([
      'recording.hold denied u-sup-chen FORBIDDEN',
      'recording.hold denied u-admin-durham FORBIDDEN',
      'recording.hold denied u-clin-okafor FORBIDDEN',
      'recording.hold allowed u-admin “Complaint 2026-114”',
      'recording.hold-release allowed u-admin',
      'recording.hold allowed u-admin “Court order 44-B”',
    ]);
  });

  it('the retention job deletes the recording not held, keeps the held one, and the audit chain still verifies', async () => {
    const trail = relay.services.audit.log as AuditTrail;
    await trail.purge(new Date(Date.now() + 31 * DAY));

    const purged = await listing(expiring);
    expect(purged.purged).toMatchObject({ retentionDays: 30 });
    const record = await verifyPurgeRecord(purged.purged!.record, relay.services.keys.publicJwk);
    expect(record).toMatchObject({ incidentId: expiring, retentionDays: 30 });
    expect(existsSync(join(relay.services.recordingPaths.incidentDir(expiring), 'tracks'))).toBe(false);
    expect((await relay.api('GET', `/api/incidents/${expiring}/recordings/export`, { token: supervisor })).body).toMatchObject({ error: { code: 'RECORDING_PURGED' } });
    expect((await relay.api('PUT', `/api/incidents/${expiring}/recordings/hold`, { token: admin, body: { reason: 'too late' } })).body).toMatchObject({ error: { code: 'RECORDING_PURGED' } });
    expect(await actions(expiring, 'recording.purge')).toEqual(['recording.purge info -']);

    expect((await listing(held)).purged).toBeNull();
    expect(existsSync(join(relay.services.recordingPaths.incidentDir(held), 'tracks'))).toBe(true);
    expect((await fetch(`${relay.url}/api/incidents/${held}/recordings/export`, { headers: { authorization: `Bearer ${supervisor}` } })).status).toBe(200);

    const entries = await trail.entries();
    const checkpoints = await trail.store.checkpoints();
    const verified = await verifyAudit(
      entries.map((value, i) => ({ location: `#${i + 1}`, value })),
      checkpoints.map((value, i) => ({ location: `#${i + 1}`, value })),
      relay.services.keys.publicKey,
    );
    expect(verified.problems).toEqual([]);
  });
});
