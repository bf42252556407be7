// Two relay nodes on one real Redis, sharing a signing key: any node serves any request. For the
// tests that prove something holds across nodes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../signaling/config.ts';
import { startRedis, type TestRedis } from './redis-server.ts';
import { startRelay, type TestRelay } from './relay.ts';
import { until } from './until.ts';

export interface TwoNodes {
  redis: TestRedis;
  a: TestRelay;
  b: TestRelay;
  close(): Promise<void>;
}

/** Starts node-a and node-b on a fresh Redis (`durable`: AOF, fsync every write), and waits until each sees the other. */
export async function startTwoNodes(overrides: Partial<Record<keyof ConfigInput, string>> = {}, options: { durable?: boolean } = {}): Promise<TwoNodes> {
  const redis = await startRedis({ durable: options.durable ?? false });
  const keyFile = join(await mkdtemp(join(tmpdir(), 'sightline-key-')), 'signing-key.jwk');
  const shared = { REDIS_URL: redis.url, SIGNING_KEY_FILE: keyFile, NODE_HEARTBEAT_MS: '200', NODE_TIMEOUT_MS: '1000', ...overrides };
  const a = await startRelay({ ...shared, NODE_ID: 'node-a' });
  const b = await startRelay({ ...shared, NODE_ID: 'node-b' });
  await until(async () => (await b.services.cluster.nodes()).length === 2, 5000, 'both nodes registered');
  return {
    redis,
    a,
    b,
    async close() {
      await b.close();
      await a.close();
      await redis.stop();
    },
  };
}
