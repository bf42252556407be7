// Everything the HTTP routes and signalling handlers share, built once at startup and closed once.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { MediaPlane } from '../server/media-plane.ts';
import type { AuditSource } from './audit/audit-entry.ts';
import { Auditor } from './audit/auditor.ts';
import { openAuditTrail } from './audit/open-audit.ts';
import type { Config } from './config.ts';
import { MemoryDirectory, type Directory } from './identity/directory.ts';
import { LoginLockout } from './identity/login-lockout.ts';
import { SessionStore } from './identity/sessions.ts';
import type { IncidentHistory } from './incidents/incident-history.ts';
import { IncidentRegistry } from './incidents/incident-registry.ts';
import { LiveIncidents } from './live/live-incidents.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './tokens/signing-keys.ts';

export interface Services {
  config: Config;
  nodeId: string;
  directory: Directory;
  sessions: SessionStore;
  lockout: LoginLockout;
  keys: SigningKeys;
  media: MediaPlane;
  live: LiveIncidents;
  audit: Auditor;
  /** Metadata of live and ended incidents, kept for INCIDENT_RETENTION_DAYS (access reports). */
  incidentHistory: IncidentHistory;
  /** True once shutdown began: no new incidents are taken. */
  draining: boolean;
  /** Set once the HTTP server listens: the base of links handed out. */
  publicUrl: string;
  source(ip: string | null, userAgent: string | null): AuditSource;
  close(): Promise<void>;
}

export interface ServicesOptions {
  /** The clock for session timeouts and retention (tests inject one). */
  now?: () => number;
}

/** Incidents ended recently, so late entries about them (a leave, an expiry) still get their agency. */
const RECENTLY_ENDED_MAX = 10_000;

export async function createServices(config: Config, log: FastifyBaseLogger, options: ServicesOptions = {}): Promise<Services> {
  const nodeId = `${hostname()}:${process.pid}`;
  const directory = await MemoryDirectory.fromFile(config.SEED_FILE);
  const keys = await loadOrCreateSigningKeys(config.SIGNING_KEY_FILE ?? join(config.DATA_DIR, 'signing-key.jwk'));
  const { trail: auditLog, incidents: incidentHistory } = await openAuditTrail(config, keys, nodeId, log, options.now);
  const recentlyEnded = new Map<string, string>();
  const audit = new Auditor(auditLog, log);
  auditLog.agencyOfIncident = (incidentId) => live.get(incidentId)?.incident.agencyId ?? recentlyEnded.get(incidentId);
  const media = await MediaPlane.start({
    workers: config.MEDIA_WORKERS,
    listenIp: config.MEDIA_LISTEN_IP,
    announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS,
    portRange: { min: config.RTC_MIN_PORT, max: config.RTC_MAX_PORT },
    maxTransportsPerPeer: config.MAX_TRANSPORTS_PER_CONNECTION,
    logLevel: config.MEDIA_LOG_LEVEL,
    initialAvailableOutgoingBitrate: 1_000_000,
  }).catch(async (error: unknown) => {
    await auditLog.close();
    await incidentHistory.close();
    throw error;
  });
  const source = (ip: string | null, userAgent: string | null): AuditSource => ({ ip, userAgent, node: nodeId });
  media.on('workerDied', (pid, error) => log.error({ pid, err: error }, 'mediasoup worker died; its incidents were ended'));
  media.on('workerReplaced', (pid) => log.warn({ pid }, 'mediasoup worker replaced'));
  const live = new LiveIncidents(new IncidentRegistry(), media, {
    onError: (error, context) => log.warn({ err: error, context }, 'media setup failed'),
    onStarted: (incident) =>
      void incidentHistory.started(incident).catch((error) => log.error({ err: error }, 'could not store incident metadata')),
    onEnded: (incident, code, by) => {
      recentlyEnded.set(incident.id, incident.agencyId);
      if (recentlyEnded.size > RECENTLY_ENDED_MAX) recentlyEnded.delete(recentlyEnded.keys().next().value!);
      void incidentHistory
        .ended(incident.id, Date.now(), code)
        .catch((error) => log.error({ err: error }, 'could not store incident metadata'));
      void audit.note({
        action: 'incident.end',
        outcome: by ? 'allowed' : 'info',
        actor: by?.actor ?? null,
        target: { incidentId: incident.id },
        source: by?.source ?? source(null, null),
        reason: code,
      });
    },
  });
  const sessions = new SessionStore(
    { idleMs: config.SESSION_IDLE_SECONDS * 1000, maxMs: config.SESSION_MAX_SECONDS * 1000 },
    options.now,
    (session, cause) => {
      const user = directory.userById(session.userId);
      void audit.note({
        action: 'session.expire',
        outcome: 'info',
        actor: user ? { id: user.id, role: user.role, agencyId: user.agencyId } : null,
        target: { userId: session.userId },
        source: source(null, null),
        reason: cause === 'idle' ? 'SESSION_IDLE_TIMEOUT' : 'SESSION_MAX_LIFETIME',
        detail: { lastSeenAt: new Date(session.lastSeenAt).toISOString() },
      });
    },
  );
  auditLog.start();
  const sweeper = setInterval(() => sessions.sweep(), 60_000).unref();
  let closed = false;
  return {
    config,
    nodeId,
    directory,
    sessions,
    lockout: new LoginLockout(),
    keys,
    media,
    live,
    audit,
    incidentHistory,
    draining: false,
    publicUrl: `http://127.0.0.1:${config.PORT}`,
    source,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      live.endAll('SERVER_SHUTTING_DOWN');
      media.close();
      await auditLog.close();
      await incidentHistory.close();
    },
  };
}
