// Recording in the running relay: every live incident is recorded and says so to the officer,
// the console and the clinician before they join; the manifest and the export are for
// supervisors who see the incident, never clinicians or platform admins, and every list, export
// and refusal is audited; an admin switches recording off for their agency; and a recorder that
// cannot run leaves the live stream alone (audit entry and metric).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import type { IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { runCli } from '../../../helpers/cli.ts';
import { muxersOf } from '../../../helpers/muxer-processes.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { goLive, grant, joinWith } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import type { AccessReport } from '../../../../signaling/protocol/audit.ts';

const work = mkdtempSync(join(tmpdir(), 'sightline-recording-api-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function entries(relay: TestRelay, incidentId: string): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of relay.services.audit.log.find({ incidentId, order: 'asc' })) found.push(entry);
  return found;
}

describe('recording in the relay', () => {
  let relay: TestRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  it('records every incident, tells everyone, and admits only supervisors who see it to its recordings', async () => {
    relay = await startRelay({ RECORDING_ENABLED: 'true', RECORDING_SEGMENT_SECONDS: '2' });
    const officer = await goLive(relay);
    const { incidentId } = officer;
    expect(officer.started.recorded).toBe(true);
    const supervisor = (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    const consoleView = await relay.api<IncidentSummary[]>('GET', '/api/incidents', { token: supervisor });
    expect(consoleView.body.find((i) => i.id === incidentId)?.recorded).toBe(true);
    const granted = await grant(relay, incidentId);
    const { reply, socket } = await joinWith(relay, incidentId, granted.token);
    expect(reply).toMatchObject({ ok: true, data: { recorded: true } });
    // One muxer per camera stream runs while the incident is live.
    await until(() => muxersOf(incidentId).length === 2, 10_000, 'two muxers');

    // While live: the manifest lists the tracks, and the export waits for the seal.
    const live = await relay.api<{ manifest: { tracks: Array<{ kind: string; source: string; userId: string }> }; sealed: boolean }>('GET', `/api/incidents/${incidentId}/recordings`, { token: supervisor });
    expect(live.status).toBe(200);
    expect(live.body.sealed).toBe(false);
    expect(live.body.manifest.tracks.map((t) => [t.kind, t.source, t.userId])).toEqual([
      ['audio', 'camera', DEMO.officer.id],
      ['video', 'camera', DEMO.officer.id],
    ]);
    expect((await relay.api('GET', `/api/incidents/${incidentId}/recordings/export`, { token: supervisor })).body).toMatchObject({ error: { code: 'RECORDING_NOT_SEALED' } });

    await officer.socket.request('incident.end', {});
    socket.close();
    await until(async () => (await relay!.api<{ sealed: boolean }>('GET', `/api/incidents/${incidentId}/recordings`, { token: supervisor })).body.sealed, 10_000, 'the sealed manifest');
    expect(muxersOf(incidentId)).toEqual([]);

    // Refused: the clinician who was there, a platform admin, a supervisor of an agency it is not shared with.
    for (const who of [DEMO.clinician, DEMO.operator, DEMO.durhamSupervisor]) {
      const { token } = await relay.login(who.username, who.password);
      for (const path of ['recordings', 'recordings/export']) {
        expect((await relay.api('GET', `/api/incidents/${incidentId}/${path}`, { token })).body, `${who.username} ${path}`).toMatchObject({ error: { code: 'FORBIDDEN' } });
      }
    }
    // Ids the relay never made never reach the disk.
    expect((await relay.api('GET', '/api/incidents/..%2F..%2Fetc/recordings', { token: supervisor })).body).toMatchObject({ error: { code: 'RECORDING_NOT_FOUND' } });

    const response = await fetch(`${relay.url}/api/incidents/${incidentId}/recordings/export`, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    const tar = join(work, `${incidentId}.tar`);
    writeFileSync(tar, Buffer.from(await response.arrayBuffer()));
    execFileSync('tar', ['-xf', tar, '-C', work]);
    const verified = await runCli('evidence-verify', [join(work, incidentId)]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);

    const audited = await entries(relay, incidentId);
    const line = (e: AuditEntry) => `${e.action} ${e.outcome} ${e.actor?.id ?? '-'}${e.reason ? ` ${e.reason}` : ''}`;
    const recordingLines = audited.filter((e) => e.action.startsWith('recording.')).map(line);
    // The export refused as not yet sealed is no access; the polls for the seal are lists.
    const lists = recordingLines.filter((l) => l === 'recording.list allowed u-sup-chen').length;
    expect(lists).toBeGreaterThanOrEqual(2);
    expect(recordingLines.filter((l) => l !== 'recording.list allowed u-sup-chen')).toEqual([
      'recording.start info -',
      'recording.sealed info -',
      ...['u-clin-okafor', 'u-operator', 'u-sup-patel'].flatMap((id) => [`recording.list denied ${id} FORBIDDEN`, `recording.export denied ${id} FORBIDDEN`]),
      'recording.export allowed u-sup-chen',
    ]);
    // The access report counts the export among those who saw and heard the incident.
    const report = await relay.api<AccessReport>('GET', `/api/incidents/${incidentId}/access-report`, { token: supervisor });
    expect(report.body.sessions.filter((s) => s.authority === 'recording').map((s) => [s.userId, s.via])).toEqual([[DEMO.supervisor.id, 'recording-export']]);
  }, 60_000);

  it('is seen by a partner agency only under an agreement that covers recordings, not one that shares the live picture alone', async () => {
    relay = await startRelay({ RECORDING_ENABLED: 'true' });
    const officer = await goLive(relay);
    await officer.socket.request('incident.end', {});
    officer.socket.close();
    const own = (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    await until(async () => (await relay!.api<{ sealed: boolean }>('GET', `/api/incidents/${officer.incidentId}/recordings`, { token: own })).body.sealed, 10_000, 'the sealed manifest');
    const admin = (await relay.login(DEMO.admin.username, DEMO.admin.password)).token;
    const partner = (await relay.login(DEMO.durhamSupervisor.username, DEMO.durhamSupervisor.password)).token;
    const path = `/api/incidents/${officer.incidentId}/recordings`;

    // The seed's Metro → Durham agreement (marked incidents) makes way for one that shares them all.
    expect((await relay.api('POST', '/api/agreements/agr-metro-durham/revoke', { token: admin, body: {} })).status).toBe(200);
    const liveOnly = await relay.api<{ id: string; recordings: boolean }>('POST', '/api/agreements', { token: admin, body: { toAgencyId: 'durham-police', scope: 'all' } });
    expect(liveOnly.body.recordings).toBe(false);
    expect((await relay.api('GET', path, { token: partner })).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await relay.api('POST', `/api/agreements/${liveOnly.body.id}/revoke`, { token: admin, body: {} })).status).toBe(200);

    const withRecordings = await relay.api<{ id: string; recordings: boolean }>('POST', '/api/agreements', { token: admin, body: { toAgencyId: 'durham-police', scope: 'all', recordings: true } });
    expect(withRecordings.body.recordings).toBe(true);
    expect((await relay.api('GET', path, { token: partner })).status).toBe(200);
    const lists = (await entries(relay, officer.incidentId)).filter((e) => e.action === 'recording.list' && e.actor?.id === DEMO.durhamSupervisor.id);
    expect(lists.map((e) => `${e.outcome} ${e.detail?.agreementId ?? e.reason}`)).toEqual(['denied FORBIDDEN', `allowed ${withRecordings.body.id}`]);
  });

  it('is switched off for an agency by its admin only, audited, and later incidents are not recorded', async () => {
    relay = await startRelay({ RECORDING_ENABLED: 'true' });
    const durhamAdmin = (await relay.login(DEMO.durhamAdmin.username, DEMO.durhamAdmin.password)).token;
    expect((await relay.api('PUT', '/api/agencies/metro-police/recording', { token: durhamAdmin, body: { enabled: false } })).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const admin = (await relay.login(DEMO.admin.username, DEMO.admin.password)).token;
    expect(await relay.api('PUT', '/api/agencies/metro-police/recording', { token: admin, body: { enabled: false } })).toMatchObject({ status: 200, body: { agencyId: 'metro-police', recording: false } });
    const all = await relay.services.audit.log.entries();
    expect(all.filter((e) => e.action === 'agency.recording-off').map((e) => `${e.outcome} ${e.actor?.id}`)).toEqual(['denied u-admin-durham', 'allowed u-admin']);
    const officer = await goLive(relay);
    expect(officer.started.recorded).toBe(false);
    expect(muxersOf(officer.incidentId)).toEqual([]);
  });

  it('keeps the incident live when the recorder cannot run: audited, counted and shown on the console', async () => {
    relay = await startRelay({ RECORDING_ENABLED: 'true', RECORDING_GST_LAUNCH: '/nonexistent/gst-launch-1.0', METRICS_TOKEN: 'scrape-token-0123456789' });
    const officer = await goLive(relay);
    const granted = await grant(relay, officer.incidentId);
    const { reply } = await joinWith(relay, officer.incidentId, granted.token);
    expect(reply).toMatchObject({ ok: true });
    expect((reply as { data: { consumers: unknown[] } }).data.consumers).toHaveLength(2);
    await until(async () => (await entries(relay!, officer.incidentId)).filter((e) => e.action === 'recording.failed').length >= 2, 15_000, 'recording.failed entries');
    const metrics = await (await fetch(`${relay.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).text();
    // Muxers that cannot run are restarted, then the track stalls and keeps trying (as on a full disk).
    expect(metrics).toMatch(/sightline_recording_failures_total\{kind="muxer-restarted"\} [1-9]/);
    expect(metrics).toMatch(/sightline_recording_failures_total\{kind="track-stalled"\} [1-9]/);
    const supervisor = (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    const consoleView = await relay.api<IncidentSummary[]>('GET', '/api/incidents', { token: supervisor });
    const problem = consoleView.body.find((i) => i.id === officer.incidentId)?.recordingProblem;
    expect(problem?.what).toMatch(/^Recording has stopped and is retried until a segment can be written again \(muxer exited.*\)\. The live stream goes on\.$/);
  }, 40_000);

  it('shutdown seals what is live: the incident ended by the node stopping has its signed manifest and its audit entry', async () => {
    const dataDir = mkdtempSync(join(work, 'shutdown-'));
    relay = await startRelay({ RECORDING_ENABLED: 'true', RECORDING_SEGMENT_SECONDS: '2' }, { dataDir });
    const officer = await goLive(relay);
    await until(() => muxersOf(officer.incidentId).length === 2, 10_000, 'two muxers');
    // The node shuts down with the incident live: ending it starts its seal, which shutdown waits for.
    await relay.close();
    relay = undefined;
    const incidentDir = join(dataDir, 'recordings', officer.incidentId);
    expect(existsSync(join(incidentDir, 'manifest.jws')), `files: ${readdirSync(incidentDir).join(', ')}`).toBe(true);
    const logged = readdirSync(dataDir).filter((f) => f.startsWith('audit') && f.endsWith('.jsonl'));
    const lines = logged.flatMap((f) => readFileSync(join(dataDir, f), 'utf8').trim().split('\n'));
    const sealed = lines.map((line) => JSON.parse(line) as AuditEntry).filter((e) => e.action === 'recording.sealed' && e.target.incidentId === officer.incidentId);
    expect(sealed).toHaveLength(1);
    expect(muxersOf(officer.incidentId)).toEqual([]);
  }, 40_000);
});
