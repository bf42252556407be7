// Configuration, parsed once at startup from the environment. Every setting has a documented default.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { compileTrustProxy } from './net/client-address.ts';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');
const port = z.coerce.number().int().min(1).max(65535);
const turnUrls = z
  .string()
  .transform((value) => value.split(',').map((url) => url.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^turns?:[^\s,]+$/, 'each URL must start with turn: or turns:')).min(1, 'must name at least one URL'));

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** True when other machines may reach the relay (HOST is not a loopback name). */
export const listensBeyondLoopback = (config: { HOST: string }): boolean => !LOOPBACK_HOSTS.has(config.HOST);

/** Production rules apply (no demo accounts, no test-only settings) with NODE_ENV=production or beyond loopback. */
export const isProductionLike = (config: { HOST: string; NODE_ENV?: string | undefined }): boolean =>
  config.NODE_ENV === 'production' || listensBeyondLoopback(config);

const trustedProxies = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .refine(
    (entries) => {
      try {
        compileTrustProxy(entries);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'each entry must be an IP address or CIDR (or loopback, linklocal, uniquelocal)' },
  );

export const configSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    PUBLIC_URL: z.url().optional(),
    /**
     * Map tiles for shared locations on the console: the agency's own GIS or any XYZ tile server,
     * with {z}, {x} and {y} in the URL; empty: no map (the coordinates and a link only).
     */
    MAP_TILE_URL: z
      .string()
      .refine((url) => url === '' || (/^https?:\/\/[^/]+\//.test(url) && ['{z}', '{x}', '{y}'].every((part) => url.includes(part))), 'an http(s) URL with {z}, {x} and {y}, or empty')
      .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
    MAP_ATTRIBUTION: z.string().max(200).default('© OpenStreetMap contributors'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().default('var'),
    SEED_FILE: z.string().default('config/demo-seed.json'),
    SIGNING_KEY_FILE: z.string().optional(),
    TOKEN_ISSUER: z.string().default('sightline'),
    /** `production` refuses demo accounts and test-only settings (so does listening beyond loopback). */
    NODE_ENV: z.string().optional(),
    /** PEM certificate chain and private key: with both set, HTTPS and WSS are served on PORT. */
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    /** scrypt cost of new password and device-key hashes as log2(N); below OWASP's 17 for tests only. */
    PASSWORD_HASH_LOG2N: z.coerce.number().int().min(10).max(20).default(17),

    MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
    MEDIA_LISTEN_IP: z.string().default('127.0.0.1'),
    MEDIA_ANNOUNCED_ADDRESS: z.string().optional(),
    RTC_MIN_PORT: port.default(40000),
    RTC_MAX_PORT: port.default(40999),
    /** Viewers per router before an incident's streams are piped to a router on another worker. */
    MEDIA_VIEWERS_PER_ROUTER: z.coerce.number().int().min(1).default(250),
    MEDIA_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    /** TURN REST API shared secret (coturn `static-auth-secret`); with TURN_URLS, clients get TURN credentials. */
    TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Comma-separated turn:/turns: URLs handed to clients, e.g. `turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp`. */
    TURN_URLS: turnUrls.optional(),
    /** Longest lifetime of one TURN credential; never past the grant (clinicians) or the session (officers). */
    TURN_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(4 * 3600),
    /** How long a dropped signalling connection keeps its seat (and an officer's incident) for `resume`. */
    RESUME_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(30),
    /** Server-side WebSocket ping interval; a socket silent for two intervals is dropped (then resumable). */
    WS_HEARTBEAT_SECONDS: z.coerce.number().min(1).max(300).default(10),

    SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).max(1800).default(1800),
    SESSION_MAX_SECONDS: z.coerce.number().int().min(60).default(12 * 3600),
    /**
     * A second factor (authenticator app, or a recovery code) for supervisors' and admins' password
     * sign-ins. Unset: required, except with the demo seed (whose accounts are published).
     */
    MFA_REQUIRED: bool.optional(),
    GRANT_MAX_TTL_SECONDS: z.coerce.number().int().min(30).default(4 * 3600),

    WS_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(1 << 20).default(16 * 1024),
    WS_RATE_PER_SECOND: z.coerce.number().positive().default(20),
    WS_RATE_BURST: z.coerce.number().int().positive().default(40),
    MAX_TRANSPORTS_PER_CONNECTION: z.coerce.number().int().min(1).max(8).default(2),
    /** Keyframe requests within this time of one that reached a camera wait and go as one (a new viewer's first does not wait). */
    KEYFRAME_REQUEST_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
    HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(64 * 1024),

    /** The audit trail: Redis key prefix (with REDIS_URL), signed checkpoints, retention. */
    AUDIT_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/).default('sightline:audit'),
    AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(0).default(100),
    AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).default(60),
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
    INCIDENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
    AUDIT_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),

    /** Evidence recording of every live incident (agencies may switch theirs off); `false` records nothing on this node. */
    RECORDING_ENABLED: bool.default(true),
    /** Where recordings are kept (default DATA_DIR/recordings): segments, manifests and their signatures. */
    RECORDING_DIR: z.string().min(1).optional(),
    /** Days a recording is kept after its incident ended; a legal hold keeps it longer. */
    RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
    /** Length of one recorded segment: what a crash of the recorder or the node can cost at most. */
    RECORDING_SEGMENT_SECONDS: z.coerce.number().int().min(2).max(60).default(10),
    /** The GStreamer launcher the recorder runs (gst-launch-1.0 on PATH). */
    RECORDING_GST_LAUNCH: z.string().min(1).default('gst-launch-1.0'),

    SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).default(10),
    AUDIT_FSYNC: bool.default(true),
    /** Shared state and bus for several nodes; unset runs one node with in-memory state. */
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    /** This node's name in the cluster (default host:pid). */
    NODE_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/).optional(),
    NODE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(1000),
    /** A node silent this long is dead: its clients' sessions close and its incidents are lost. */
    NODE_TIMEOUT_MS: z.coerce.number().int().min(300).default(4000),
    /** How long a lost incident waits for its camera to reconnect to another node before it ends. */
    LOST_INCIDENT_GRACE_SECONDS: z.coerce.number().min(1).default(60),
    /** When set, /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Rate limit for sign-in and token endpoints, per client address per minute. */
    AUTH_RATE_PER_MINUTE: z.coerce.number().int().positive().default(30),
    /** New signalling connections per client address per minute. */
    WS_CONNECTS_PER_MINUTE: z.coerce.number().int().positive().default(60),
    /** Proxies (addresses, CIDRs) whose X-Forwarded-For names the client, for HTTP and WebSocket alike; unset trusts none. */
    TRUST_PROXY: trustedProxies.optional(),
    /** Refused requests without a session per client address per minute; beyond it they are answered RATE_LIMITED. */
    ANONYMOUS_RATE_PER_MINUTE: z.coerce.number().int().positive().default(60),
    /** Refusals anyone can cause in bulk are sampled: the first of a kind per window is an entry, the rest one summary. */
    AUDIT_SAMPLE_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
  })
  .refine((c) => c.RTC_MIN_PORT <= c.RTC_MAX_PORT, { message: 'RTC_MIN_PORT must not exceed RTC_MAX_PORT' })
  .refine((c) => c.NODE_TIMEOUT_MS > c.NODE_HEARTBEAT_MS, { message: 'NODE_TIMEOUT_MS must exceed NODE_HEARTBEAT_MS' })
  .refine((c) => (c.TURN_SECRET === undefined) === (c.TURN_URLS === undefined), {
    message: 'TURN_SECRET and TURN_URLS must be set together',
    path: ['TURN_URLS'],
  })
  .refine((c) => (c.TLS_CERT_FILE === undefined) === (c.TLS_KEY_FILE === undefined), {
    message: 'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    path: ['TLS_KEY_FILE'],
  })
  .refine((c) => !c.TLS_CERT_FILE || !c.PUBLIC_URL || c.PUBLIC_URL.startsWith('https:'), {
    message: 'must be an https: URL when TLS_CERT_FILE is set (pages need a secure context for the camera)',
    path: ['PUBLIC_URL'],
  })
  .refine((c) => c.PASSWORD_HASH_LOG2N >= 17 || !isProductionLike(c), {
    message: 'below 17 (scrypt N = 2^17, OWASP) is for tests only: refused with NODE_ENV=production or a HOST beyond loopback',
    path: ['PASSWORD_HASH_LOG2N'],
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment (or test overrides) into a Config, or throws a ConfigError naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

/** The base URL for links handed to people (grant links). */
export function publicUrl(config: Config, listeningPort: number): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const wildcard = config.HOST === '0.0.0.0' || config.HOST === '::';
  const host = wildcard ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `${config.TLS_CERT_FILE ? 'https' : 'http'}://${host}:${listeningPort}`;
}
