// The bus on Redis pub/sub: one channel, a dedicated subscriber connection.
import { EventEmitter } from 'node:events';
import { busEvent, type Bus, type BusEvent } from './bus.ts';
import { closeRedisClient, type RedisClient } from '../infra/redis-client.ts';

export class RedisBus implements Bus {
  readonly #emitter = new EventEmitter<{ event: [BusEvent] }>();
  #closed = false;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    private readonly onInvalid: (raw: string) => void,
  ) {}

  /** Subscribes on a duplicate of `client`; `client` is used for publishing and not closed here. */
  static async connect(client: RedisClient, options: { channel?: string; onInvalid?: (raw: string) => void } = {}): Promise<RedisBus> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    const bus = new RedisBus(client, subscriber, options.channel ?? 'sightline:bus', options.onInvalid ?? (() => undefined));
    await subscriber.subscribe(bus.channel, (message) => bus.#deliver(message));
    return bus;
  }

  async publish(event: BusEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(busEvent.parse(event)));
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    this.#emitter.on('event', handler);
    return () => this.#emitter.off('event', handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#emitter.removeAllListeners();
    await closeRedisClient(this.subscriber);
  }

  #deliver(message: string): void {
    let parsed: BusEvent;
    try {
      parsed = busEvent.parse(JSON.parse(message));
    } catch {
      this.onInvalid(message);
      return;
    }
    this.#emitter.emit('event', parsed);
  }
}
