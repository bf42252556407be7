// Incident metadata retention: the purge job removes incidents that ended (or, never ended,
// started) more than INCIDENT_RETENTION_DAYS ago, in the file store and in Redis.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../signaling/audit/audit-purge.ts';
import { openAuditTrail, openIncidentHistory } from '../../../../signaling/audit/open-audit.ts';
import { loadConfig } from '../../../../signaling/config.ts';
import { createLogger } from '../../../../signaling/logger.ts';
import { loadOrCreateSigningKeys } from '../../../../signaling/tokens/signing-keys.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';

const silent = createLogger({ LOG_LEVEL: 'silent' });
const incident = (id: string, startedAt: number) => ({ id, agencyId: 'metro-police', officerId: 'u-officer-reyes', startedAt, helpRequested: false, note: `note of ${id}` });

describe.each(['file', 'redis'] as const)('incident metadata retention (%s)', (store) => {
  let dir: string;
  let redis: TestRedis | null = null;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-incidents-'));
    if (store === 'redis') redis = await startRedis({ durable: true });
  });
  afterAll(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps incidents for INCIDENT_RETENTION_DAYS after they end (injected clock), across restarts', async () => {
    const config = loadConfig({ DATA_DIR: dir, INCIDENT_RETENTION_DAYS: '30', ...(redis ? { REDIS_URL: redis.url } : {}) });
    const keys = await loadOrCreateSigningKeys(join(dir, 'signing-key.jwk'));
    const now = Date.parse('2031-06-01T00:00:00Z');
    const { trail, incidents } = await openAuditTrail(config, keys, 'test', silent, () => now);
    await incidents.started(incident('inc-old', now - 40 * DAY_MS));
    await incidents.ended('inc-old', now - 31 * DAY_MS, 'INCIDENT_ENDED');
    await incidents.started(incident('inc-recent', now - 40 * DAY_MS));
    await incidents.ended('inc-recent', now - 29 * DAY_MS, 'GRANT_EXPIRED');
    await incidents.started(incident('inc-live', now - DAY_MS));
    await incidents.started(incident('inc-abandoned', now - 60 * DAY_MS)); // never ended (a crash)

    expect(await incidents.get('inc-recent')).toEqual({
      id: 'inc-recent',
      agencyId: 'metro-police',
      officerId: 'u-officer-reyes',
      startedAt: now - 40 * DAY_MS,
      endedAt: now - 29 * DAY_MS,
      endReason: 'GRANT_EXPIRED',
      note: 'note of inc-recent',
    });
    await trail.purge(new Date(now));
    expect(await incidents.get('inc-old')).toBeUndefined();
    expect(await incidents.get('inc-abandoned')).toBeUndefined();
    expect(await incidents.get('inc-recent')).toBeDefined();
    expect(await incidents.get('inc-live')).toMatchObject({ endedAt: null });
    await trail.close();
    await incidents.close();

    const reopened = await openIncidentHistory(config, silent);
    expect(await reopened.get('inc-old')).toBeUndefined();
    expect(await reopened.get('inc-recent')).toMatchObject({ endReason: 'GRANT_EXPIRED' });
    expect(await reopened.purge(now - 28 * DAY_MS)).toBe(1); // a cutoff past inc-recent's end
    expect(await reopened.get('inc-live')).toBeDefined();
    await reopened.close();
  });
});
