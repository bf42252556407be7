// One mediasoup worker per configured slot. A worker that dies is reported and replaced;
// the rooms it carried are the media plane's business, not the pool's.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

export interface WorkerPoolEvents {
  workerDied: [worker: types.Worker, error: Error];
  workerReplaced: [worker: types.Worker];
  replaceFailed: [error: Error];
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #workers: types.Worker[] = [];
  /** Routers currently placed on each worker, used to pick the least loaded one. */
  readonly #load = new Map<types.Worker, number>();
  #closed = false;

  private constructor(private readonly logLevel: types.WorkerLogLevel) {
    super();
  }

  static async start(size: number, logLevel: types.WorkerLogLevel): Promise<WorkerPool> {
    const pool = new WorkerPool(logLevel);
    try {
      for (let i = 0; i < size; i++) await pool.#spawn();
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get workers(): readonly types.Worker[] {
    return this.#workers;
  }

  /**
   * The live worker carrying the fewest routers, other than those in `avoid`; its load is counted
   * until `release`. Undefined when no such worker is live.
   */
  acquire(avoid: readonly types.Worker[] = []): types.Worker | undefined {
    if (this.#closed) throw new Error('worker pool is closed');
    const worker = this.#workers.filter((w) => !avoid.includes(w)).sort((a, b) => (this.#load.get(a) ?? 0) - (this.#load.get(b) ?? 0))[0];
    if (!worker) return undefined;
    this.#load.set(worker, (this.#load.get(worker) ?? 0) + 1);
    return worker;
  }

  release(worker: types.Worker): void {
    const load = this.#load.get(worker);
    if (load !== undefined) this.#load.set(worker, Math.max(0, load - 1));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#workers) worker.close();
    this.#workers.length = 0;
    this.#load.clear();
  }

  async #spawn(): Promise<types.Worker> {
    const worker = await mediasoup.createWorker({ logLevel: this.logLevel });
    this.#workers.push(worker);
    this.#load.set(worker, 0);
    worker.on('died', (error) => void this.#onDied(worker, error));
    return worker;
  }

  async #onDied(worker: types.Worker, error: Error): Promise<void> {
    const index = this.#workers.indexOf(worker);
    if (index >= 0) this.#workers.splice(index, 1);
    this.#load.delete(worker);
    this.emit('workerDied', worker, error);
    if (this.#closed) return;
    try {
      this.emit('workerReplaced', await this.#spawn());
    } catch (spawnError) {
      this.emit('replaceFailed', spawnError as Error);
    }
  }
}
