// Chooses and opens the audit store and the incident metadata store from the configuration:
// Redis when REDIS_URL is set, otherwise files in DATA_DIR. Shared by the relay and the CLIs.
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { FileIncidentHistory, RedisIncidentHistory, type IncidentHistory } from '../incident-records/incident-history.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import type { AuditStore } from './audit-log.ts';
import { DAY_MS } from './audit-purge.ts';
import { AuditTrail } from './audit-trail.ts';
import { FileAuditLog } from './file-audit-log.ts';
import { RedisAuditLog } from './redis-audit-log.ts';

export const auditFilePath = (config: Pick<Config, 'DATA_DIR'>): string => join(config.DATA_DIR, 'audit.jsonl');
export const incidentFilePath = (config: Pick<Config, 'DATA_DIR'>): string => join(config.DATA_DIR, 'incidents.jsonl');

export async function openAuditStore(config: Config, logger: FastifyBaseLogger): Promise<AuditStore> {
  const onWarning = (message: string, detail: Record<string, unknown>) => logger.warn(detail, message);
  if (config.REDIS_URL) return RedisAuditLog.open({ url: config.REDIS_URL, prefix: config.AUDIT_REDIS_PREFIX, onWarning });
  return FileAuditLog.open(auditFilePath(config), { fsync: config.AUDIT_FSYNC, onWarning });
}

export async function openIncidentHistory(config: Config, logger: FastifyBaseLogger): Promise<IncidentHistory> {
  if (config.REDIS_URL) {
    return RedisIncidentHistory.open(config.REDIS_URL, config.AUDIT_REDIS_PREFIX, (error) =>
      logger.debug({ err: error }, 'incident history Redis connection error'),
    );
  }
  return FileIncidentHistory.open(incidentFilePath(config));
}

/** The audit trail with checkpoints and retention (jobs not started), and the incident metadata. */
export async function openAuditTrail(
  config: Config,
  keys: SigningKeys,
  node: string,
  logger: FastifyBaseLogger,
  now?: () => number,
): Promise<{ trail: AuditTrail; incidents: IncidentHistory }> {
  const store = await openAuditStore(config, logger);
  let incidents: IncidentHistory;
  try {
    incidents = await openIncidentHistory(config, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const trail = await AuditTrail.open({
    store,
    keys,
    node,
    checkpointEvery: config.AUDIT_CHECKPOINT_EVERY,
    checkpointSeconds: config.AUDIT_CHECKPOINT_SECONDS,
    retentionDays: config.AUDIT_RETENTION_DAYS,
    purgeIntervalSeconds: config.AUDIT_PURGE_INTERVAL_SECONDS,
    logger,
    now,
    afterPurge: async (at) => {
      const removed = await incidents.purge(at.getTime() - config.INCIDENT_RETENTION_DAYS * DAY_MS);
      if (removed > 0) logger.info({ removed }, 'incident metadata past retention purged');
    },
  });
  return { trail, incidents };
}
