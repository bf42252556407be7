// The permission matrix: every role × action × agency relation, checked against tables written
// out by hand from the access rules (not from the implementation):
//
//  - Supervisors see their own agency's incidents, and those covered by an active (not revoked)
//    agreement from the incident's agency to theirs with scope `all`, or scope `marked` when the
//    incident is marked shared. Nobody else "sees" incidents. A cross-agency allowance names the
//    agreement it rests on; an own-agency allowance names none (agreementId null).
//  - A supervisor who sees the incident grants only clinicians (NOT_A_CLINICIAN otherwise) whose
//    agency may see the incident; a partner-agency supervisor grants only to clinicians of their
//    own agency (FORBIDDEN). (Assumption: seeing is checked first, so a supervisor who may not see
//    the incident learns nothing about the grantee and gets FORBIDDEN.)
//  - Managing (extending, revoking) a grant needs seeing the incident and, for a partner
//    supervisor, having made the grant (grantedByAgencyId is their agency). The allowance names the
//    agreement under which the manager sees the incident.
//  - Accepting a "watch me" needs, in this order, a clinician on call (FORBIDDEN), a help request
//    (HELP_NOT_REQUESTED), and access of the clinician's agency (FORBIDDEN).
//  - Only officers start incidents.
//  - The incident's officer, or a supervisor of the incident's agency, marks it shared.
//  - Only an admin of the sharing (from) agency manages an agreement.
//  - Agency admins and platform admins open the administration console. An agency admin
//    administers (users, cameras) only their own agency; a platform admin administers every
//    agency, alone creates agencies, and alone makes platform admins. A platform admin sees no
//    incident, grants nothing, marks nothing shared and manages no agreement.
//  - Evidence recordings are listed, played and exported by exactly those who see the incident
//    (supervisors, own agency or under an agreement). Clinicians never, nor officers, admins or
//    platform admins. Recording is switched off or on for an agency by whoever administers it.
import { describe, expect, it } from 'vitest';
import {
  administeredScope,
  agencyAccess,
  canAcceptHelp,
  canAccessRecording,
  canHoldRecording,
  canAdminister,
  canAdministerAgency,
  canAssignRole,
  canCreateAgency,
  canGrant,
  canManageAgreement,
  canManageGrant,
  canMarkShared,
  canSeeIncident,
  canSetAgencyRecording,
  canStartIncident,
  coveringAgreement,
  grantStillCovered,
  permissionToSend,
  type Actor,
  type AgreementFacts,
  type Decision,
  type IncidentFacts,
  type Role,
} from '../../../../signaling/access/policy.ts';

// ─── The world ──────────────────────────────────────────────────────────────────────────────
// Every incident belongs to METRO. HARBOUR is the partner (the agreement's to-agency), DURHAM is
// unrelated to the incident's agency.
const METRO = 'metro';
const HARBOUR = 'harbour';
const DURHAM = 'durham';

const ROLES: readonly Role[] = ['officer', 'clinician', 'supervisor', 'admin', 'platform-admin'];
type Side = 'own' | 'partner' | 'unrelated';
const SIDES: readonly Side[] = ['own', 'partner', 'unrelated'];
const AGENCY_OF: Record<Side, string> = { own: METRO, partner: HARBOUR, unrelated: DURHAM };

/** Decoys present in every scenario: neither lets HARBOUR or DURHAM see a METRO incident. */
const DECOYS: AgreementFacts[] = [
  // The reverse direction: METRO may see HARBOUR's incidents, not the other way round.
  { id: 'agr-hm', fromAgencyId: HARBOUR, toAgencyId: METRO, scope: 'all', revokedAt: null },
  // From an unrelated agency to the partner.
  { id: 'agr-dh', fromAgencyId: DURHAM, toAgencyId: HARBOUR, scope: 'all', revokedAt: null },
];

interface Scenario {
  column: string;
  agreements: AgreementFacts[];
  shared: boolean;
}

