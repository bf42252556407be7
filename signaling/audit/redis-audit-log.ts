// The audit chain in a Redis Stream, shared by every node that uses the same Redis.
//
// Linearity across nodes: an append is a compare-and-append Lua script. The node seals the entry
// (seq = head + 1, prevHash = head hash) against the head it last saw, and the script appends it
// only if the head key still holds that seq and hash, moving the head in the same atomic step;
// otherwise it returns the current head, and the node re-seals against it and retries. Scripts
// run atomically, so the chain stays linear however many nodes append; a node that loses a race
// simply seals again (lock-free: some node always makes progress). A Lua script was chosen over
// WATCH/MULTI/EXEC because it needs one round trip and no connection dedicated to a transaction.
//
// Stream ids are `<seq>-0`: Redis itself refuses an id that does not grow, and ranges by seq are
// plain XRANGE calls. Keys share one hash tag (`{prefix}`) so the scripts also work on a cluster.
//
// Queries: the append script also lists the entry in the index's sorted sets (redis-audit-index.ts)
// in the same atomic step, so `find` reads only the entries a query returns.
//
// Durability: with `appendonly yes` and `appendfsync always`, Redis writes and fsyncs the AOF
// before it sends the script's reply, so an acknowledged append is on disk. `open` checks
// `CONFIG GET appendonly`/`appendfsync` and warns when they are weaker. Commands are not queued
// while Redis is unreachable and time out, so appends fail promptly (and access is refused).
import { closeRedisClient, connectRedis, withDeadline, type RedisClient } from '../infra/redis-client.ts';
import { GENESIS_HASH, sealEntry, type AuditEntry, type AuditEvent } from './audit-entry.ts';
import type { AuditStore, ScanOptions } from './audit-log.ts';
import type { AuditIndexQuery } from './audit-index.ts';
import { buildRedisIndex, entryIndexKeys, findInRedis, redisIndexKeys, unindexEntries } from './redis-audit-index.ts';
import { PURGE_ACTION, type AuditCheckpoint } from './audit-signatures.ts';
import { parseCheckpoint, parseEntry } from './chain-verification.ts';

const APPEND_SCRIPT = `
local head = redis.call('HMGET', KEYS[1], 'seq', 'hash')
local seq = tonumber(head[1]) or 0
local hash = head[2] or ARGV[6]
if seq ~= tonumber(ARGV[1]) or hash ~= ARGV[2] then
  return {0, tostring(seq), hash}
end
redis.call('XADD', KEYS[2], ARGV[3] .. '-0', 'entry', ARGV[5])
redis.call('HSET', KEYS[1], 'seq', ARGV[3], 'hash', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[7], ARGV[3])
for i = 4, #KEYS do redis.call('ZADD', KEYS[i], ARGV[3], ARGV[3]) end
return {1}
`;

