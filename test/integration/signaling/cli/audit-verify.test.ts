// Tamper evidence, end to end: a real audit trail (file store and Redis) is edited, has entries
// deleted, inserted or reordered, or is re-hashed after an edit, and `audit:verify` (spawned for
// real) names the first problem and exits 1; intact and purged trails exit 0.
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainHash, sealEntry, type AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import type { AuditStore } from '../../../../signaling/audit/audit-log.ts';
import { AuditTrail } from '../../../../signaling/audit/audit-trail.ts';
import { FileAuditLog, checkpointPathFor } from '../../../../signaling/audit/file-audit-log.ts';
import { RedisAuditLog, redisKeys } from '../../../../signaling/audit/redis-audit-log.ts';
import type { RedisClient } from '../../../../signaling/infra/redis-client.ts';
import { createLogger } from '../../../../signaling/logger.ts';
import { loadOrCreateSigningKeys } from '../../../../signaling/tokens/signing-keys.ts';
import { runCli } from '../../../helpers/cli.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Re-seals entries from the genesis hash on: what an attacker who knows the algorithm can do. */
function rehash(entries: AuditEntry[]): AuditEntry[] {
  let prev = { seq: 0, hash: GENESIS_HASH };
  return entries.map(({ hash: _h, prevHash: _p, ...body }) => {
    const entry = { ...body, prevHash: prev.hash, hash: chainHash(prev.hash, body) };
    prev = entry;
    return entry;
  });
}

interface Backend {
  name: string;
  setup(dir: string): Promise<void>;
  open(): Promise<AuditStore>;
  /** The stored entries as text, in stored order. */
  read(): Promise<string[]>;
  /** Replaces the stored entries (not the checkpoints) with these texts. */
  write(texts: string[]): Promise<void>;
  verifyArgs(): string[];
  env(): Record<string, string>;
  teardown(): Promise<void>;
}

const fileBackend = (): Backend => {
  let path = '';
  let dir = '';
  return {
    name: 'file',
    async setup(d) {
      dir = d;
      path = join(d, 'audit.jsonl');
    },
    open: () => FileAuditLog.open(path, { fsync: true }),
    read: async () => (await readFile(path, 'utf8')).split('\n').filter(Boolean),
    write: (texts) => writeFile(path, texts.map((t) => `${t}\n`).join('')),
    verifyArgs: () => ['--file', path, '--key', join(dir, 'signing-key.jwk')],
    env: () => ({ DATA_DIR: dir }),
    teardown: async () => undefined,
  };
};

const redisBackend = (): Backend => {
  let redis: TestRedis;
  let dir = '';
  const prefix = 'tamper:audit';
  const keys = redisKeys(prefix);
  const withClient = async <T>(use: (client: RedisClient) => Promise<T>) => {
    const client: RedisClient = createClient({ url: redis.url });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.quit();
    }
  };
  return {
    name: 'redis',
    async setup(d) {
      dir = d;
      redis = await startRedis({ durable: true });
    },
    open: () => RedisAuditLog.open({ url: redis.url, prefix }),
    read: () =>
      withClient(async (client) => {
        const summary = await client.get(keys.summary);
        const stream = (await client.xRange(keys.log, '-', '+')) ?? [];
        return [...(summary ? [summary] : []), ...stream.map((m) => (m.message as Record<string, string>).entry!)];
      }),
    write: (texts) =>
      withClient(async (client) => {
        await client.del([keys.log, keys.summary]);
        let id = 0;
        for (const text of texts) {
          if (text.includes('"action":"audit.purge"')) await client.set(keys.summary, text);
          else await client.xAdd(keys.log, `${(id += 1)}-0`, { entry: text });
        }
      }),
    verifyArgs: () => ['--redis', redis.url, '--prefix', prefix, '--key', join(dir, 'signing-key.jwk')],
    env: () => ({ DATA_DIR: dir, REDIS_URL: redis.url, AUDIT_REDIS_PREFIX: prefix }),
    teardown: async () => redis?.stop(),
  };
};

