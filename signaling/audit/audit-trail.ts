// The audit trail as the control plane runs it: a store (file or Redis) plus signed checkpoints
// of the chain head every N entries and every T seconds (and at shutdown), and the retention
// purge job. It is the AuditLog the Auditor writes to.
import type { FastifyBaseLogger } from 'fastify';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import type { AuditEntry, AuditEvent } from './audit-entry.ts';
import type { AuditIndexQuery } from './audit-index.ts';
import type { AuditLog, AuditStore, ScanOptions } from './audit-log.ts';
import { purgeExpiredEntries, type PurgeResult } from './audit-purge.ts';
import { signCheckpoint, type AuditCheckpoint } from './audit-signatures.ts';

export interface AuditTrailOptions {
  store: AuditStore;
  keys: SigningKeys;
  node: string;
  /** Sign a checkpoint when an entry's seq is a multiple of this (0: never by count). */
  checkpointEvery: number;
  /** Also sign one this often when the head moved (0: never by time). */
  checkpointSeconds: number;
  retentionDays: number;
  /** How often the purge job runs (0: only on demand). */
  purgeIntervalSeconds: number;
  logger: FastifyBaseLogger;
  now?: () => number;
  /** Runs after each purge of the audit entries (incident metadata retention). */
  afterPurge?: (now: Date) => Promise<void>;
}

export class AuditTrail implements AuditLog {
  /**
   * The agency of a live or recently ended incident: entries about an incident get it as
   * `target.agencyId`, so reports can be scoped by agency. Set by the services once they exist.
   */
  agencyOfIncident: (incidentId: string) => string | undefined | Promise<string | undefined> = () => undefined;
  #lastCheckpointSeq = 0;
  #timers: NodeJS.Timeout[] = [];
  #checkpointing: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** Other retention work run with each purge (evidence recordings). */
  readonly #retentionJobs: Array<{ name: string; run: (now: Date) => Promise<void> }> = [];

  private constructor(private readonly options: AuditTrailOptions) {}

  static async open(options: AuditTrailOptions): Promise<AuditTrail> {
    const trail = new AuditTrail(options);
    const checkpoints = await options.store.checkpoints();
    trail.#lastCheckpointSeq = checkpoints.reduce((max, c) => Math.max(max, c.seq), 0);
    return trail;
  }

  probe(): Promise<void> {
    return this.options.store.probe?.() ?? Promise.resolve();
  }

  get store(): AuditStore {
    return this.options.store;
  }

  /** Starts the periodic checkpoint and purge jobs (timers do not keep the process alive). */
  start(): void {
    const { checkpointSeconds, purgeIntervalSeconds } = this.options;
    if (checkpointSeconds > 0) {
      this.#timers.push(setInterval(() => void this.checkpoint(), checkpointSeconds * 1000).unref());
    }
    if (purgeIntervalSeconds > 0) {
      const run = () => void this.purge().catch((error) => this.options.logger.error({ err: error }, 'audit purge failed'));
      this.#timers.push(setTimeout(run, Math.min(10_000, purgeIntervalSeconds * 1000)).unref());
      this.#timers.push(setInterval(run, purgeIntervalSeconds * 1000).unref());
    }
  }

  async record(event: AuditEvent): Promise<AuditEntry> {
    const entry = await this.options.store.record(await this.#withAgency(event));
    const every = this.options.checkpointEvery;
    if (every > 0 && entry.seq % every === 0) await this.checkpoint(entry);
    return entry;
  }

  /**
   * Signs and stores a checkpoint of `head` (default: the store's current head) unless one at or
   * past it exists. Failures are logged: the entries themselves are already durable.
   */
  checkpoint(head?: { seq: number; hash: string }): Promise<AuditCheckpoint | null> {
    const run = this.#checkpointing.then(async () => {
      try {
        const at = head ?? (await this.options.store.head());
        if (at.seq === 0 || at.seq <= this.#lastCheckpointSeq) return null;
        const checkpoint = await signCheckpoint(this.options.keys, at, this.options.node, new Date(this.#now()));
        await this.options.store.addCheckpoint(checkpoint);
        this.#lastCheckpointSeq = checkpoint.seq;
        return checkpoint;
      } catch (error) {
        this.options.logger.error({ err: error }, 'could not store an audit checkpoint');
        return null;
      }
    });
    this.#checkpointing = run;
    return run;
  }

  /** Runs `run` with every retention purge, after the audit entries' (which it does not depend on). */
  alsoPurge(name: string, run: (now: Date) => Promise<void>): void {
    this.#retentionJobs.push({ name, run });
  }

  /**
   * Removes entries older than the retention period, leaving a signed summary in their place; then
   * the other retention work runs, each job on its own (one failing stops none of the others).
   */
  async purge(now: Date = new Date(this.#now())): Promise<PurgeResult> {
    try {
      const result = await purgeExpiredEntries(this.options.store, {
        keys: this.options.keys,
        node: this.options.node,
        retentionDays: this.options.retentionDays,
        now,
      });
      if (result.purged > 0) {
        this.options.logger.info({ purged: result.purged, summary: result.summary, cutoff: result.cutoff }, 'audit entries past retention purged');
      }
      return result;
    } finally {
      const jobs = [...(this.options.afterPurge ? [{ name: 'incident metadata', run: this.options.afterPurge }] : []), ...this.#retentionJobs];
      for (const job of jobs) {
        await job.run(now).catch((error: unknown) => this.options.logger.error({ err: error, job: job.name }, 'retention job failed'));
      }
    }
  }

  entries(): Promise<AuditEntry[]> {
    return this.options.store.entries();
  }

  scan(options?: ScanOptions): AsyncIterable<AuditEntry> {
    return this.options.store.scan(options);
  }

  find(query: AuditIndexQuery): AsyncIterable<AuditEntry> {
    return this.options.store.find(query);
  }

  /** Stops the jobs, checkpoints the final head, and closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    await this.checkpoint();
    await this.options.store.close();
  }

  async #withAgency(event: AuditEvent): Promise<AuditEvent> {
    const { incidentId, agencyId } = event.target;
    if (!incidentId || agencyId) return event;
    const agency = await Promise.resolve(this.agencyOfIncident(incidentId)).catch(() => undefined);
    return agency ? { ...event, target: { ...event.target, agencyId: agency } } : event;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}
