// After the soak: every action the relay accepted has its audit entry, and the trail verifies.
// The soak keeps its own ledger of what it did (per grant: the grant, its revocation, each WHEP
// session's join and end; per camera: its publish and its incident's end) and compares it with
// the trail the relay wrote.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/machine.ts';

export type Expectation = 'grant.create' | 'grant.revoke' | 'join' | 'leave' | 'whip.publish' | 'incident.end';

interface TrailEntry {
  action: string;
  outcome: string;
  target?: { grantId?: string; incidentId?: string };
  detail?: Record<string, unknown>;
}

/** What the soak did, keyed by what the audit entry should carry. */
export class AuditLedger {
  readonly #expected = new Map<string, number>();

  expect(action: Expectation, key: string): void {
    const id = `${action} ${key}`;
    this.#expected.set(id, (this.#expected.get(id) ?? 0) + 1);
  }

  /** Entries the trail is missing (lost), entries it has beyond the ledger (extra), by action. */
  compare(entries: TrailEntry[]): { expected: number; lost: number; lostByAction: Record<string, number>; extra: number } {
    const found = new Map<string, number>();
    for (const entry of entries) {
      const id = keyOf(entry);
      if (id) found.set(id, (found.get(id) ?? 0) + 1);
    }
    let expected = 0;
    let lost = 0;
    let extra = 0;
    const lostByAction: Record<string, number> = {};
    for (const [id, count] of this.#expected) {
      expected += count;
      const missing = Math.max(0, count - (found.get(id) ?? 0));
      lost += missing;
      if (missing > 0) lostByAction[id.split(' ')[0]!] = (lostByAction[id.split(' ')[0]!] ?? 0) + missing;
    }
    for (const [id, count] of found) extra += Math.max(0, count - (this.#expected.get(id) ?? 0));
    return { expected, lost, lostByAction, extra };
  }
}

/** The ledger key an entry answers: grant entries by grant id, camera entries by incident id. */
function keyOf(entry: TrailEntry): string | null {
  const grantId = entry.target?.grantId;
  const incidentId = entry.target?.incidentId;
  switch (entry.action) {
    case 'grant.create':
    case 'grant.revoke':
      return entry.outcome === 'allowed' && grantId ? `${entry.action} ${grantId}` : null;
    case 'join':
      return entry.outcome === 'allowed' && grantId && entry.detail?.via === 'whep' ? `join ${grantId}` : null;
    case 'leave':
      return grantId && entry.detail?.via === 'whep' ? `leave ${grantId}` : null;
    case 'whip.publish':
    case 'incident.end':
      return entry.outcome !== 'denied' && incidentId ? `${entry.action} ${incidentId}` : null;
    default:
      return null;
  }
}

export function readTrail(dataDir: string): TrailEntry[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrailEntry);
}

const withoutRedis = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'REDIS_URL'));

/** `npm run audit:verify` on the relay's data directory: true when the chain and checkpoints verify. */
export function verifyTrail(dataDir: string): { intact: boolean; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'signaling/cli/audit-verify.ts', '--json'], {
    cwd: REPO_ROOT,
    env: { ...withoutRedis(process.env), DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { intact: run.status === 0, output: `${run.stdout}${run.stderr}`.trim().slice(0, 2000) };
}
