// The composition root: builds this node's parts once at startup, in order, wires each feature's
// observers, and closes everything once. It holds no rules of its own: each route module, the
// signalling endpoint and each feature declares the few parts it uses (its *Deps type), and the app
// hands it this object as that type.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { MediaPlane } from '../server/media-plane.ts';
import { recheckSeatsWhenAccessNarrows } from './access/seat-recheck.ts';
import { AgreementRepository } from './agreements/agreement-repository.ts';
import type { AuditSource } from './audit/audit-entry.ts';
import { Auditor } from './audit/auditor.ts';
import { openAuditTrail } from './audit/open-audit.ts';
import type { AuditTrail } from './audit/audit-trail.ts';
import { RefusalSampler } from './audit/refusal-sampler.ts';
import type { Config } from './config.ts';
import { Cluster } from './cluster/cluster.ts';
import { NodeRegistry } from './cluster/node-registry.ts';
import { ConsoleHub } from './feeds/console-hub.ts';
import { Metrics } from './metrics/metrics.ts';
import { RecordingPaths } from './recording/recording-paths.ts';
import { sealInterrupted } from './recording/interrupted-recordings.ts';
import { purgeExpiredRecordings } from './recording/recording-retention.ts';
import { RecordingIndex } from './recording/recording-index.ts';
import { Recordings } from './recording/recordings.ts';
import { GrantRepository } from './grants/grant-repository.ts';
import { GrantService } from './grants/grant-service.ts';
import { refuseDemoCredentials, refuseDemoSeed, publishedDemoAccounts } from './identity/demo-accounts.ts';
import { Directory } from './identity/directory.ts';
import { LoginLockout } from './identity/login-lockout.ts';
import { MfaSignIn } from './identity/mfa.ts';
import { Passkeys } from './identity/passkeys.ts';
import { SessionStore } from './identity/sessions.ts';
import type { IncidentHistory } from './incident-records/incident-history.ts';
import { IncidentRepository } from './incident-records/incident-repository.ts';
import { LiveIncidents } from './live/live-incidents.ts';
import type { DemoAccount } from './protocol/http.ts';
import type { Bus } from './state/bus.ts';
import { createState } from './cluster/shared-state.ts';
import { NodeState } from './node-state.ts';
import type { Store } from './state/store.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './tokens/signing-keys.ts';
import { turnSettings, type TurnSettings } from './turn/turn-credentials.ts';
import { ResumeRegistry } from './cluster/resume-registry.ts';
import { auditSessionExpiry } from './audit/audit-session-expiry.ts';
import { announceEndedSessions } from './identity/announce-ended-sessions.ts';
import { auditIncidentLifecycle } from './live/audit-incident-lifecycle.ts';
import { keepIncidentHistory } from './live/keep-incident-history.ts';
import { recordLiveIncidents } from './recording/record-live-incidents.ts';
import { endGrantsWithIncident } from './grants/end-grants-with-incident.ts';

const pick = ({ consumers, workers }: { consumers: number; workers: number }) => ({ consumers, workers });

export interface RelayNode {
  config: Config;
  nodeId: string;
  store: Store;
  bus: Bus;
  directory: Directory;
  sessions: SessionStore;
  lockout: LoginLockout;
  /** The second factor of supervisors' and admins' password sign-ins. */
  mfa: MfaSignIn;
  /** Passkeys (WebAuthn) people add as their second factor. */
  passkeys: Passkeys;
  keys: SigningKeys;
  media: MediaPlane;
  incidents: IncidentRepository;
  grants: GrantRepository;
  agreements: AgreementRepository;
  grantService: GrantService;
  live: LiveIncidents;
  /** Evidence recordings of the incidents on this node, and where every recording is kept. */
  recordings: Recordings;
  recordingPaths: RecordingPaths;
  /** Which node holds each recording (shared across nodes). */
  recordingIndex: RecordingIndex;
  consoles: ConsoleHub;
  cluster: Cluster;
  metrics: Metrics;
  audit: Auditor;
  /** Refusals anyone can cause in bulk: sampled into the audit, and anonymous ones rate-limited. */
  refusals: RefusalSampler;
  /** Metadata of live and ended incidents, kept for INCIDENT_RETENTION_DAYS (access reports). */
  incidentHistory: IncidentHistory;
  /** Seats of dropped signalling connections that may still be resumed (this node). */
  resumes: ResumeRegistry<object>;
  /** TURN REST credentials are minted with these; null without TURN. */
  turn: TurnSettings | null;
  /** Draining, public URL: what this node is doing now (owned by main.ts). */
  nodeState: NodeState;
  /** The demo seed's published accounts while it is loaded (the home page lists them); null otherwise. */
  demoAccounts: DemoAccount[] | null;
  source(ip: string | null, userAgent: string | null): AuditSource;
  close(): Promise<void>;
}

