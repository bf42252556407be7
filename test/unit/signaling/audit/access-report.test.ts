import { describe, expect, it } from 'vitest';
import { accessReportCsv } from '../../../../signaling/audit/access-report-csv.ts';
import { buildAccessReport } from '../../../../signaling/audit/access-report.ts';
import { GENESIS_HASH, sealEntry, type AuditEntry, type AuditEvent } from '../../../../signaling/audit/audit-entry.ts';

const officer = { id: 'u-off', role: 'officer', agencyId: 'police' };
const sup = { id: 'u-sup', role: 'supervisor', agencyId: 'police' };
const clin = { id: 'u-clin', role: 'clinician', agencyId: 'health' };
const clin2 = { id: 'u-clin2', role: 'clinician', agencyId: 'health' };

const named = (actor: typeof sup, name: string | null = null) => ({ ...actor, name });

function log(events: Array<[string, Partial<AuditEvent> & Pick<AuditEvent, 'action'>]>): AuditEntry[] {
  let prev = { seq: 0, hash: GENESIS_HASH };
  return events.map(([time, event]) => {
    const entry = sealEntry(
      prev,
      { outcome: 'allowed', actor: null, source: { ip: '10.0.0.9', userAgent: 'ua', node: 'n' }, ...event, target: { incidentId: 'inc-1', agencyId: 'police', ...event.target } },
      new Date(`2030-01-01T${time}Z`),
    );
    prev = entry;
    return entry;
  });
}
const conn = (connection: string) => ({ source: { ip: '10.0.0.9', userAgent: 'ua', node: 'n', connection } });

