// Incident metadata kept after an incident ends (agency, officer, start, end, note), for access
// reports, until INCIDENT_RETENTION_DAYS have passed since it ended. Kept next to the audit trail:
// DATA_DIR/incidents.jsonl, or a Redis hash when REDIS_URL is set.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { appendLine, readLines, replaceFile } from '../infra/append-only-file.ts';
import { closeRedisClient, connectRedis, type RedisClient } from '../infra/redis-client.ts';
import type { Incident as LiveIncidentRecord } from './incident-repository.ts';

/** What the history keeps of a live incident. */
type Incident = Pick<LiveIncidentRecord, 'id' | 'agencyId' | 'officerId' | 'startedAt' | 'note'>;

export interface IncidentRecord {
  id: string;
  agencyId: string;
  officerId: string;
  startedAt: number;
  endedAt: number | null;
  endReason: string | null;
  note: string | null;
}

export interface IncidentHistory {
  started(incident: Incident): Promise<void>;
  ended(incidentId: string, endedAt: number, reason: string): Promise<void>;
  get(incidentId: string): Promise<IncidentRecord | undefined>;
  /** Removes incidents that ended (or, never ended, started) before `before`; returns how many. */
  purge(before: number): Promise<number>;
  close(): Promise<void>;
}

const expired = (record: IncidentRecord, before: number) => (record.endedAt ?? record.startedAt) < before;

const recordOf = (incident: Incident): IncidentRecord => ({
  id: incident.id,
  agencyId: incident.agencyId,
  officerId: incident.officerId,
  startedAt: incident.startedAt,
  endedAt: null,
  endReason: null,
  note: incident.note,
});

/** JSON lines of whole records, the last line for an id wins; a purge rewrites the file. */
export class FileIncidentHistory implements IncidentHistory {
  readonly #records = new Map<string, IncidentRecord>();
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<FileIncidentHistory> {
    await mkdir(dirname(path), { recursive: true });
    const history = new FileIncidentHistory(path);
    for (const { text } of await readLines(path)) {
      try {
        const record = JSON.parse(text) as IncidentRecord;
        history.#records.set(record.id, record);
      } catch {
        // an append cut short by a crash: the previous line for that incident stands
      }
    }
    return history;
  }

  started(incident: Incident): Promise<void> {
    return this.#write(recordOf(incident));
  }

  ended(incidentId: string, endedAt: number, reason: string): Promise<void> {
    const record = this.#records.get(incidentId);
    return record ? this.#write({ ...record, endedAt, endReason: reason }) : Promise.resolve();
  }

  async get(incidentId: string): Promise<IncidentRecord | undefined> {
    return this.#records.get(incidentId);
  }

  purge(before: number): Promise<number> {
    return this.#serial(async () => {
      const gone = [...this.#records.values()].filter((record) => expired(record, before));
      if (gone.length === 0) return 0;
      for (const record of gone) this.#records.delete(record.id);
      await replaceFile(this.path, [...this.#records.values()].map((record) => `${JSON.stringify(record)}\n`).join(''));
      return gone.length;
    });
  }

  async close(): Promise<void> {
    await this.#tail;
  }

  #write(record: IncidentRecord): Promise<void> {
    this.#records.set(record.id, record);
    return this.#serial(() => appendLine(this.path, JSON.stringify(record)));
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

/** A Redis hash, id → record JSON, shared by every node. */
export class RedisIncidentHistory implements IncidentHistory {
  readonly #pending = new Set<Promise<unknown>>();

  private constructor(
    private readonly client: RedisClient,
    private readonly key: string,
  ) {}

  static async open(url: string, prefix: string, onError?: (error: Error) => void): Promise<RedisIncidentHistory> {
    return new RedisIncidentHistory(await connectRedis(url, { failFastTimeoutMs: 5000, onError }), `{${prefix}}:incidents`);
  }

  started(incident: Incident): Promise<void> {
    return this.#track(this.client.hSet(this.key, incident.id, JSON.stringify(recordOf(incident))));
  }

  ended(incidentId: string, endedAt: number, reason: string): Promise<void> {
    return this.#track(
      (async () => {
        const record = await this.get(incidentId);
        if (record) await this.client.hSet(this.key, incidentId, JSON.stringify({ ...record, endedAt, endReason: reason }));
      })(),
    );
  }

  /** Writes still in flight are finished before close. */
  async #track(write: Promise<unknown>): Promise<void> {
    this.#pending.add(write);
    try {
      await write;
    } finally {
      this.#pending.delete(write);
    }
  }

  async get(incidentId: string): Promise<IncidentRecord | undefined> {
    const text = await this.client.hGet(this.key, incidentId);
    return text ? (JSON.parse(text) as IncidentRecord) : undefined;
  }

  async purge(before: number): Promise<number> {
    const gone: string[] = [];
    for await (const entries of this.client.hScanIterator(this.key)) {
      for (const { field, value } of entries) {
        try {
          if (expired(JSON.parse(value) as IncidentRecord, before)) gone.push(field);
        } catch {
          gone.push(field);
        }
      }
    }
    if (gone.length > 0) await this.client.hDel(this.key, gone);
    return gone.length;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    await closeRedisClient(this.client);
  }
}
