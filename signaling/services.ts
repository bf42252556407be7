// Everything the HTTP routes and signalling handlers share, built once at startup and closed once.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { MediaPlane } from '../server/media-plane.ts';
import { canSeeIncident } from './access/policy.ts';
import { AgreementRepository } from './agreements/agreement-repository.ts';
import type { AuditSource } from './audit/audit-entry.ts';
import { Auditor } from './audit/auditor.ts';
import { FileAuditLog } from './audit/file-audit-log.ts';
import type { Config } from './config.ts';
import { ConsoleHub } from './console/console-hub.ts';
import { GrantRepository } from './grants/grant-repository.ts';
import { GrantService } from './grants/grant-service.ts';
import { actorOf, Directory } from './identity/directory.ts';
import { LoginLockout } from './identity/login-lockout.ts';
import { SessionStore } from './identity/sessions.ts';
import { IncidentRepository } from './incidents/incident-repository.ts';
import { LiveIncidents } from './live/live-incidents.ts';
import type { Bus } from './state/bus.ts';
import { createState } from './state/create-state.ts';
import type { Store } from './state/store.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './tokens/signing-keys.ts';
import { turnSettings, type TurnSettings } from './turn/turn-credentials.ts';
import { ResumeRegistry } from './ws/resume-registry.ts';
import type { SignalingConnection } from './ws/connection.ts';

export interface Services {
  config: Config;
  nodeId: string;
  store: Store;
  bus: Bus;
  directory: Directory;
  sessions: SessionStore;
  lockout: LoginLockout;
  keys: SigningKeys;
  media: MediaPlane;
  incidents: IncidentRepository;
  grants: GrantRepository;
  agreements: AgreementRepository;
  grantService: GrantService;
  live: LiveIncidents;
  consoles: ConsoleHub;
  audit: Auditor;
  /** Seats of dropped signalling connections that may still be resumed (this node). */
  resumes: ResumeRegistry<SignalingConnection>;
  /** TURN REST credentials are minted with these; null without TURN. */
  turn: TurnSettings | null;
  /** True once shutdown began: no new incidents are taken. */
  draining: boolean;
  /** Set once the HTTP server listens: the base of links handed out. */
  publicUrl: string;
  source(ip: string | null, userAgent: string | null): AuditSource;
  close(): Promise<void>;
}

export async function createServices(config: Config, log: FastifyBaseLogger): Promise<Services> {
  const nodeId = `${hostname()}:${process.pid}`;
  const source = (ip: string | null, userAgent: string | null): AuditSource => ({ ip, userAgent, node: nodeId });
  const { store, bus } = await createState(config.REDIS_URL, (raw) => log.warn({ raw: raw.slice(0, 200) }, 'ignored a malformed bus message'));
  const directory = new Directory(store);
  const agreements = new AgreementRepository(store);
  const seed = await Directory.loadSeed(config.SEED_FILE);
  await directory.seed(seed);
  for (const agreement of seed.agreements) {
    if (!(await agreements.list()).some((a) => a.id === agreement.id)) await agreements.create({ ...agreement, createdBy: 'seed' });
  }
  const keys: SigningKeys = await loadOrCreateSigningKeys(config.SIGNING_KEY_FILE ?? join(config.DATA_DIR, 'signing-key.jwk'));
  const auditLog = await FileAuditLog.open(join(config.DATA_DIR, 'audit.jsonl'), { fsync: config.AUDIT_FSYNC });
  const audit = new Auditor(auditLog, log);
  const media = await MediaPlane.start({
    workers: config.MEDIA_WORKERS,
    listenIp: config.MEDIA_LISTEN_IP,
    announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS,
    portRange: { min: config.RTC_MIN_PORT, max: config.RTC_MAX_PORT },
    maxTransportsPerPeer: config.MAX_TRANSPORTS_PER_CONNECTION,
    logLevel: config.MEDIA_LOG_LEVEL,
    initialAvailableOutgoingBitrate: 1_000_000,
  });
  media.on('workerDied', (pid, error) => log.error({ pid, err: error }, 'mediasoup worker died; its incidents were ended'));
  media.on('workerReplaced', (pid) => log.warn({ pid }, 'mediasoup worker replaced'));

  const incidents = new IncidentRepository(store);
  const grants = new GrantRepository(store);
  const services = {} as Services;
  const grantService = new GrantService({
    grants,
    incidents,
    agreements,
    directory,
    keys,
    audit,
    bus,
    issuer: config.TOKEN_ISSUER,
    maxTtlSeconds: config.GRANT_MAX_TTL_SECONDS,
    publicUrl: () => services.publicUrl,
  });
  const live = new LiveIncidents(incidents, media, bus, nodeId, {
    onError: (error, context) => log.warn({ err: error, context }, 'live incident error'),
    onEnded: async (incidentId, code, by) => {
      await audit.note({
        action: 'incident.end',
        outcome: by ? 'allowed' : 'info',
        actor: by?.actor ?? null,
        target: { incidentId },
        source: by?.source ?? source(null, null),
        reason: code,
      });
      await grantService.endAllForIncident(incidentId, by?.source ?? source(null, null));
    },
  });
  const consoles = new ConsoleHub({ directory, grants, grantService, incidents, agreements }, bus, log);

  // A withdrawn agreement also ends supervisors' cross-agency watching on this node.
  bus.subscribe((event) => {
    if (event.type !== 'agreements.changed') return;
    void (async () => {
      const active = await agreements.active();
      for (const incident of live.all()) {
        const record = await incidents.find(incident.incident.id);
        if (!record) continue;
        for (const participant of incident.participants()) {
          if (participant.info.role !== 'supervisor') continue;
          const user = await directory.userById(participant.info.userId);
          if (!user || !canSeeIncident(actorOf(user), record, active).allowed) participant.channel.endAccess('GRANT_REVOKED');
        }
      }
    })().catch((error) => log.error({ err: error }, 'agreement re-check failed'));
  });

  let closed = false;
  Object.assign(services, {
    config,
    nodeId,
    store,
    bus,
    directory,
    sessions: new SessionStore(store, { idleMs: config.SESSION_IDLE_SECONDS * 1000, maxMs: config.SESSION_MAX_SECONDS * 1000 }),
    lockout: new LoginLockout(store),
    keys,
    media,
    incidents,
    grants,
    agreements,
    grantService,
    live,
    consoles,
    audit,
    resumes: new ResumeRegistry<SignalingConnection>(),
    turn: turnSettings(config),
    draining: false,
    publicUrl: `http://127.0.0.1:${config.PORT}`,
    source,
    async close() {
      if (closed) return;
      closed = true;
      await live.endAll('SERVER_SHUTTING_DOWN');
      consoles.close();
      media.close();
      await auditLog.close();
      await bus.close();
      await store.close();
    },
  } satisfies Services);
  return services;
}