const entries = log([
  ['10:00:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
  ['10:01:00', { action: 'grant.create', actor: sup, target: { grantId: 'g-1', userId: clin.id }, detail: { permissions: 'view,talk', expiresAt: Date.parse('2030-01-01T11:00:00Z') } }],
  ['10:02:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view,talk', expiresAt: Date.parse('2030-01-01T11:00:00Z') }, ...conn('c-1') }],
  ['10:03:00', { action: 'talk.start', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
  ['10:03:30', { action: 'talk.stop', outcome: 'info', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
  ['10:04:00', { action: 'talk.start', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
  ['10:05:00', { action: 'leave', outcome: 'info', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
  ['10:06:00', { action: 'join', outcome: 'denied', actor: null, target: { grantId: 'g-x', userId: clin2.id }, reason: 'TOKEN_EXPIRED', ...conn('c-2') }],
  ['10:07:00', { action: 'grant.create', actor: sup, target: { grantId: 'g-2', userId: clin2.id }, detail: { permissions: 'view', expiresAt: Date.parse('2030-01-01T10:09:00Z') } }],
  ['10:08:00', { action: 'join', actor: clin2, target: { grantId: 'g-2' }, detail: { permissions: 'view' }, ...conn('c-3') }],
  ['10:09:00', { action: 'grant.expire', outcome: 'info', actor: clin2, target: { grantId: 'g-2' }, reason: 'GRANT_EXPIRED', ...conn('c-3') }],
  ['10:10:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view,talk' }, ...conn('c-4') }],
  ['10:11:00', { action: 'talk.start', actor: clin, target: { grantId: 'g-1' }, ...conn('c-4') }],
  ['10:12:00', { action: 'incident.end', actor: officer, reason: 'INCIDENT_ENDED', ...conn('c-off') }],
  ['10:13:00', { action: 'join', actor: clin, target: { incidentId: 'inc-other', grantId: 'g-9' } }],
]);

describe('buildAccessReport', () => {
  const names: Record<string, string> = { 'u-clin': 'Dr. Okafor', 'u-off': 'Cst. Reyes' };
  const report = buildAccessReport('inc-1', entries, {
    facts: { agencyId: 'police' },
    nameOf: (id) => names[id],
    now: new Date('2030-01-01T12:00:00Z'),
  });

  it('describes the incident from its entries', () => {
    expect(report.incident).toEqual({
      id: 'inc-1',
      agencyId: 'police',
      officerId: 'u-off',
      startedAt: '2030-01-01T10:00:00.000Z',
      endedAt: '2030-01-01T10:12:00.000Z',
      endReason: 'INCIDENT_ENDED',
    });
  });

  it('lists everyone who saw or heard it, with start, end and authority', () => {
    expect(report.sessions.map((s) => [s.userId, s.authority, s.joinedAt.slice(11, 19), s.leftAt?.slice(11, 19), s.endedBy])).toEqual([
      ['u-off', 'incident-officer', '10:00:00', '10:12:00', 'incident.end'],
      ['u-clin', 'grant', '10:02:00', '10:05:00', 'leave'],
      ['u-clin2', 'grant', '10:08:00', '10:09:00', 'grant.expire'],
      ['u-clin', 'grant', '10:10:00', '10:12:00', 'incident.end'],
    ]);
    const first = report.sessions[1]!;
    expect(first).toMatchObject({
      name: 'Dr. Okafor',
      role: 'clinician',
      agencyId: 'health',
      permissions: ['view', 'talk'],
      grantId: 'g-1',
      grantedBy: named(sup),
      grantedAt: '2030-01-01T10:01:00.000Z',
      grantExpiresAt: '2030-01-01T11:00:00.000Z',
      source: { ip: '10.0.0.9', userAgent: 'ua', node: 'n' },
    });
    expect(report.sessions[2]).toMatchObject({ permissions: ['view'], grantedBy: named(sup), endReason: 'GRANT_EXPIRED', grantExpiresAt: '2030-01-01T10:09:00.000Z' });
  });

  it('records push-to-talk, closing an open interval when the access ends', () => {
    expect(report.sessions[1]!.talk).toEqual([
      { from: '2030-01-01T10:03:00.000Z', to: '2030-01-01T10:03:30.000Z' },
      { from: '2030-01-01T10:04:00.000Z', to: '2030-01-01T10:05:00.000Z' },
    ]);
    expect(report.sessions[3]!.talk).toEqual([{ from: '2030-01-01T10:11:00.000Z', to: '2030-01-01T10:12:00.000Z' }]);
    expect(report.sessions[2]!.talk).toEqual([]);
  });

  it('lists refused joins', () => {
    expect(report.refused).toEqual([
      { at: '2030-01-01T10:06:00.000Z', actor: null, userId: 'u-clin2', grantId: 'g-x', reason: 'TOKEN_EXPIRED', source: { ip: '10.0.0.9', userAgent: 'ua', node: 'n' } },
    ]);
  });

  it('leaves a still-present viewer open, and prefers stored incident facts', () => {
    const live = buildAccessReport('inc-1', entries.slice(0, 4), { facts: { agencyId: 'police', startedAt: Date.parse('2030-01-01T09:59:59Z'), officerId: 'u-off' } });
    expect(live.incident.startedAt).toBe('2030-01-01T09:59:59.000Z');
    expect(live.incident.endedAt).toBeNull();
    expect(live.sessions.map((s) => s.leftAt)).toEqual([null, null]);
    expect(live.sessions[1]!.talk).toEqual([{ from: '2030-01-01T10:03:00.000Z', to: null }]);
  });

  it('matches entries without a connection id by user and grant', () => {
    const old = entries.map((e) => ({ ...e, source: { ip: e.source.ip, userAgent: e.source.userAgent, node: e.source.node } }));
    const result = buildAccessReport('inc-1', old, { facts: { agencyId: 'police' } });
    expect(result.sessions.map((s) => s.endedBy)).toEqual(['incident.end', 'leave', 'grant.expire', 'incident.end']);
  });

  it('ends the sessions of a revoked grant at the revocation, and only those', () => {
    const revoked = log([
      ['10:00:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
      ['10:01:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view,talk' }, ...conn('c-1') }],
      ['10:01:30', { action: 'talk.start', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
      ['10:02:00', { action: 'join', actor: clin2, target: { grantId: 'g-2' }, detail: { permissions: 'view' }, ...conn('c-2') }],
      ['10:03:00', { action: 'grant.revoke', outcome: 'denied', actor: clin2, target: { grantId: 'g-1' }, reason: 'FORBIDDEN' }],
      ['10:04:00', { action: 'grant.revoke', actor: sup, target: { grantId: 'g-1', userId: clin.id }, reason: 'GRANT_REVOKED', ...conn('c-http') }],
    ]);
    const result = buildAccessReport('inc-1', revoked, { facts: { agencyId: 'police' } });
    expect(result.sessions.map((s) => [s.userId, s.leftAt?.slice(11, 19) ?? null, s.endedBy, s.endReason])).toEqual([
      ['u-off', null, null, null],
      ['u-clin', '10:04:00', 'grant.revoke', 'GRANT_REVOKED'],
      ['u-clin2', null, null, null],
    ]);
    expect(result.sessions[1]!.talk).toEqual([{ from: '2030-01-01T10:01:30.000Z', to: '2030-01-01T10:04:00.000Z' }]);
  });

  it('exports one CSV row per session', () => {
    const csv = accessReportCsv(report, new Date('2030-01-01T12:00:00Z')).split('\r\n');
    expect(csv[0]).toMatch(/^incident_id,incident_agency,user_id,name,role,agency,authority,via,agreement_id,joined_at,left_at/);
    expect(csv).toHaveLength(6);
    expect(csv[2]).toContain('inc-1,police,u-clin,Dr. Okafor,clinician,health,grant,console,,2030-01-01T10:02:00.000Z,2030-01-01T10:05:00.000Z,leave,,,view talk,g-1,u-sup,,supervisor,police');
    expect(csv[2]).toMatch(/,90,10\.0\.0\.9,ua,n$/); // 30 s + 60 s of talk
  });

  it('lists supervisors who watched, from their own agency and under a sharing agreement, until they left', () => {
    const durham = { id: 'u-sup-durham', role: 'supervisor', agencyId: 'durham' };
    const watched = log([
      ['07:20:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
      ['07:22:00', { action: 'watch', actor: sup, detail: { agreementId: null }, ...conn('c-chen') }],
      ['07:23:00', { action: 'watch', actor: durham, detail: { agreementId: 'agr-1' }, ...conn('c-durham') }],
      ['07:24:00', { action: 'leave', outcome: 'info', actor: sup, ...conn('c-chen') }],
      ['07:25:00', { action: 'access.withdrawn', outcome: 'info', actor: durham, target: { userId: durham.id }, reason: 'ACCESS_WITHDRAWN', source: { ip: null, userAgent: null, node: 'n' } }],
    ]);
    const result = buildAccessReport('inc-1', watched, { facts: { agencyId: 'police' }, nameOf: (id) => ({ 'u-sup': 'Sgt. Chen' })[id] });
    expect(result.sessions.map((s) => [s.name ?? s.userId, s.authority, s.agreementId, s.joinedAt.slice(11, 19), s.leftAt?.slice(11, 19) ?? null, s.endedBy])).toEqual([
      ['u-off', 'incident-officer', null, '07:20:00', null, null],
      ['Sgt. Chen', 'agency', null, '07:22:00', '07:24:00', 'leave'],
      ['u-sup-durham', 'sharing-agreement', 'agr-1', '07:23:00', '07:25:00', 'access.withdrawn'],
    ]);
    expect(result.sessions[1]!.permissions).toEqual(['view']);
  });

  it("shows a grant's end as last extended or shortened, on sessions before and after the change", () => {
    const changed = log([
      ['10:00:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
      ['10:01:00', { action: 'grant.create', actor: sup, target: { grantId: 'g-1', userId: clin.id }, detail: { expiresAt: Date.parse('2030-01-01T10:31:00Z') } }],
      ['10:02:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view', expiresAt: Date.parse('2030-01-01T10:31:00Z') }, ...conn('c-1') }],
      ['10:03:00', { action: 'grant.extend', outcome: 'denied', actor: sup, target: { grantId: 'g-1' }, reason: 'GRANT_TTL_TOO_LONG' }],
      ['10:04:00', { action: 'grant.extend', actor: sup, target: { grantId: 'g-1' }, detail: { expiresAt: Date.parse('2030-01-01T11:04:00Z'), previousExpiresAt: Date.parse('2030-01-01T10:31:00Z') } }],
      ['10:05:00', { action: 'leave', outcome: 'info', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
      ['10:06:00', { action: 'grant.extend', actor: sup, target: { grantId: 'g-1' }, detail: { expiresAt: Date.parse('2030-01-01T10:16:00Z') } }],
      ['10:07:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view', expiresAt: Date.parse('2030-01-01T10:16:00Z') }, ...conn('c-2') }],
    ]);
    const result = buildAccessReport('inc-1', changed, { facts: { agencyId: 'police' } });
    expect(result.sessions.slice(1).map((s) => [s.grantExpiresAt, s.grantChanges])).toEqual([
      ['2030-01-01T10:16:00.000Z', 2],
      ['2030-01-01T10:16:00.000Z', 2],
    ]);
  });

  it('follows a seat across a reconnection, to a WHEP player, and ends the seat a takeover replaced', () => {
    const moved = log([
      ['10:00:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
      ['10:01:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view,talk' }, ...conn('c-1') }],
      ['10:02:00', { action: 'resume', actor: clin, target: { grantId: 'g-1' }, detail: { previousConnection: 'c-1' }, ...conn('c-2') }],
      ['10:03:00', { action: 'talk.start', actor: clin, target: { grantId: 'g-1' }, ...conn('c-2') }],
      ['10:04:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, detail: { permissions: 'view', via: 'whep' }, source: { ip: '10.0.0.7', userAgent: 'player', node: 'n' } }],
      ['10:04:00', { action: 'seat.takeover', outcome: 'info', actor: clin, target: { grantId: 'g-1' }, reason: 'SEAT_TAKEN_OVER', source: { ip: '10.0.0.7', userAgent: 'player', node: 'n' } }],
      ['10:05:00', { action: 'leave', outcome: 'info', actor: clin, target: { grantId: 'g-1' }, detail: { via: 'whep' }, source: { ip: '10.0.0.7', userAgent: 'player', node: 'n' } }],
    ]);
    const result = buildAccessReport('inc-1', moved, { facts: { agencyId: 'police' } });
    expect(result.sessions.slice(1).map((s) => [s.via, s.joinedAt.slice(11, 19), s.leftAt?.slice(11, 19), s.endedBy, s.talk.length])).toEqual([
      ['console', '10:01:00', '10:04:00', 'seat.takeover', 1],
      ['whep', '10:04:00', '10:05:00', 'leave', 0],
    ]);
  });

  it('names who ended an access: the supervisor who revoked, the admin who withdrew sharing, the officer who ended the incident', () => {
    const admin = { id: 'u-admin', role: 'admin', agencyId: 'police' };
    const ended = log([
      ['10:00:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
      ['10:01:00', { action: 'join', actor: clin, target: { grantId: 'g-1' }, ...conn('c-1') }],
      ['10:01:00', { action: 'join', actor: clin2, target: { grantId: 'g-2' }, ...conn('c-2') }],
      ['10:01:00', { action: 'watch', actor: sup, ...conn('c-3') }],
      ['10:02:00', { action: 'grant.revoke', actor: sup, target: { grantId: 'g-1' }, reason: 'GRANT_REVOKED' }],
      ['10:03:00', { action: 'grant.revoke', outcome: 'info', actor: admin, target: { grantId: 'g-2' }, reason: 'AGREEMENT_REVOKED', detail: { cause: 'agreement.revoke' } }],
      ['10:04:00', { action: 'incident.end', actor: officer, reason: 'INCIDENT_ENDED', ...conn('c-off') }],
    ]);
    const names: Record<string, string> = { 'u-sup': 'Sgt. Chen', 'u-admin': 'A. Admin', 'u-off': 'Cst. Reyes' };
    const result = buildAccessReport('inc-1', ended, { facts: { agencyId: 'police' }, nameOf: (id) => names[id] });
    expect(result.sessions.map((s) => [s.userId, s.endedBy, s.endedByActor?.name ?? null])).toEqual([
      ['u-off', 'incident.end', null],
      ['u-clin', 'grant.revoke', 'Sgt. Chen'],
      ['u-clin2', 'grant.revoke', 'A. Admin'],
      ['u-sup', 'incident.end', 'Cst. Reyes'],
    ]);
  });

  it('lists who played or exported the recording afterwards, each at its moment', () => {
    const afterwards = log([
      ['10:00:00', { action: 'incident.start', actor: officer, ...conn('c-off') }],
      ['10:05:00', { action: 'incident.end', actor: officer, reason: 'INCIDENT_ENDED', ...conn('c-off') }],
      ['11:00:00', { action: 'recording.list', actor: sup }],
      ['11:01:00', { action: 'recording.play', outcome: 'denied', actor: clin, reason: 'FORBIDDEN' }],
      ['11:02:00', { action: 'recording.play', actor: sup }],
      ['11:03:00', { action: 'recording.export', actor: sup, detail: { agreementId: 'agr-1' } }],
    ]);
    const result = buildAccessReport('inc-1', afterwards, { facts: { agencyId: 'police' } });
    expect(result.sessions.slice(1).map((s) => [s.userId, s.authority, s.via, s.agreementId, s.joinedAt.slice(11, 19), s.leftAt?.slice(11, 19), s.endedBy])).toEqual([
      ['u-sup', 'recording', 'recording-play', null, '11:02:00', '11:02:00', 'recording.play'],
      ['u-sup', 'recording', 'recording-export', 'agr-1', '11:03:00', '11:03:00', 'recording.export'],
    ]);
  });
});
