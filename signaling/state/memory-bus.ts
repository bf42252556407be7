import { EventEmitter } from 'node:events';
import { busEvent, type Bus, type BusEvent } from './bus.ts';

/** The single-node bus: delivery is asynchronous, as it is over Redis. */
export class MemoryBus implements Bus {
  readonly #emitter = new EventEmitter<{ event: [BusEvent] }>();

  async publish(event: BusEvent): Promise<void> {
    const parsed = busEvent.parse(event);
    queueMicrotask(() => this.#emitter.emit('event', parsed));
  }

  subscribe(handler: (event: BusEvent) => void): () => void {
    this.#emitter.on('event', handler);
    return () => this.#emitter.off('event', handler);
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners();
  }
}