export interface RelayNodeOptions {
  /** The clock for session timeouts and retention (tests inject one). */
  now?: () => number;
  /** This node's state; by default a node on loopback at PORT. */
  node?: NodeState;
}

export async function composeRelayNode(config: Config, log: FastifyBaseLogger, options: RelayNodeOptions = {}): Promise<RelayNode> {
  const nodeId = config.NODE_ID ?? `${hostname()}:${process.pid}`;
  const source = (ip: string | null, userAgent: string | null): AuditSource => ({ ip, userAgent, node: nodeId });
  const { seed, store, bus, link, directory, agreements } = await openDirectory(config, nodeId, log);
  const keys: SigningKeys = await loadOrCreateSigningKeys(config.SIGNING_KEY_FILE ?? join(config.DATA_DIR, 'signing-key.jwk'));
  const { trail: auditLog, incidents: incidentHistory } = await openAuditTrail(config, keys, nodeId, log, options.now);
  const metrics = new Metrics();
  const audit = new Auditor(auditLog, log, (seconds) => metrics.auditWrite.observe(seconds));
  const nodeState = options.node ?? new NodeState(`http://127.0.0.1:${config.PORT}`);
  const system = source(null, null);
  const media = await startMedia(config, log);

  const incidents = new IncidentRepository(store);
  // Entries about an incident carry its agency, for agency-scoped reports.
  auditLog.agencyOfIncident = async (incidentId) => (await incidents.find(incidentId))?.agencyId ?? (await incidentHistory.get(incidentId))?.agencyId;
  const grants = new GrantRepository(store);
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
    publicUrl: () => nodeState.publicUrl,
  });
  const registry = new NodeRegistry(store, nodeId, { heartbeatMs: config.NODE_HEARTBEAT_MS, timeoutMs: config.NODE_TIMEOUT_MS }, (error) =>
    log.warn({ err: error }, 'heartbeat failed'),
  );
  const recordingPaths = new RecordingPaths(config.RECORDING_DIR ?? join(config.DATA_DIR, 'recordings'));
  // A recording failure also reaches the console, as an alert on the incident's card.
  const recordingProblem = (incidentId: string, what: string) =>
    void incidents
      .update(incidentId, () => ({ recordingProblem: { at: Date.now(), what } }))
      .then(() => bus.publish({ type: 'incidents.changed', incidentId }))
      .catch((error) => log.warn({ err: error, incidentId }, 'could not show a recording problem on the console'));
  const recordingIndex = new RecordingIndex(store, nodeId, (error) => log.warn({ err: error }, 'could not update the recording index'));
  const recordings = openRecordings(config, recordingPaths, { keys, audit, trail: auditLog, system, directory, metrics, log, recordingProblem, index: recordingIndex });
  const live = new LiveIncidents(incidents, media, bus, nodeId, {
    isNodeLive: (id) => registry.isLive(id),
    onError: (error, context) => log.warn({ err: error, context }, 'live incident error'),
  });
  // What each feature does as incidents start and end, in this order.
  live.observe(keepIncidentHistory(incidentHistory, log));
  live.observe(recordLiveIncidents(recordings, incidents, log));
  live.observe(auditIncidentLifecycle(audit, system, log));
  live.observe(endGrantsWithIncident(grantService));
  const cluster = new Cluster({
    nodeId,
    registry,
    link,
    incidentNode: async (incidentId) => (await incidents.find(incidentId))?.nodeId,
    log,
  });
  metrics.readFrom({ media, live, draining: () => nodeState.draining, recordings: () => recordings.count() });
  const consoles = new ConsoleHub({ directory, grants, grantService, incidents, agreements }, bus, log);

  recheckSeatsWhenAccessNarrows({
    bus,
    live,
    incidents,
    agreements,
    directory,
    audit,
    source: system,
    onError: (error) => log.error({ err: error }, 'seat re-check failed'),
  });

  const sessions = new SessionStore(
    store,
    { idleMs: config.SESSION_IDLE_SECONDS * 1000, maxMs: config.SESSION_MAX_SECONDS * 1000 },
    options.now,
    auditSessionExpiry(directory, audit, system),
    announceEndedSessions(bus, log),
  );
  auditLog.start();
  const stopSweeping = startSweepers(config, {
    sessions,
    live,
    log,
    sealInterrupted: () =>
      sealInterrupted({
        paths: recordingPaths,
        keys,
        audit,
        source: system,
        index: recordingIndex,
        isRecording: (id) => recordings.isRecording(id),
        isLive: async (id) => (await incidents.find(id)) !== undefined,
        heldElsewhere: async (id) => {
          const entry = await recordingIndex.get(id);
          return entry !== undefined && (await cluster.isLivePeer(entry.nodeId));
        },
      }),
  });

  const refusals = new RefusalSampler(audit, store.counters, {
    windowMs: config.AUDIT_SAMPLE_SECONDS * 1000,
    anonymousPerMinute: config.ANONYMOUS_RATE_PER_MINUTE,
  });
  let closed = false;
  const passkeys = new Passkeys(store, directory);
  const relayNode: RelayNode = {
    config,
    nodeId,
    store,
    bus,
    directory,
    sessions,
    lockout: new LoginLockout(store),
    mfa: new MfaSignIn(store, directory, passkeys, { required: config.MFA_REQUIRED ?? seed.demo === undefined, issuer: 'Sightline' }),
    passkeys,
    keys,
    media,
    incidents,
    grants,
    agreements,
    grantService,
    live,
    recordings,
    recordingPaths,
    recordingIndex,
    consoles,
    cluster,
    metrics,
    audit,
    refusals,
    incidentHistory,
    resumes: new ResumeRegistry<object>(nodeId),
    turn: turnSettings(config),
    nodeState,
    demoAccounts: seed.demo?.accounts ?? null,
    source,
    async close() {
      if (closed) return;
      closed = true;
      stopSweeping();
      await live.endAll('SERVER_SHUTTING_DOWN');
      await recordings.close();
      await cluster.stop();
      consoles.close();
      media.close();
      await refusals.close();
      await auditLog.close();
      await incidentHistory.close();
      await bus.close();
      await store.close();
    },
  };
  await cluster.start(config.NODE_HEARTBEAT_MS, () => ({ draining: nodeState.draining, load: { incidents: live.all().length, ...pick(media.stats()) } }));
  return relayNode;
}

