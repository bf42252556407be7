// npm run audit:purge -- [--now ISO_TIME]
//
// Runs the retention purge once, as the relay's periodic job does: audit entries older than
// AUDIT_RETENTION_DAYS are replaced by one signed summary entry (so audit:verify still passes),
// incident metadata older than INCIDENT_RETENTION_DAYS is removed, and evidence recordings that
// ended more than RECORDING_RETENTION_DAYS ago lose their segments unless on legal hold. Uses the relay's environment
// (REDIS_URL or DATA_DIR, SIGNING_KEY_FILE). The audit file has one writer: while the relay runs
// on the same DATA_DIR this refuses, and the relay's own job does the purge. `--now` sets the
// clock (for tests and for purging "as of" a date). Exit status 0 done, 1 refused, 2 error.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { JWK } from 'jose';
import { PurgeRefused } from '../audit/audit-purge.ts';
import { openAuditTrail } from '../audit/open-audit.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { signingKeysFromJwk } from '../tokens/signing-keys.ts';
import { runCli, UsageError, type CliArgs } from './cli-args.ts';
import { RecordingPaths } from '../recording/recording-paths.ts';
import { purgeExpiredRecordings, type RecordingPurgeResult } from '../recording/recording-retention.ts';

const cli = {
  name: 'audit:purge',
  usage: `usage: npm run audit:purge -- [--now ISO_TIME]
Runs the retention purge once with the relay's environment (REDIS_URL or DATA_DIR, SIGNING_KEY_FILE):
audit entries older than AUDIT_RETENTION_DAYS become one signed summary entry, incident metadata
older than INCIDENT_RETENTION_DAYS is removed, and recordings that ended more than
RECORDING_RETENTION_DAYS ago lose their segments (a signed purge record stays) unless on legal hold.
  --now ISO_TIME   purge as of this time instead of now
Exit status: 0 done, 1 refused (the relay holds the audit file), 2 error.`,
  options: { now: { type: 'string' } },
} as const;

async function main({ values, positionals }: CliArgs<typeof cli.options>): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const now = values.now !== undefined ? Date.parse(values.now) : Date.now();
  if (Number.isNaN(now)) throw new UsageError('--now must be an ISO 8601 time');
  const config = loadConfig();
  const log = createLogger({ LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, pino.destination(2));
  const keyPath = config.SIGNING_KEY_FILE ?? join(config.DATA_DIR, 'signing-key.jwk');
  const keys = await signingKeysFromJwk(JSON.parse(await readFile(keyPath, 'utf8')) as JWK);
  const { trail, incidents } = await openAuditTrail({ ...config, AUDIT_PURGE_INTERVAL_SECONDS: 0, AUDIT_CHECKPOINT_SECONDS: 0 }, keys, `${hostname()}:audit-purge:${process.pid}`, log, () => now);
  let recordingsPurged: RecordingPurgeResult | undefined;
  trail.alsoPurge('evidence recordings', async (at) => {
    const paths = new RecordingPaths(config.RECORDING_DIR ?? join(config.DATA_DIR, 'recordings'));
    const source = { ip: null, userAgent: null, node: `${hostname()}:audit-purge` };
    recordingsPurged = await purgeExpiredRecordings({ paths, keys, audit: trail, source, retentionDays: config.RECORDING_RETENTION_DAYS, isRecording: () => false }, at);
  });
  try {
    const result = await trail.purge(new Date(now));
    console.log(
      result.purged > 0
        ? `Purged ${result.purged} audit entries written before ${result.cutoff}; the signed summary now covers seq ${result.summary!.fromSeq}..${result.summary!.toSeq}.`
        : `Nothing to purge: no audit entries written before ${result.cutoff}.`,
    );
    if (recordingsPurged) {
      const { purged, held, cutoff } = recordingsPurged;
      console.log(`Deleted the segments of ${purged.length} recording(s) that ended before ${cutoff}${held.length > 0 ? `; ${held.length} more kept on legal hold (${held.join(', ')})` : ''}.`);
    }
    return 0;
  } catch (error) {
    if (error instanceof PurgeRefused) {
      console.error(`audit:purge: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await trail.close();
    await incidents.close();
  }
}

runCli(cli, main);
