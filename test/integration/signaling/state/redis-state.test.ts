import { afterAll, beforeAll } from 'vitest';
import { RedisBus } from '../../../../signaling/state/redis-bus.ts';
import { RedisStore } from '../../../../signaling/state/redis-store.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { busContract, storeContract } from './state-contract.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => redis.stop());

storeContract('redis', async () => {
  await redis.flush();
  return { store: await RedisStore.connect(redis.url), cleanup: async () => undefined };
});

// Two nodes: two stores (connections) and two buses on the same Redis.
busContract('redis', async () => {
  const [one, two] = [await RedisStore.connect(redis.url), await RedisStore.connect(redis.url)];
  const buses: [RedisBus, RedisBus] = [await RedisBus.connect(one.client), await RedisBus.connect(two.client)];
  return {
    buses,
    cleanup: async () => {
      await one.close();
      await two.close();
    },
  };
});
