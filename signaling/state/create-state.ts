// Picks the state backend: Redis when REDIS_URL is set, otherwise in-process memory.
import { MemoryLinkHub } from '../cluster/memory-node-link.ts';
import type { NodeLink } from '../cluster/node-link.ts';
import { RedisNodeLink } from '../cluster/redis-node-link.ts';
import type { Bus } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisBus } from './redis-bus.ts';
import { RedisStore } from './redis-store.ts';
import type { Store } from './store.ts';

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