/** The agency relation between METRO's incident and HARBOUR; the columns of every table below. */
const SCENARIOS: readonly Scenario[] = [
  { column: 'all', shared: false, agreements: [{ id: 'agr-mh', fromAgencyId: METRO, toAgencyId: HARBOUR, scope: 'all', revokedAt: null }, ...DECOYS] },
  { column: 'marked+', shared: true, agreements: [{ id: 'agr-mh', fromAgencyId: METRO, toAgencyId: HARBOUR, scope: 'marked', revokedAt: null }, ...DECOYS] },
  { column: 'marked-', shared: false, agreements: [{ id: 'agr-mh', fromAgencyId: METRO, toAgencyId: HARBOUR, scope: 'marked', revokedAt: null }, ...DECOYS] },
  // Revoked, even though it was `all` and the incident is marked.
  { column: 'revoked', shared: true, agreements: [{ id: 'agr-mh', fromAgencyId: METRO, toAgencyId: HARBOUR, scope: 'all', revokedAt: 1_700_000_000_000 }, ...DECOYS] },
  // No agreement from METRO at all; marking alone shares nothing.
  { column: 'none', shared: true, agreements: [...DECOYS] },
];
const COLUMNS = SCENARIOS.map((s) => s.column);

// ─── Expectation tables ─────────────────────────────────────────────────────────────────────
// Rows: role, side of the actor (own = METRO, partner = HARBOUR, unrelated = DURHAM), then one
// value per scenario column, or a single value for every column. `*` matches any role or side.
// Values: `ok` (allowed, agreementId null), `ok@<id>` (allowed under that agreement), or a code.

interface Row {
  line: string;
  role: string;
  side: string;
  values: string[];
}

function table(text: string): Row[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const [header, ...body] = lines;
  expect(header!.split(/\s+/)).toEqual(['role', 'side', ...COLUMNS]);
  return body.map((line) => {
    const [role, side, ...values] = line.split(/\s+/);
    if (values.length !== 1 && values.length !== COLUMNS.length) throw new Error(`bad row: ${line}`);
    return { line, role: role!, side: side!, values };
  });
}

const H = `role side ${COLUMNS.join(' ')}`;

interface Variant {
  action: string;
  /** Turns the actor and the scenario's facts into the decision under test. */
  decide: (actor: Actor, incident: IncidentFacts, agreements: AgreementFacts[]) => Decision;
  incident?: Partial<IncidentFacts>;
  onCall?: boolean;
  expected: Row[];
}

const clinicianOf = (agencyId: string): Actor => ({ id: `clin-${agencyId}`, role: 'clinician', agencyId, onCall: false });
const METRO_OFFICER: Actor = { id: 'officer-metro-2', role: 'officer', agencyId: METRO };

