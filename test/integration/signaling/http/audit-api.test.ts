import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessReport, AuditEntryView, AuditPage } from '../../../../signaling/protocol/audit.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { capabilities, goLive, grant, joinWith, signedInSocket } from '../../../helpers/scenario.ts';
import { NORTH, writeTwoAgencySeed } from '../../../helpers/seed.ts';
import { until } from '../../../helpers/until.ts';
import { FAKE_RTP } from '../../../helpers/ws-client.ts';

describe('audit API', () => {
  let relay: TestRelay;
  let dir: string;
  let incidentId: string;
  let grantId: string;
  let supervisor: string;
  let north: string;
  let officer: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-audit-api-'));
    relay = await startRelay({ SEED_FILE: await writeTwoAgencySeed(dir) });
    const live = await goLive(relay);
    incidentId = live.incidentId;
    const granted = await grant(relay, incidentId, { permissions: ['view', 'talk'] });
    grantId = granted.grantId;
    const { socket, reply } = await joinWith(relay, incidentId, granted.token);
    if (!reply.ok) throw new Error('join failed');
    const talk = await socket.request('produce', { transportId: reply.data.sendTransport.id, kind: 'audio', rtpParameters: { ...FAKE_RTP.audio, encodings: [{ ssrc: 5555 }] }, source: 'talkback' });
    await socket.request('producer.pause', { producerId: talk.producerId });
    socket.close();
    await until(async () => (await relay.services.audit.log.entries()).some((e) => e.action === 'leave'), 5000, 'the leave entry');
    supervisor = (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    // The supervisor extends the grant, then watches from the console and leaves.
    expect((await relay.api('POST', `/api/grants/${grantId}/extend`, { token: supervisor, body: { ttlSeconds: 1800 } })).status).toBe(200);
    const watcher = await signedInSocket(relay, DEMO.supervisor);
    await watcher.socket.request('watch', { incidentId, rtpCapabilities: await capabilities(relay) });
    await watcher.socket.request('incident.leave');
    watcher.socket.close();
    north = (await relay.login(NORTH.supervisor.username, NORTH.supervisor.password)).token;
    officer = (await relay.login(DEMO.officer.username, DEMO.officer.password)).token;
    live.socket.close();
    await until(async () => (await relay.services.audit.log.entries()).some((e) => e.action === 'incident.end'), 5000, 'the incident.end entry');
  });
  afterAll(async () => {
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = <T>(path: string, token: string) => relay.api<T>('GET', path, { token });
  const raw = (path: string, token: string) => fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('shows a supervisor the entries of their agency, newest first, and nothing else', async () => {
    const { status, body } = await get<AuditPage>('/api/audit?limit=1000', supervisor);
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    const seqs = body.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(body.entries[0]).toMatchObject({ action: 'audit.view', actor: { id: DEMO.supervisor.id } });
    // People by name: everyone the page's entries are by or about.
    expect(body.people[DEMO.clinician.id]).toBe('Dr. Grace Okafor');
    for (const entry of body.entries) if (entry.actor) expect(body.people[entry.actor.id]).toEqual(expect.any(String));
    for (const entry of body.entries) expect([entry.actor?.agencyId, entry.target.agencyId]).toContain('metro-police');
    // The clinician (another agency) in our incident is visible through the incident's agency.
    expect(body.entries.some((e) => e.action === 'join' && e.actor?.agencyId === 'harbour-health')).toBe(true);
    expect(body.entries.some((e) => e.actor?.id === NORTH.supervisor.id)).toBe(false);
    expect(body.entries.some((e) => e.action === 'audit.purge')).toBe(false);
  });

  it('shows another agency only its own entries', async () => {
    const { body } = await get<AuditPage>('/api/audit', north);
    expect(body.entries.length).toBeGreaterThan(0);
    for (const entry of body.entries) expect([entry.actor?.agencyId, entry.target.agencyId]).toContain(NORTH.agencyId);
    expect(body.entries.some((e) => e.target.incidentId === incidentId)).toBe(false);
  });

  it('filters by incident, user, agency, action, outcome and time', async () => {
    const byIncident = (await get<AuditPage>(`/api/audit?incidentId=${incidentId}`, supervisor)).body.entries;
    expect(byIncident.length).toBeGreaterThanOrEqual(5);
    for (const e of byIncident) expect(e.target.incidentId).toBe(incidentId);

    const byUser = (await get<AuditPage>(`/api/audit?userId=${DEMO.clinician.id}`, supervisor)).body.entries;
    // Reading a user's audit is an entry about that user too.
    expect(new Set(byUser.map((e) => e.action))).toEqual(new Set(['grant.create', 'grant.extend', 'join', 'talk.start', 'talk.stop', 'leave', 'audit.view']));

    const joins = (await get<AuditPage>('/api/audit?action=join&outcome=allowed', supervisor)).body.entries;
    expect(joins.map((e) => e.target.grantId)).toEqual([grantId]);

    const byAgency = (await get<AuditPage>('/api/audit?agencyId=metro-police&action=login', supervisor)).body.entries;
    expect(byAgency.length).toBeGreaterThanOrEqual(3);

    const all = (await get<AuditPage>('/api/audit?limit=1000', supervisor)).body.entries;
    const middle = all[Math.floor(all.length / 2)]!.at;
    const later = (await get<AuditPage>(`/api/audit?limit=1000&from=${encodeURIComponent(middle)}`, supervisor)).body.entries;
    const earlier = (await get<AuditPage>(`/api/audit?limit=1000&to=${encodeURIComponent(middle)}`, supervisor)).body.entries;
    for (const e of later) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(middle));
    for (const e of earlier) expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.parse(middle));
    expect(earlier.length).toBeGreaterThan(0);
  });

  it('pages with a cursor, without gaps or repeats', async () => {
    const everything = (await get<AuditPage>('/api/audit?limit=1000', supervisor)).body.entries.map((e) => e.seq);
    const newest = everything[0]!;
    const pages: number[][] = [];
    let cursor: number | null = newest + 1;
    while (cursor !== null) {
      const page: AuditPage = (await get<AuditPage>(`/api/audit?limit=4&cursor=${cursor}`, supervisor)).body;
      expect(page.entries.length).toBeLessThanOrEqual(4);
      pages.push(page.entries.map((e) => e.seq));
      cursor = page.nextCursor;
    }
    // Each page view is itself audited, with a newer seq: the walk sees the log as it was.
    expect(pages.flat()).toEqual(everything);
    expect(pages.length).toBe(Math.ceil(everything.length / 4));
  });

  it('refuses bad queries, other roles, and another agency’s audit', async () => {
    expect(await get('/api/audit?limit=0', supervisor)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await get('/api/audit?from=yesterday', supervisor)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await get('/api/audit?bogus=1', supervisor)).toMatchObject({ status: 400 });
    expect(await get('/api/audit', officer)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await get('/api/audit?agencyId=harbour-health', supervisor)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await relay.api('GET', '/api/audit')).toMatchObject({ status: 401 });
  });

  it('exports CSV and JSON as downloads', async () => {
    const csv = await raw(`/api/audit?format=csv&incidentId=${incidentId}`, supervisor);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="sightline-audit-.*\.csv"$/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^seq,at,action,outcome,reason,actor_id/);
    const rows = lines.slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.some((row) => row.includes(`,join,allowed,,${DEMO.clinician.id},clinician,harbour-health,${incidentId},metro-police,${grantId},`))).toBe(true);

    const json = await raw(`/api/audit?format=json&userId=${DEMO.clinician.id}`, supervisor);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="sightline-audit-.*\.json"$/);
    const body = (await json.json()) as { exportedBy: { id: string }; filter: Record<string, unknown>; entries: AuditEntryView[] };
    expect(body.exportedBy.id).toBe(DEMO.supervisor.id);
    expect(body.filter).toMatchObject({ userId: DEMO.clinician.id, format: 'json' });
    expect(body.entries.filter((e) => !e.action.startsWith('audit.')).length).toBe(6);
    expect(body.entries[0]).toMatchObject({ action: 'audit.export', target: { userId: DEMO.clinician.id } });
  });

  it('reports everyone who saw or heard the incident, as JSON and CSV', async () => {
    const { status, body } = await get<AccessReport>(`/api/incidents/${incidentId}/access-report`, supervisor);
    expect(status).toBe(200);
    expect(body.incident).toMatchObject({ id: incidentId, agencyId: 'metro-police', officerId: DEMO.officer.id, startedAt: expect.any(String) });
    expect(body.sessions.map((s) => [s.userId, s.authority, s.endedBy])).toEqual([
      [DEMO.officer.id, 'incident-officer', 'incident.end'],
      [DEMO.clinician.id, 'grant', 'leave'],
      [DEMO.supervisor.id, 'agency', 'leave'],
    ]);
    expect(body.sessions[2]).toMatchObject({ name: expect.any(String), permissions: ['view'], via: 'console', grantId: null });
    const extended = (await relay.services.audit.log.entries()).find((e) => e.action === 'grant.extend' && e.outcome === 'allowed');
    expect(body.sessions[1]!.grantExpiresAt).toBe(new Date(extended!.detail!.expiresAt as number).toISOString());
    expect(body.sessions[1]!.grantChanges).toBe(1);
    expect(body.sessions[1]).toMatchObject({
      name: 'Dr. Grace Okafor',
      role: 'clinician',
      agencyId: 'harbour-health',
      permissions: ['view', 'talk'],
      grantId,
      grantedBy: { id: DEMO.supervisor.id, name: expect.any(String), role: 'supervisor', agencyId: 'metro-police' },
      talk: [{ from: expect.any(String), to: expect.any(String) }],
      source: { ip: '127.0.0.1' },
    });
    expect(Date.parse(body.sessions[1]!.leftAt!)).toBeGreaterThanOrEqual(Date.parse(body.sessions[1]!.joinedAt));
    const csv = await raw(`/api/incidents/${incidentId}/access-report?format=csv`, supervisor);
    expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="access-report-${incidentId}-.*\\.csv"$`));
    expect((await csv.text()).trimEnd().split('\r\n')).toHaveLength(4);
    expect(await get(`/api/incidents/${incidentId}/access-report`, north)).toMatchObject({ status: 403 });
  });
});
