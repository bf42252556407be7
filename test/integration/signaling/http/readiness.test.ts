// /readyz fails (503, with reasons) while the node cannot write Redis or its audit store, and is
// ready again once they are back: a real redis-server is stopped and restarted under a relay.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { until } from '../../../helpers/until.ts';

interface Readiness {
  ready: boolean;
  problems: string[];
}

const readyz = async (relay: TestRelay) => relay.api<Readiness>('GET', '/readyz');

describe('/readyz with Redis', () => {
  let redis: TestRedis;
  let relay: TestRelay;
  beforeAll(async () => {
    redis = await startRedis({ durable: true });
    relay = await startRelay({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await relay?.close();
    await redis?.stop();
  });

  it('is ready, fails while redis-server is down, and is ready again once it is back', async () => {
    expect(await readyz(relay)).toEqual({ status: 200, body: expect.objectContaining({ ready: true, problems: [] }) });

    await redis.kill();
    const down = await until(async () => {
      const answer = await readyz(relay);
      return answer.status === 503 && answer.body.problems.length >= 2 ? answer : undefined;
    }, 10_000, 'readiness to fail without Redis');
    expect(down.body.ready).toBe(false);
    expect(down.body.problems).toEqual([expect.stringMatching(/^redis: cannot write \(/), expect.stringMatching(/^audit: cannot write \(/)]);

    await redis.restart();
    await until(async () => (await readyz(relay)).status === 200, 20_000, 'readiness once Redis is back');
    expect((await readyz(relay)).body).toMatchObject({ ready: true, problems: [] });
  });
});

describe('/readyz with the audit file', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startRelay();
  });
  afterAll(async () => relay?.close());

  it('fails once the audit file is gone (appends would be refused), naming it', async () => {
    expect((await readyz(relay)).status).toBe(200);
    await rm(join(relay.dataDir, 'audit.jsonl'));
    const answer = await readyz(relay);
    expect(answer.status).toBe(503);
    expect(answer.body.problems).toEqual([expect.stringMatching(/^audit: cannot write \(the audit file .*audit\.jsonl is gone/)]);
  });
});