/** The shared state (memory, or Redis with REDIS_URL) and the directory, seeded; the demo seed only where it is allowed. */
async function openDirectory(config: Config, nodeId: string, log: FastifyBaseLogger) {
  const seed = await Directory.loadSeed(config.SEED_FILE);
  refuseDemoSeed(config, seed);
  const { store, bus, link } = await createState(config.REDIS_URL, nodeId, (raw) => log.warn({ raw: raw.slice(0, 200) }, 'ignored a malformed bus message'));
  const directory = new Directory(store);
  const agreements = new AgreementRepository(store);
  await directory.seed(seed);
  await refuseDemoCredentials(config, directory, await publishedDemoAccounts()).catch(async (error: unknown) => {
    await Promise.all([bus.close(), store.close()]);
    throw error;
  });
  for (const agreement of seed.agreements) {
    if (!(await agreements.list()).some((a) => a.id === agreement.id)) await agreements.create({ ...agreement, createdBy: 'seed' });
  }
  return { seed, store, bus, link, directory, agreements };
}

/** The media plane: a worker per MEDIA_WORKERS, on the configured address and port range. */
async function startMedia(config: Config, log: FastifyBaseLogger): Promise<MediaPlane> {
  const media = await MediaPlane.start({
    workers: config.MEDIA_WORKERS,
    listenIp: config.MEDIA_LISTEN_IP,
    announcedAddress: config.MEDIA_ANNOUNCED_ADDRESS,
    portRange: { min: config.RTC_MIN_PORT, max: config.RTC_MAX_PORT },
    maxTransportsPerPeer: config.MAX_TRANSPORTS_PER_CONNECTION,
    viewersPerRouter: config.MEDIA_VIEWERS_PER_ROUTER,
    logLevel: config.MEDIA_LOG_LEVEL,
    initialAvailableOutgoingBitrate: 1_000_000,
    keyFrameRequestDelay: config.KEYFRAME_REQUEST_DELAY_MS,
  });
  media.on('workerDied', (pid, error) => log.error({ pid, err: error }, 'mediasoup worker died; its incidents were ended'));
  media.on('workerReplaced', (pid) => log.warn({ pid }, 'mediasoup worker replaced'));
  return media;
}