const VARIANTS: Variant[] = [
  {
    action: 'see incident',
    decide: (actor, incident, agreements) => canSeeIncident(actor, incident, agreements),
    expected: table(`${H}
      supervisor  own        ok         ok         ok         ok         ok
      supervisor  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  {
    action: 'list recordings, the agreement sharing the live picture only',
    decide: (actor, incident, agreements) => canAccessRecording(actor, incident, agreements, 'list'),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'list recordings, every agreement covering recordings',
    decide: (actor, incident, agreements) => canAccessRecording(actor, incident, agreements.map((a) => ({ ...a, recordings: true })), 'list'),
    expected: table(`${H}
      supervisor  own        ok         ok         ok         ok         ok
      supervisor  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'play recordings, the agreement sharing the live picture only',
    decide: (actor, incident, agreements) => canAccessRecording(actor, incident, agreements, 'play'),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'play recordings, every agreement covering recordings',
    decide: (actor, incident, agreements) => canAccessRecording(actor, incident, agreements.map((a) => ({ ...a, recordings: true })), 'play'),
    expected: table(`${H}
      supervisor  own        ok         ok         ok         ok         ok
      supervisor  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'export recordings, the agreement sharing the live picture only',
    decide: (actor, incident, agreements) => canAccessRecording(actor, incident, agreements, 'export'),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'export recordings, every agreement covering recordings',
    decide: (actor, incident, agreements) => canAccessRecording(actor, incident, agreements.map((a) => ({ ...a, recordings: true })), 'export'),
    expected: table(`${H}
      supervisor  own        ok         ok         ok         ok         ok
      supervisor  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'put a recording on legal hold, or release it',
    decide: (actor, incident) => canHoldRecording(actor, incident),
    expected: table(`${H}
      admin       own        ok
      admin       partner    FORBIDDEN
      admin       unrelated  FORBIDDEN
      platform-admin  *     ok
      supervisor  *          FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN`),
  },
  {
    action: 'switch recording for METRO',
    decide: (actor) => canSetAgencyRecording(actor, METRO),
    expected: table(`${H}
      admin       own        ok
      admin       partner    FORBIDDEN
      admin       unrelated  FORBIDDEN
      platform-admin  *     ok
      supervisor  *          FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN`),
  },

  // Grants. For an own (METRO) supervisor: METRO = same agency, HARBOUR = partner, DURHAM = unrelated.
  // For a partner (HARBOUR) supervisor: HARBOUR = same agency, METRO = partner, DURHAM = unrelated.
  {
    action: 'grant to a METRO clinician',
    decide: (actor, incident, agreements) => canGrant(actor, incident, clinicianOf(METRO), agreements),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'grant to a HARBOUR clinician',
    decide: (actor, incident, agreements) => canGrant(actor, incident, clinicianOf(HARBOUR), agreements),
    expected: table(`${H}
      supervisor  own        ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'grant to a DURHAM clinician',
    decide: (actor, incident, agreements) => canGrant(actor, incident, clinicianOf(DURHAM), agreements),
    expected: table(`${H}
      supervisor  own        FORBIDDEN
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'grant to a non-clinician (METRO officer)',
    decide: (actor, incident, agreements) => canGrant(actor, incident, METRO_OFFICER, agreements),
    expected: table(`${H}
      supervisor  own        NOT_A_CLINICIAN
      supervisor  partner    NOT_A_CLINICIAN  NOT_A_CLINICIAN  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  // Managing a grant, by who made it.
  {
    action: 'manage a grant made by METRO',
    decide: (actor, incident, agreements) => canManageGrant(actor, incident, { grantedByAgencyId: METRO }, agreements),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'manage a grant made by HARBOUR',
    decide: (actor, incident, agreements) => canManageGrant(actor, incident, { grantedByAgencyId: HARBOUR }, agreements),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'manage a grant made by DURHAM',
    decide: (actor, incident, agreements) => canManageGrant(actor, incident, { grantedByAgencyId: DURHAM }, agreements),
    expected: table(`${H}
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  // Accepting a "watch me".
  {
    action: 'accept help (on call, help requested)',
    onCall: true,
    incident: { helpRequested: true },
    decide: (actor, incident, agreements) => canAcceptHelp(actor, incident, agreements),
    expected: table(`${H}
      clinician   own        ok
      clinician   partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
      clinician   unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      supervisor  *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'accept help (not on call, help requested)',
    onCall: false,
    incident: { helpRequested: true },
    decide: (actor, incident, agreements) => canAcceptHelp(actor, incident, agreements),
    expected: table(`${H}
      clinician   own        FORBIDDEN
      clinician   partner    FORBIDDEN
      clinician   unrelated  FORBIDDEN
      officer     *          FORBIDDEN
      supervisor  *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'accept help (on call, help not requested)',
    onCall: true,
    incident: { helpRequested: false },
    decide: (actor, incident, agreements) => canAcceptHelp(actor, incident, agreements),
    expected: table(`${H}
      clinician   own        HELP_NOT_REQUESTED
      clinician   partner    HELP_NOT_REQUESTED
      clinician   unrelated  HELP_NOT_REQUESTED
      officer     *          FORBIDDEN
      supervisor  *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  {
    action: 'start incident',
    decide: (actor) => canStartIncident(actor),
    expected: table(`${H}
      officer     *          ok
      clinician   *          FORBIDDEN
      supervisor  *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  // Marking shared. The own-side officer's id is `officer-own`.
  {
    action: 'mark shared (incident of officer-own)',
    incident: { officerId: 'officer-own' },
    decide: (actor, incident) => canMarkShared(actor, incident),
    expected: table(`${H}
      officer     own        ok
      officer     partner    FORBIDDEN
      officer     unrelated  FORBIDDEN
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'mark shared (incident of another METRO officer)',
    incident: { officerId: 'officer-metro-2' },
    decide: (actor, incident) => canMarkShared(actor, incident),
    expected: table(`${H}
      officer     own        FORBIDDEN
      officer     partner    FORBIDDEN
      officer     unrelated  FORBIDDEN
      supervisor  own        ok
      supervisor  partner    FORBIDDEN
      supervisor  unrelated  FORBIDDEN
      clinician   *          FORBIDDEN
      admin       *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  // Agreements: METRO→HARBOUR is managed by METRO's admin (from), not HARBOUR's (to).
  {
    action: 'manage agreement METRO→HARBOUR',
    decide: (actor) => canManageAgreement(actor, { fromAgencyId: METRO }),
    expected: table(`${H}
      admin       own        ok
      admin       partner    FORBIDDEN
      admin       unrelated  FORBIDDEN
      supervisor  *          FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },
  {
    action: 'manage agreement HARBOUR→METRO',
    decide: (actor) => canManageAgreement(actor, { fromAgencyId: HARBOUR }),
    expected: table(`${H}
      admin       own        FORBIDDEN
      admin       partner    ok
      admin       unrelated  FORBIDDEN
      supervisor  *          FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      platform-admin  *     FORBIDDEN`),
  },

  {
    action: 'administer',
    decide: (actor) => canAdminister(actor),
    expected: table(`${H}
      admin       *          ok
      supervisor  *          FORBIDDEN
      officer     *          FORBIDDEN
      clinician   *          FORBIDDEN
      platform-admin  *     ok`),
  },
  // Administering METRO's directory (its users and its officers' cameras).
  {
    action: 'administer METRO',
    decide: (actor) => canAdministerAgency(actor, METRO),
    expected: table(`${H}
      admin           own        ok
      admin           partner    FORBIDDEN
      admin           unrelated  FORBIDDEN
      platform-admin  *          ok
      supervisor      *          FORBIDDEN
      officer         *          FORBIDDEN
      clinician       *          FORBIDDEN`),
  },
  {
    action: 'make a METRO supervisor',
    decide: (actor) => canAssignRole(actor, METRO, 'supervisor'),
    expected: table(`${H}
      admin           own        ok
      admin           partner    FORBIDDEN
      admin           unrelated  FORBIDDEN
      platform-admin  *          ok
      supervisor      *          FORBIDDEN
      officer         *          FORBIDDEN
      clinician       *          FORBIDDEN`),
  },
  {
    action: 'make a METRO admin',
    decide: (actor) => canAssignRole(actor, METRO, 'admin'),
    expected: table(`${H}
      admin           own        ok
      admin           partner    FORBIDDEN
      admin           unrelated  FORBIDDEN
      platform-admin  *          ok
      supervisor      *          FORBIDDEN
      officer         *          FORBIDDEN
      clinician       *          FORBIDDEN`),
  },
  {
    action: 'make a platform admin (in METRO)',
    decide: (actor) => canAssignRole(actor, METRO, 'platform-admin'),
    expected: table(`${H}
      admin           *          FORBIDDEN
      platform-admin  *          ok
      supervisor      *          FORBIDDEN
      officer         *          FORBIDDEN
      clinician       *          FORBIDDEN`),
  },
  {
    action: 'create an agency',
    decide: (actor) => canCreateAgency(actor),
    expected: table(`${H}
      platform-admin  *          ok
      admin           *          FORBIDDEN
      supervisor      *          FORBIDDEN
      officer         *          FORBIDDEN
      clinician       *          FORBIDDEN`),
  },
];

// ─── Generating the matrix ──────────────────────────────────────────────────────────────────

function decision(value: string): Decision {
  if (value === 'ok') return { allowed: true, agreementId: null };
  if (value.startsWith('ok@')) return { allowed: true, agreementId: value.slice(3) };
  return { allowed: false, code: value } as Decision;
}

const matches = (pattern: string, value: string) => pattern === '*' || pattern === value;

interface Case {
  name: string;
  variant: Variant;
  actor: Actor;
  incident: IncidentFacts;
  agreements: AgreementFacts[];
  expected: Decision;
}

const usedRows = new Set<Row>();
const cases: Case[] = [];
const lookupProblems: string[] = [];

for (const variant of VARIANTS) {
  for (const role of ROLES) {
    for (const side of SIDES) {
      const rows = variant.expected.filter((r) => matches(r.role, role) && matches(r.side, side));
      if (rows.length !== 1) {
        lookupProblems.push(`${variant.action} / ${role}-${side}: ${rows.length} matching rows`);
        continue;
      }
      const row = rows[0]!;
      usedRows.add(row);
      SCENARIOS.forEach((scenario, column) => {
        const actor: Actor = { id: `${role}-${side}`, role, agencyId: AGENCY_OF[side], onCall: variant.onCall ?? false };
        const incident: IncidentFacts = {
          agencyId: METRO,
          officerId: 'officer-own',
          shared: scenario.shared,
          helpRequested: true,
          ...variant.incident,
        };
        cases.push({
          name: `${variant.action} | ${role} of ${side} agency | ${scenario.column}`,
          variant,
          actor,
          incident,
          agreements: scenario.agreements,
          expected: decision(row.values.length === 1 ? row.values[0]! : row.values[column]!),
        });
      });
    }
  }
}

describe('access policy: permission matrix', () => {
  it('every role × side has exactly one expectation row and every row is used', () => {
    expect(lookupProblems).toEqual([]);
    const unused = VARIANTS.flatMap((v) => v.expected.filter((r) => !usedRows.has(r)).map((r) => `${v.action}: ${r.line}`));
    expect(unused).toEqual([]);
    expect(cases).toHaveLength(VARIANTS.length * ROLES.length * SIDES.length * SCENARIOS.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Inputs are frozen: the policy is pure and must not modify what it is given.
    const agreements = Object.freeze(c.agreements.map((a) => Object.freeze({ ...a }))) as AgreementFacts[];
    const decided = c.variant.decide(Object.freeze({ ...c.actor }), Object.freeze({ ...c.incident }), agreements);
    expect(decided).toEqual(c.expected);
  });
});

// ─── Agency access on its own, and grants staying covered ──────────────────────────────────

describe('agencyAccess and grantStillCovered', () => {
  const expected = table(`${H}
    *  own        ok
    *  partner    ok@agr-mh  ok@agr-mh  FORBIDDEN  FORBIDDEN  FORBIDDEN
    *  unrelated  FORBIDDEN`);

  for (const side of SIDES) {
    const row = expected.find((r) => r.side === side)!;
    SCENARIOS.forEach((scenario, column) => {
      const want = decision(row.values.length === 1 ? row.values[0]! : row.values[column]!);
      it(`a clinician of the ${side} agency | ${scenario.column}`, () => {
        const incident: IncidentFacts = { agencyId: METRO, officerId: 'officer-own', shared: scenario.shared, helpRequested: false };
        expect(agencyAccess(incident, AGENCY_OF[side], scenario.agreements)).toEqual(want);
        expect(grantStillCovered(incident, AGENCY_OF[side], scenario.agreements)).toEqual(want);
      });
    });
  }

  const incident = (shared: boolean): IncidentFacts => ({ agencyId: METRO, officerId: 'officer-own', shared, helpRequested: false });
  const agreement = (id: string, scope: 'all' | 'marked', revokedAt: number | null = null): AgreementFacts => ({
    id,
    fromAgencyId: METRO,
    toAgencyId: HARBOUR,
    scope,
    revokedAt,
  });

  it('names the live covering agreement when an older one was revoked', () => {
    const agreements = [agreement('agr-old', 'all', 1), agreement('agr-new', 'marked')];
    expect(agencyAccess(incident(true), HARBOUR, agreements)).toEqual({ allowed: true, agreementId: 'agr-new' });
    expect(coveringAgreement(incident(true), HARBOUR, agreements)?.id).toBe('agr-new');
    expect(agencyAccess(incident(false), HARBOUR, agreements)).toEqual({ allowed: false, code: 'FORBIDDEN' });
    expect(coveringAgreement(incident(false), HARBOUR, agreements)).toBeUndefined();
  });

  it('a grant stops being covered when the agreement is revoked or the incident is unmarked', () => {
    const live = [agreement('agr-1', 'marked')];
    expect(grantStillCovered(incident(true), HARBOUR, live)).toEqual({ allowed: true, agreementId: 'agr-1' });
    expect(grantStillCovered(incident(false), HARBOUR, live)).toEqual({ allowed: false, code: 'FORBIDDEN' });
    expect(grantStillCovered(incident(true), HARBOUR, [agreement('agr-1', 'marked', 5)])).toEqual({ allowed: false, code: 'FORBIDDEN' });
    // The incident's own agency never depends on agreements.
    expect(grantStillCovered(incident(false), METRO, [])).toEqual({ allowed: true, agreementId: null });
  });
});

describe('permissionToSend', () => {
  it.each([
    ['camera', 'video', 'officer'],
    ['camera', 'audio', 'officer'],
    ['talkback', 'audio', 'talk'],
    ['talkback', 'video', null],
  ] as const)('%s %s needs %s', (source, kind, needed) => {
    expect(permissionToSend(source, kind)).toBe(needed);
  });
});

describe('administeredScope', () => {
  it('a platform admin reads every agency, an agency admin their own, anyone else none', () => {
    expect(administeredScope({ id: 'p', role: 'platform-admin', agencyId: METRO })).toBe('all');
    expect(administeredScope({ id: 'a', role: 'admin', agencyId: DURHAM })).toEqual({ agencyId: DURHAM });
    for (const role of ['officer', 'clinician', 'supervisor'] as const) expect(administeredScope({ id: 'x', role, agencyId: METRO })).toBeNull();
  });
});
