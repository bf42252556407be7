// The media plane: workers, and one room (router) per live incident.
// The control plane drives it through this class and never touches mediasoup directly;
// the media plane knows nothing about users, tokens or grants.
import { EventEmitter } from 'node:events';
import { MediaError, mediaCall } from './media-errors.ts';
import { MEDIA_CODECS, type MediaPlaneOptions } from './media-options.ts';
import { PortBudget } from './port-budget.ts';
import { MediaRoom, type RouterSupply } from './media-room.ts';
import type { RoomCloseReason, StreamSample, WorkerSample } from './media-types.ts';
import { WorkerPool } from './worker-pool.ts';

export interface MediaPlaneEvents {
  roomClosed: [incidentId: string, reason: RoomCloseReason];
  workerDied: [pid: number, error: Error];
  workerReplaced: [pid: number];
}

export interface MediaPlaneStats {
  workers: number;
  rooms: number;
  consumers: number;
}

export interface MediaSample extends MediaPlaneStats {
  transports: number;
  workerUsage: WorkerSample[];
  inbound: StreamSample[];
  outbound: StreamSample[];
}

export class MediaPlane extends EventEmitter<MediaPlaneEvents> {
  readonly #rooms = new Map<string, MediaRoom>();
  /** The node's WebRTC ports: every room's transports draw on them. */
  readonly ports: PortBudget;
  #closed = false;

  private constructor(
    private readonly pool: WorkerPool,
    private readonly options: MediaPlaneOptions,
    readonly rtpCapabilities: unknown,
  ) {
    super();
    this.ports = PortBudget.forRange(options.portRange);
    pool.on('workerDied', (worker, error) => {
      // A router's observer closes with its worker; rooms also check here in case the
      // worker died before their router was observed.
      for (const room of [...this.#rooms.values()]) if (room.workers().includes(worker)) room.close('worker-died');
      this.emit('workerDied', worker.pid, error);
    });
    pool.on('workerReplaced', (worker) => this.emit('workerReplaced', worker.pid));
  }

  static async start(options: MediaPlaneOptions): Promise<MediaPlane> {
    const pool = await WorkerPool.start(options.workers, options.logLevel);
    try {
      // Every router offers the same codecs, so one probe router gives the capabilities clients load.
      const worker = pool.acquire();
      if (!worker) throw new Error('no mediasoup worker started');
      const probe = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
      const rtpCapabilities = probe.rtpCapabilities;
      probe.close();
      pool.release(worker);
      return new MediaPlane(pool, options, rtpCapabilities);
    } catch (error) {
      pool.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Opens the room for an incident on the least loaded worker. */
  async openRoom(incidentId: string): Promise<MediaRoom> {
    if (this.#closed) throw new MediaError('ROOM_CLOSED', 'the media plane is shutting down');
    const existing = this.#rooms.get(incidentId);
    if (existing) return existing;
    const primary = await this.#supply.acquire([]);
    if (!primary) throw new MediaError('MEDIA_ERROR', 'no live mediasoup worker');
    const room = new MediaRoom(incidentId, primary, this.options, this.#supply, this.ports);
    this.#rooms.set(incidentId, room);
    room.once('closed', (reason) => {
      this.#rooms.delete(incidentId);
      this.emit('roomClosed', incidentId, reason);
    });
    return room;
  }

  /** Routers for rooms, on the least loaded worker (avoiding the room's own workers when others exist). */
  readonly #supply: RouterSupply = {
    acquire: async (busy) => {
      const worker = this.pool.acquire(busy);
      if (!worker) return undefined;
      try {
        return { worker, router: await mediaCall('createRouter', () => worker.createRouter({ mediaCodecs: MEDIA_CODECS })) };
      } catch (error) {
        this.pool.release(worker);
        throw error;
      }
    },
    release: (slot) => this.pool.release(slot.worker),
  };

  room(incidentId: string): MediaRoom | undefined {
    return this.#rooms.get(incidentId);
  }

  closeRoom(incidentId: string, reason: RoomCloseReason = 'ended'): void {
    this.#rooms.get(incidentId)?.close(reason);
  }

  stats(): MediaPlaneStats {
    let consumers = 0;
    for (const room of this.#rooms.values()) consumers += room.consumerCount();
    return { workers: this.pool.workers.length, rooms: this.#rooms.size, consumers };
  }

  /** Everything the metrics endpoint reports, read from the workers now. */
  async sample(): Promise<MediaSample> {
    const peers = [...this.#rooms.values()].flatMap((room) => room.peers());
    const streams = await Promise.all(peers.map((peer) => peer.streamStats()));
    const workerUsage = await Promise.all(
      this.pool.workers.map(async (worker) => {
        const usage = await worker.getResourceUsage().catch(() => ({ ru_utime: 0, ru_stime: 0, ru_maxrss: 0 }));
        return { pid: worker.pid, cpuSeconds: (usage.ru_utime + usage.ru_stime) / 1000, maxRssBytes: usage.ru_maxrss * 1024 };
      }),
    );
    return {
      ...this.stats(),
      transports: peers.reduce((n, peer) => n + peer.transportCount(), 0),
      workerUsage,
      inbound: streams.flatMap((s) => s.inbound),
      outbound: streams.flatMap((s) => s.outbound),
    };
  }

  workerPids(): number[] {
    return this.pool.workers.map((worker) => worker.pid);
  }

  /** Closes every room, then the workers. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#rooms.values()]) room.close('shutdown');
    this.#rooms.clear();
    this.pool.close();
    this.removeAllListeners();
  }
}