describe.each([fileBackend, redisBackend])('audit:verify against a tampered trail (%#: file, redis)', (makeBackend) => {
  const backend = makeBackend();
  let dir: string;
  let baseline: string[];
  let boundary: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-tamper-'));
    await backend.setup(dir);
    const keys = await loadOrCreateSigningKeys(join(dir, 'signing-key.jwk'));
    const store = await backend.open();
    const trail = await AuditTrail.open({
      store,
      keys,
      node: 'test-node',
      checkpointEvery: 5,
      checkpointSeconds: 0,
      retentionDays: 365,
      purgeIntervalSeconds: 0,
      logger: createLogger({ LOG_LEVEL: 'silent' }),
    });
    const event = (n: number) => ({
      action: n % 2 ? ('join' as const) : ('grant.create' as const),
      outcome: 'allowed' as const,
      actor: { id: `u-${n}`, role: 'clinician', agencyId: 'harbour-health' },
      target: { incidentId: 'inc-1', agencyId: 'metro-police', grantId: `g-${n}` },
      source: { ip: '10.1.1.1', userAgent: 'ua', node: 'test-node' },
    });
    for (let n = 1; n <= 10; n += 1) await trail.record(event(n));
    await sleep(5);
    boundary = Date.now();
    await sleep(5);
    for (let n = 11; n <= 20; n += 1) await trail.record(event(n));
    await trail.close();
    baseline = await backend.read();
    expect(baseline).toHaveLength(20);
  });
  afterAll(async () => {
    await backend.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  const verifyAfter = async (tamper: (entries: AuditEntry[]) => AuditEntry[] | string[]) => {
    const tampered = tamper(baseline.map((t) => JSON.parse(t) as AuditEntry));
    await backend.write(tampered.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))));
    return runCli('audit-verify', backend.verifyArgs(), backend.env());
  };

  it('exits 0 for the intact trail', async () => {
    const { code, stdout } = await verifyAfter((entries) => entries);
    expect(stdout).toContain('Entries: 20, the chain ends at seq 20');
    expect(stdout).toContain('Checkpoints: 4 valid, the latest at seq 20');
    expect(stdout).toContain('OK: the chain is intact');
    expect(code).toBe(0);
  });

  it('catches an edited entry', async () => {
    const { code, stdout } = await verifyAfter((entries) => entries.map((e) => (e.seq === 7 ? { ...e, outcome: 'denied' as const } : e)));
    expect(stdout).toMatch(/TAMPERED \(edited\): entry seq 7 \(.+\) was edited: its content no longer matches its hash/);
    expect(code).toBe(1);
  });

  it('catches a deleted entry', async () => {
    const { code, stdout } = await verifyAfter((entries) => entries.filter((e) => e.seq !== 7));
    expect(stdout).toMatch(/TAMPERED \(deleted\): entry seq 7 is missing before .*: deleted from the log/);
    expect(code).toBe(1);
  });

  it('catches entries deleted from the end, against the last checkpoint', async () => {
    const { code, stdout } = await verifyAfter((entries) => entries.filter((e) => e.seq <= 16));
    expect(stdout).toMatch(/TAMPERED \(truncated\): entries seq 17\.\.20 are missing after seq 16: the checkpoint of .* attests the log reached seq 20/);
    expect(code).toBe(1);
  });

  it('catches an inserted entry', async () => {
    const { code, stdout } = await verifyAfter((entries) => {
      const { seq: _s, at: _a, hash: _h, prevHash: _p, ...genuine } = entries[8]!;
      const forged = sealEntry(entries[8]!, { ...genuine, action: 'join', actor: { id: 'u-ghost', role: 'clinician', agencyId: 'harbour-health' } }, new Date());
      return [...entries.slice(0, 9), forged, ...entries.slice(9)];
    });
    expect(stdout).toMatch(/TAMPERED \(inserted\): an entry was inserted at .*: it claims seq 10, which the genuine entry at .* holds/);
    expect(code).toBe(1);
  });

  it('catches reordered entries', async () => {
    const { code, stdout } = await verifyAfter((entries) => {
      const swapped = [...entries];
      [swapped[6], swapped[7]] = [swapped[7]!, swapped[6]!];
      return swapped;
    });
    expect(stdout).toMatch(/TAMPERED \(reordered\): entry seq 8 \(.*\) comes before seq 7/);
    expect(code).toBe(1);
  });

  it('catches an edit whose chain was re-hashed, against the signed checkpoints', async () => {
    const { code, stdout } = await verifyAfter((entries) => rehash(entries.map((e) => (e.seq === 12 ? { ...e, outcome: 'denied' } : e))));
    expect(stdout).toMatch(/TAMPERED \(rewritten\): entry seq 15 .* is not the entry signed in the checkpoint .*entries after seq 10 up to seq 15 were edited/);
    expect(code).toBe(1);
  });

  it('catches a line that is not an entry', async () => {
    const { code, stdout } = await verifyAfter((entries) => entries.map((e) => (e.seq === 3 ? '{"seq":3,"oops"' : JSON.stringify(e))));
    expect(stdout).toMatch(/TAMPERED \(edited\): .* is not a well-formed audit entry/);
    expect(code).toBe(1);
  });

  it('after `audit:purge` the trail still verifies (exit 0), and a forged summary does not', async () => {
    await backend.write(baseline);
    const purge = await runCli('audit-purge', ['--now', new Date(boundary + 365 * 24 * 3600 * 1000).toISOString()], backend.env());
    expect(purge.stderr).toBe('');
    expect(purge.stdout).toMatch(/Purged 10 audit entries written before .*; the signed summary now covers seq 1\.\.10\./);
    expect(purge.code).toBe(0);
    const purged = await backend.read();
    expect(purged).toHaveLength(11);
    expect(JSON.parse(purged[0]!)).toMatchObject({ action: 'audit.purge', seq: 10, detail: { fromSeq: 1, toSeq: 10, count: 10 } });

    const ok = await runCli('audit-verify', backend.verifyArgs(), backend.env());
    expect(ok.stdout).toContain('seq 1..10 purged (10 entries, signed summary)');
    expect(ok.code).toBe(0);

    const widened = purged.map((t, i) => {
      if (i !== 0) return t;
      const summary = JSON.parse(t) as AuditEntry;
      return JSON.stringify({ ...summary, detail: { ...summary.detail, count: 9, fromSeq: 2 } });
    });
    await backend.write(widened);
    const forged = await runCli('audit-verify', backend.verifyArgs(), backend.env());
    expect(forged.stdout).toMatch(/TAMPERED \(edited\): the purge summary at .* was edited or forged/);
    expect(forged.code).toBe(1);
    await backend.write(purged);
  });

  it('exits 2 with a message when it cannot verify', async () => {
    const noKey = await runCli('audit-verify', [...backend.verifyArgs().slice(0, -1), join(dir, 'missing.jwk')], backend.env());
    expect(noKey.stderr).toMatch(/cannot read the signing key/);
    expect(noKey.code).toBe(2);
  });
});

describe('npm run audit:verify', () => {
  it('is wired to the CLI and verifies DATA_DIR/audit.jsonl by default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sightline-npm-verify-'));
    try {
      await loadOrCreateSigningKeys(join(dir, 'signing-key.jwk'));
      const log = await FileAuditLog.open(join(dir, 'audit.jsonl'), { fsync: false });
      await log.record({ action: 'login', outcome: 'allowed', actor: null, target: {}, source: { ip: null, userAgent: null, node: 'n' } });
      await log.close();
      await copyFile(join(dir, 'audit.jsonl'), join(dir, 'copy.jsonl'));
      expect(checkpointPathFor(join(dir, 'audit.jsonl'))).toBe(join(dir, 'audit.checkpoints.jsonl'));
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('npm', ['run', '--silent', 'audit:verify'], { env: { ...process.env, DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('exit', (code) => resolve({ code, out }));
      });
      expect(result.out).toContain(`Audit trail: file ${join(dir, 'audit.jsonl')}`);
      expect(result.out).toContain('Entries: 1');
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
