// Picks the state backend: Redis when REDIS_URL is set, otherwise in-process memory.
import type { Bus } from './bus.ts';
import { MemoryBus } from './memory-bus.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisBus } from './redis-bus.ts';
import { RedisStore } from './redis-store.ts';
import type { Store } from './store.ts';

export async function createState(redisUrl: string | undefined, onInvalidBusMessage: (raw: string) => void): Promise<{ store: Store; bus: Bus }> {
  if (!redisUrl) return { store: new MemoryStore(), bus: new MemoryBus() };
  const store = await RedisStore.connect(redisUrl);
  try {
    return { store, bus: await RedisBus.connect(store.client, { onInvalid: onInvalidBusMessage }) };
  } catch (error) {
    await store.close();
    throw error;
  }
}
