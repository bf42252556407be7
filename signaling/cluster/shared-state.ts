// Picks the shared state and the node link: Redis when REDIS_URL is set, otherwise in-process memory.
import type { Bus } from '../state/bus.ts';
import { MemoryBus } from '../state/memory-bus.ts';
import { MemoryStore } from '../state/memory-store.ts';
import { RedisBus } from '../state/redis-bus.ts';
import { RedisStore } from '../state/redis-store.ts';
import type { Store } from '../state/store.ts';
import { MemoryLinkHub } from './memory-node-link.ts';
import type { NodeLink } from './node-link.ts';
import { RedisNodeLink } from './redis-node-link.ts';

export interface SharedState {
  store: Store;
  bus: Bus;
  link: NodeLink;
}

export async function createState(redisUrl: string | undefined, nodeId: string, onInvalidBusMessage: (raw: string) => void): Promise<SharedState> {
  if (!redisUrl) return { store: new MemoryStore(), bus: new MemoryBus(), link: new MemoryLinkHub().link(nodeId) };
  const store = await RedisStore.connect(redisUrl);
  try {
    const bus = await RedisBus.connect(store.client, { onInvalid: onInvalidBusMessage });
    return { store, bus, link: await RedisNodeLink.connect(store.client, nodeId) };
  } catch (error) {
    await store.close();
    throw error;
  }
}