const PURGE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local currentSeq = -1
if current then currentSeq = tonumber(cjson.decode(current)['seq']) end
if currentSeq ~= tonumber(ARGV[1]) then return 0 end
local last = redis.call('XRANGE', KEYS[2], ARGV[3] .. '-0', ARGV[3] .. '-0')
if #last ~= 1 then return 0 end
local fields = last[1][2]
local entry = nil
for i = 1, #fields, 2 do if fields[i] == 'entry' then entry = cjson.decode(fields[i + 1]) end end
if not entry or entry['hash'] ~= ARGV[4] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('XTRIM', KEYS[2], 'MINID', '=', tostring(tonumber(ARGV[3]) + 1) .. '-0')
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[3])
return 1
`;

const MAX_APPEND_ATTEMPTS = 100;
const SCAN_BATCH = 500;


export interface RedisAuditLogOptions {
  url: string;
  /** Key prefix; every key is `{prefix}:…` (one hash tag). */
  prefix: string;
  /** Per-command timeout; an append that cannot complete in time fails (and access is refused). */
  commandTimeoutMs?: number;
  onWarning?: (message: string, detail: Record<string, unknown>) => void;
}

export const redisKeys = (prefix: string) => ({
  log: `{${prefix}}:log`,
  head: `{${prefix}}:head`,
  summary: `{${prefix}}:summary`,
  checkpoints: `{${prefix}}:checkpoints`,
});

/** Checks the audit Redis is configured to fsync every write; warns when it is not. */
export async function checkRedisDurability(
  client: RedisClient,
  warn: (message: string, detail: Record<string, unknown>) => void,
): Promise<{ appendonly: string | null; appendfsync: string | null }> {
  try {
    const config = (await client.configGet('append*')) as Record<string, string>;
    const appendonly = config.appendonly ?? null;
    const appendfsync = config.appendfsync ?? null;
    if (appendonly !== 'yes') {
      warn('the audit Redis has appendonly off: acknowledged audit entries can be lost if Redis stops; set appendonly yes and appendfsync always', {
        appendonly,
      });
    } else if (appendfsync !== 'always') {
      warn('the audit Redis syncs its AOF less than on every write: the last entries can be lost if the host fails; set appendfsync always', {
        appendfsync,
      });
    }
    return { appendonly, appendfsync };
  } catch (error) {
    warn('could not read the audit Redis persistence settings (CONFIG GET refused); make sure appendonly yes and appendfsync always are set', {
      error: (error as Error).message,
    });
    return { appendonly: null, appendfsync: null };
  }
}

/** A stream entry's audit entry, or null when it is damaged (skipped here, reported by audit:verify). */
function parseStreamEntry(message: { id: string; message: Record<string, string> }): AuditEntry | null {
  return parseEntry(message.message.entry);
}

export class RedisAuditLog implements AuditStore {
  #tail: Promise<unknown> = Promise.resolve();
  #last = { seq: 0, hash: GENESIS_HASH };
  #closed = false;
  #closing: Promise<void> | null = null;
  #entriesRead = 0;
  readonly description: string;
  readonly keys: ReturnType<typeof redisKeys>;

  private constructor(
    private readonly client: RedisClient,
    readonly prefix: string,
    url: string,
    private readonly commandTimeoutMs: number,
  ) {
    this.keys = redisKeys(prefix);
    const safeUrl = url.replace(/\/\/[^@/]*@/, '//');
    this.description = `redis ${safeUrl} (${this.keys.log})`;
  }

  /** A real write to the audit Redis (a short-lived key beside the log), failing fast while it is unreachable. */
  async probe(): Promise<void> {
    if (this.#closed) throw new Error('audit log is closed');
    await withDeadline(this.client.set(`${this.prefix}:ready-probe`, String(Date.now()), { PX: 10_000 }), this.commandTimeoutMs, 'audit readiness probe');
  }

  static async open(options: RedisAuditLogOptions): Promise<RedisAuditLog> {
    const warn = options.onWarning ?? (() => undefined);
    let lastError = '';
    const client = await connectRedis(options.url, {
      failFastTimeoutMs: options.commandTimeoutMs ?? 5000,
      onError: (error) => {
        // One warning per distinct failure, not one per reconnect attempt.
        if (error.message !== lastError) warn('audit Redis connection error', { error: error.message });
        lastError = error.message;
      },
    });
    client.on('ready', () => (lastError = ''));
    await checkRedisDurability(client, warn);
    const log = new RedisAuditLog(client, options.prefix, options.url, options.commandTimeoutMs ?? 5000);
    log.#last = await log.head();
    await buildRedisIndex(client, options.prefix, log.scan());
    return log;
  }

  record(event: AuditEvent): Promise<AuditEntry> {
    // One append at a time per node; nodes race only with each other.
    const append = this.#tail.then(async () => {
      if (this.#closed) throw new Error('audit log is closed');
      for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt += 1) {
        const entry = sealEntry(this.#last, event, new Date());
        const reply = (await withDeadline(this.client.eval(APPEND_SCRIPT, {
          keys: [this.keys.head, this.keys.log, redisIndexKeys(this.prefix).time, ...entryIndexKeys(this.prefix, entry)],
          arguments: [
            String(this.#last.seq),
            this.#last.hash,
            String(entry.seq),
            entry.hash,
            JSON.stringify(entry),
            GENESIS_HASH,
            String(Date.parse(entry.at)),
          ],
        }), this.commandTimeoutMs, 'audit append')) as [number, string?, string?];
        if (reply[0] === 1) {
          this.#last = { seq: entry.seq, hash: entry.hash };
          return entry;
        }
        this.#last = { seq: Number(reply[1]), hash: String(reply[2]) };
      }
      throw new Error('audit append kept losing the race for the chain head');
    });
    this.#tail = append.catch(() => undefined);
    return append;
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const head = (await this.client.hmGet(this.keys.head, ['seq', 'hash'])) as Array<string | null>;
    return head[0] ? { seq: Number(head[0]), hash: head[1] ?? GENESIS_HASH } : { seq: 0, hash: GENESIS_HASH };
  }

  async summary(): Promise<AuditEntry | null> {
    const text = await this.client.get(this.keys.summary);
    return text ? parseEntry(text) : null;
  }

  async entries(): Promise<AuditEntry[]> {
    const all: AuditEntry[] = [];
    for await (const entry of this.scan()) all.push(entry);
    return all;
  }

  /** The stream as stored: id and raw text of each entry, for verification. */
  async *raw(): AsyncIterable<{ id: string; text: string | undefined }> {
    let start = '-';
    for (;;) {
      const batch = (await this.client.xRange(this.keys.log, start, '+', { COUNT: SCAN_BATCH })) ?? [];
      for (const message of batch) yield { id: message.id, text: (message.message as Record<string, string>).entry };
      if (batch.length < SCAN_BATCH) return;
      start = `(${batch.at(-1)!.id}`;
    }
  }

  async *scan(options: ScanOptions = {}): AsyncIterable<AuditEntry> {
    const summary = await this.summary();
    const inRange = (seq: number) =>
      (options.beforeSeq === undefined || seq < options.beforeSeq) && (options.afterSeq === undefined || seq > options.afterSeq);
    if (options.order === 'desc') {
      let end = options.beforeSeq === undefined ? '+' : `(${options.beforeSeq}-0`;
      for (;;) {
        const batch = (await this.client.xRevRange(this.keys.log, end, '-', { COUNT: SCAN_BATCH })) ?? [];
        for (const message of batch) {
          const entry = parseStreamEntry(message as never);
          if (!entry) continue;
          if (options.afterSeq !== undefined && entry.seq <= options.afterSeq) return;
          if (inRange(entry.seq)) yield entry;
        }
        if (batch.length < SCAN_BATCH) break;
        end = `(${batch.at(-1)!.id}`;
      }
      if (summary && inRange(summary.seq)) yield summary;
      return;
    }
    if (summary && inRange(summary.seq)) yield summary;
    let start = options.afterSeq === undefined ? '-' : `(${options.afterSeq}-0`;
    for (;;) {
      const batch = (await this.client.xRange(this.keys.log, start, '+', { COUNT: SCAN_BATCH })) ?? [];
      for (const message of batch) {
        const entry = parseStreamEntry(message as never);
        if (!entry) continue;
        if (options.beforeSeq !== undefined && entry.seq >= options.beforeSeq) return;
        if (inRange(entry.seq)) yield entry;
      }
      if (batch.length < SCAN_BATCH) return;
      start = `(${batch.at(-1)!.id}`;
    }
  }

  get entriesRead(): number {
    return this.#entriesRead;
  }

  find(query: AuditIndexQuery): AsyncIterable<AuditEntry> {
    return findInRedis(this.client, this.prefix, this.keys.log, query, () => (this.#entriesRead += 1));
  }

  async checkpoints(): Promise<AuditCheckpoint[]> {
    return (await this.client.zRange(this.keys.checkpoints, 0, -1)).map((text) => parseCheckpoint(text)).filter((c) => c !== null);
  }

  async addCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    await this.client.zAdd(this.keys.checkpoints, { score: checkpoint.seq, value: JSON.stringify(checkpoint) });
  }

  async replacePrefix(summary: AuditEntry, expected: { summaryToSeq: number | null }): Promise<boolean> {
    if (summary.action !== PURGE_ACTION) throw new Error('replacePrefix takes a purge summary');
    const purged: AuditEntry[] = [];
    for await (const entry of this.scan({ beforeSeq: summary.seq + 1 })) if (entry.action !== PURGE_ACTION) purged.push(entry);
    const done = await this.client.eval(PURGE_SCRIPT, {
      keys: [this.keys.summary, this.keys.log, this.keys.checkpoints],
      arguments: [String(expected.summaryToSeq ?? -1), JSON.stringify(summary), String(summary.seq), summary.hash],
    });
    if (done === 1) await unindexEntries(this.client, this.prefix, purged);
    return done === 1;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#tail;
      this.#closed = true;
      await closeRedisClient(this.client);
    })();
    return this.#closing;
  }
}
