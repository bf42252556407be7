import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../../../signaling/audit/redis-audit-log.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { auditStoreContract, event } from './audit-store-contract.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis({ durable: true });
});
afterAll(async () => redis?.stop());

auditStoreContract('Redis store', () => ({
  sharedWriters: true,
  reset: () => redis.flush(),
  open: () => RedisAuditLog.open({ url: redis.url, prefix: 'test:audit', commandTimeoutMs: 2000 }),
  breakStore: () => redis.kill(),
  repair: () => redis.restart(),
}));

describe('Redis store specifics', () => {
  it('warns at startup when the audit Redis does not fsync every write', async () => {
    const plain = await startRedis();
    try {
      const warnings: string[] = [];
      const log = await RedisAuditLog.open({ url: plain.url, prefix: 'test:audit', onWarning: (message) => warnings.push(message) });
      expect(warnings).toEqual([expect.stringContaining('appendonly off')]);
      await log.close();
    } finally {
      await plain.stop();
    }
    const warnings: string[] = [];
    const durable = await RedisAuditLog.open({ url: redis.url, prefix: 'test:audit', onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([]);
    await durable.close();
  });

  it('keeps entries under stream ids equal to their seq, in one hash slot', async () => {
    await redis.flush();
    const log = await RedisAuditLog.open({ url: redis.url, prefix: 'test:audit' });
    await log.record(event('a'));
    await log.record(event('b'));
    const ids: string[] = [];
    for await (const { id } of log.raw()) ids.push(id);
    expect(ids).toEqual(['1-0', '2-0']);
    expect(log.keys.log).toBe('{test:audit}:log');
    await log.close();
  });

  it('refuses to start when Redis cannot be reached', async () => {
    await expect(RedisAuditLog.open({ url: 'redis://127.0.0.1:1', prefix: 'x' })).rejects.toThrow();
  });
});