/**
 * Evidence recording: failures are counted and logged, and the live stream goes on. Recordings
 * past RECORDING_RETENTION_DAYS are deleted by the audit trail's retention job.
 */
function openRecordings(
  config: Config,
  paths: RecordingPaths,
  parts: {
    keys: SigningKeys;
    audit: Auditor;
    trail: AuditTrail;
    system: AuditSource;
    directory: Directory;
    metrics: Metrics;
    log: FastifyBaseLogger;
    recordingProblem(incidentId: string, what: string): void;
    index: RecordingIndex;
  },
): Recordings {
  const { keys, audit, trail, system, directory, metrics, log } = parts;
  const recordings = new Recordings({
    enabled: config.RECORDING_ENABLED,
    paths,
    keys,
    audit,
    source: system,
    segmentSeconds: config.RECORDING_SEGMENT_SECONDS,
    gstLaunch: config.RECORDING_GST_LAUNCH,
    agency: (agencyId) => directory.agency(agencyId),
    index: parts.index,
    onFailure: (kind, error, incidentId) => {
      metrics.recordingFailures.inc({ kind });
      log.warn({ err: error, incidentId, kind }, 'evidence recording failure; the live stream goes on');
      const what = {
        'track-failed': 'A stream could not be recorded',
        'muxer-restarted': 'A recorder stopped and was restarted: the segment it was writing is incomplete',
        'track-stalled': 'Recording has stopped and is retried until a segment can be written again',
      }[kind];
      parts.recordingProblem(incidentId, `${what} (${error.message.slice(0, 160)}). The live stream goes on.`);
    },
    onError: (error, context) => log.error({ err: error, context }, 'evidence recording error'),
  });
  trail.alsoPurge('evidence recordings', async (now) => {
    const retention = { paths, keys, audit: trail, source: system, retentionDays: config.RECORDING_RETENTION_DAYS, isRecording: (id: string) => recordings.isRecording(id) };
    const { purged, held, cutoff } = await purgeExpiredRecordings(retention, now);
    for (const incidentId of purged) await parts.index.purged(incidentId, now);
    if (purged.length + held.length > 0) log.info({ purged, held, cutoff }, 'recordings past retention purged (held ones kept)');
  });
  return recordings;
}

/**
 * The node's periodic sweeps: timed-out sessions, incidents whose node was lost, and recordings
 * left unsealed by a node that stopped (sealed once their incident is over; also right at start).
 * Returns their stop.
 */
function startSweepers(config: Config, parts: { sessions: SessionStore; live: LiveIncidents; sealInterrupted: () => Promise<string[]>; log: FastifyBaseLogger }): () => void {
  const { sessions, live, log } = parts;
  const every = (ms: number, what: string, run: () => Promise<unknown>) => {
    const sweep = () => void run().catch((error) => log.warn({ err: error }, `${what} failed`));
    const timer = setInterval(sweep, ms);
    timer.unref();
    return { sweep, timer };
  };
  const sealing = every(60_000, 'interrupted-recording sweep', async () => {
    const sealed = await parts.sealInterrupted();
    if (sealed.length > 0) log.warn({ sealed }, 'sealed recordings that a stopped node left unsealed');
  });
  sealing.sweep();
  const timers = [
    every(60_000, 'session sweep', () => sessions.sweep()).timer,
    every(config.NODE_HEARTBEAT_MS, 'lost-incident sweep', () => live.sweepLost(config.LOST_INCIDENT_GRACE_SECONDS * 1000)).timer,
    sealing.timer,
  ];
  return () => timers.forEach((timer) => clearInterval(timer));
}
