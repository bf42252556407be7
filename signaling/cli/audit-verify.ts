// npm run audit:verify -- [--file PATH | --redis URL] [--prefix PREFIX] [--key JWK_FILE] [--checkpoints PATH] [--json]
//
// Verifies the audit trail: the hash chain, the purge summary and every signed checkpoint, and
// that nothing is missing after the last checkpoint. Prints the first edited, deleted, inserted
// or reordered entry. Exit status: 0 intact, 1 tampered, 2 could not verify (usage, I/O, key).
// Defaults come from the relay's environment: REDIS_URL if set, else DATA_DIR/audit.jsonl; the
// public key from SIGNING_KEY_FILE or DATA_DIR/signing-key.jwk (a private or public JWK).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { AuditEntry } from '../audit/audit-entry.ts';
import type { AuditCheckpoint } from '../audit/audit-signatures.ts';
import { parseCheckpoint, parseEntry, verifyAudit, type StoredRecord, type VerifyResult } from '../audit/chain-verification.ts';
import { checkpointPathFor } from '../audit/file-audit-log.ts';
import { readLines } from '../infra/append-only-file.ts';
import { auditFilePath } from '../audit/open-audit.ts';
import { redisKeys } from '../audit/redis-audit-log.ts';
import { connectRedis } from '../infra/redis-client.ts';
import { loadConfig } from '../config.ts';
import { runCli, UsageError, type CliArgs } from './cli-args.ts';

const cli = {
  name: 'audit:verify',
  usage: `usage: npm run audit:verify -- [--file PATH | --redis URL] [--prefix PREFIX] [--key JWK_FILE] [--checkpoints PATH] [--json]
Verifies the audit trail's hash chain, purge summary and signed checkpoints.
  --file PATH          the audit file (default DATA_DIR/audit.jsonl, or REDIS_URL when set)
  --redis URL          read the Redis store instead
  --prefix PREFIX      its key prefix (default AUDIT_REDIS_PREFIX)
  --key JWK_FILE       the signing key, private or public JWK (default SIGNING_KEY_FILE)
  --checkpoints PATH   a copy of the checkpoints kept elsewhere
  --json               machine-readable result
Exit status: 0 intact, 1 tampered, 2 could not verify.`,
  options: {
    file: { type: 'string' },
    redis: { type: 'string' },
    prefix: { type: 'string' },
    key: { type: 'string' },
    checkpoints: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
} as const;

async function publicKeyFrom(path: string): Promise<CryptoKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch (error) {
    throw new Error(`cannot read the signing key ${path}: ${(error as Error).message}`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new Error(`${path} is not an Ed25519 JWK`);
  return (await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'EdDSA')) as CryptoKey;
}

async function readFileStore(path: string, checkpointsPath: string) {
  try {
    await stat(path);
  } catch {
    throw new Error(`no audit file at ${path}`);
  }
  const records: StoredRecord<AuditEntry>[] = (await readLines(path)).map(({ line, text }) => ({ location: `line ${line}`, value: parseEntry(text) }));
  const checkpoints: StoredRecord<AuditCheckpoint>[] = (await readLines(checkpointsPath)).map(({ line, text }) => ({
    location: `${checkpointsPath} line ${line}`,
    value: parseCheckpoint(text),
  }));
  return { records, checkpoints, description: `file ${path} (checkpoints ${checkpointsPath})` };
}

async function readRedisStore(url: string, prefix: string) {
  let client;
  try {
    client = await connectRedis(url, { failFastTimeoutMs: 30_000 });
  } catch (error) {
    throw new Error(`cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//')}: ${(error as Error).message}`);
  }
  try {
    const keys = redisKeys(prefix);
    const records: StoredRecord<AuditEntry>[] = [];
    const summary = await client.get(keys.summary);
    if (summary) records.push({ location: `purge summary (${keys.summary})`, value: parseEntry(summary) });
    let start = '-';
    for (;;) {
      const batch = (await client.xRange(keys.log, start, '+', { COUNT: 1000 })) ?? [];
      for (const message of batch) {
        records.push({ location: `stream id ${message.id}`, value: parseEntry((message.message as Record<string, string>).entry) });
      }
      if (batch.length < 1000) break;
      start = `(${batch.at(-1)!.id}`;
    }
    const checkpoints = (await client.zRange(keys.checkpoints, 0, -1)).map((text, index) => ({
      location: `#${index + 1} (${keys.checkpoints})`,
      value: parseCheckpoint(text),
    }));
    return { records, checkpoints, description: `redis ${keys.log}` };
  } finally {
    await client.close().catch(() => undefined);
  }
}

function describe(result: VerifyResult, description: string): string[] {
  const lines = [`Audit trail: ${description}`];
  const purged = result.purged ? `; seq ${result.purged.fromSeq}..${result.purged.toSeq} purged (${result.purged.count} entries, signed summary)` : '';
  lines.push(`Entries: ${result.entries}, the chain ends at seq ${result.lastSeq}${purged}`);
  const last = result.lastCheckpoint;
  lines.push(last ? `Checkpoints: ${result.checkpoints} valid, the latest at seq ${last.seq} (${last.at}, ${last.node})` : 'Checkpoints: none');
  if (last && result.lastSeq > last.seq && result.ok) {
    lines.push(`Note: seq ${last.seq + 1}..${result.lastSeq} are not covered by a checkpoint yet (deleting them would not be detected).`);
  }
  if (result.ok) {
    lines.push('OK: the chain is intact, every signature verifies, and nothing is missing after the last checkpoint.');
  } else {
    const [first, ...rest] = result.problems;
    lines.push(`TAMPERED (${first!.kind}): ${first!.message}`);
    for (const problem of rest.slice(0, 20)) lines.push(`  also (${problem.kind}): ${problem.message}`);
    if (rest.length > 20) lines.push(`  … and ${rest.length - 20} more`);
  }
  return lines;
}

async function main({ values, positionals }: CliArgs<typeof cli.options>): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const config = loadConfig();
  if (values.file !== undefined && values.redis !== undefined) throw new UsageError('give --file or --redis, not both');
  const redisUrl = values.redis ?? (values.file !== undefined ? undefined : config.REDIS_URL);
  const keyPath = values.key ?? config.SIGNING_KEY_FILE ?? join(config.DATA_DIR, 'signing-key.jwk');
  const publicKey = await publicKeyFrom(keyPath);
  const file = values.file ?? auditFilePath(config);
  const stored = redisUrl
    ? await readRedisStore(redisUrl, values.prefix ?? config.AUDIT_REDIS_PREFIX)
    : await readFileStore(file, values.checkpoints ?? checkpointPathFor(file));
  const result = await verifyAudit(stored.records, stored.checkpoints, publicKey);
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else for (const line of describe(result, stored.description)) console.log(line);
  return result.ok ? 0 : 1;
}

runCli(cli, main);
