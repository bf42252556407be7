import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, isProductionLike, loadConfig, publicUrl } from '../../../signaling/config.ts';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).name).toBe('ConfigError');
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has documented defaults for every setting', () => {
    expect(loadConfig({})).toEqual({
      HOST: '127.0.0.1',
      PORT: 8080,
      LOG_LEVEL: 'info',
      DATA_DIR: 'var',
      SEED_FILE: 'config/demo-seed.json',
      TOKEN_ISSUER: 'sightline',
      PASSWORD_HASH_LOG2N: 17,
      MEDIA_WORKERS: availableParallelism(),
      MEDIA_LISTEN_IP: '127.0.0.1',
      RTC_MIN_PORT: 40000,
      RTC_MAX_PORT: 40999,
      MEDIA_LOG_LEVEL: 'warn',
      MEDIA_VIEWERS_PER_ROUTER: 250,
      TURN_CREDENTIAL_TTL_SECONDS: 14400,
      RESUME_GRACE_SECONDS: 30,
      WS_HEARTBEAT_SECONDS: 10,
      SESSION_IDLE_SECONDS: 1800,
      SESSION_MAX_SECONDS: 43200,
      GRANT_MAX_TTL_SECONDS: 14400,
      WS_MAX_MESSAGE_BYTES: 16384,
      WS_RATE_PER_SECOND: 20,
      WS_RATE_BURST: 40,
      MAX_TRANSPORTS_PER_CONNECTION: 2,
      HTTP_BODY_LIMIT_BYTES: 65536,
      AUDIT_REDIS_PREFIX: 'sightline:audit',
      AUDIT_CHECKPOINT_EVERY: 100,
      AUDIT_CHECKPOINT_SECONDS: 60,
      AUDIT_RETENTION_DAYS: 365,
      INCIDENT_RETENTION_DAYS: 365,
      AUDIT_PURGE_INTERVAL_SECONDS: 3600,
      RECORDING_ENABLED: true,
      RECORDING_SEGMENT_SECONDS: 10,
      RECORDING_GST_LAUNCH: 'gst-launch-1.0',
      RECORDING_RETENTION_DAYS: 365,
      SHUTDOWN_DRAIN_SECONDS: 10,
      AUDIT_FSYNC: true,
      AUTH_RATE_PER_MINUTE: 30,
      WS_CONNECTS_PER_MINUTE: 60,
      ANONYMOUS_RATE_PER_MINUTE: 60,
      AUDIT_SAMPLE_SECONDS: 60,
      NODE_HEARTBEAT_MS: 1000,
      NODE_TIMEOUT_MS: 4000,
      LOST_INCIDENT_GRACE_SECONDS: 60,
      KEYFRAME_REQUEST_DELAY_MS: 1000,
      MAP_TILE_URL: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      MAP_ATTRIBUTION: '© OpenStreetMap contributors',
    });
    // Without REDIS_URL the relay runs as one node with in-memory state.
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
    expect(loadConfig({}).NODE_ID).toBeUndefined();
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
  });

  it('parses TRUST_PROXY as a list of proxy addresses and CIDRs', () => {
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.0.2.10 ,fd00::/8,loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.0.2.10', 'fd00::/8', 'loopback']);
  });

  it('ignores unrelated environment variables', () => {
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/root' });
    expect(config).not.toHaveProperty('PATH');
  });

  it('coerces numbers and booleans from strings', () => {
    const config = loadConfig({
      PORT: '9000',
      RTC_MIN_PORT: '50000',
      RTC_MAX_PORT: '50100',
      SESSION_IDLE_SECONDS: '600',
      WS_RATE_PER_SECOND: '2.5',
      SHUTDOWN_DRAIN_SECONDS: '0',
      MEDIA_WORKERS: '3',
      AUDIT_FSYNC: 'false',
      AUTH_RATE_PER_MINUTE: '5',
      WS_CONNECTS_PER_MINUTE: '12',
    });
    expect(config.PORT).toBe(9000);
    expect(config.RTC_MIN_PORT).toBe(50000);
    expect(config.RTC_MAX_PORT).toBe(50100);
    expect(config.SESSION_IDLE_SECONDS).toBe(600);
    expect(config.WS_RATE_PER_SECOND).toBe(2.5);
    expect(config.SHUTDOWN_DRAIN_SECONDS).toBe(0);
    expect(config.MEDIA_WORKERS).toBe(3);
    expect(config.AUDIT_FSYNC).toBe(false);
    expect(config.AUTH_RATE_PER_MINUTE).toBe(5);
    expect(config.WS_CONNECTS_PER_MINUTE).toBe(12);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('AUDIT_FSYNC=%s is %s', (value, expected) => {
    expect(loadConfig({ AUDIT_FSYNC: value }).AUDIT_FSYNC).toBe(expected);
  });

  it.each([
    ['REDIS_URL', 'http://localhost:6379'],
    ['AUDIT_REDIS_PREFIX', 'has spaces'],
    ['AUDIT_CHECKPOINT_EVERY', '-1'],
    ['AUDIT_RETENTION_DAYS', '0'],
    ['INCIDENT_RETENTION_DAYS', '1.5'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['PORT', '-1'],
    ['SESSION_IDLE_SECONDS', '30'],
    ['SESSION_IDLE_SECONDS', '3600'],
    ['SESSION_MAX_SECONDS', '59'],
    ['GRANT_MAX_TTL_SECONDS', '10'],
    ['WS_MAX_MESSAGE_BYTES', '100'],
    ['WS_RATE_PER_SECOND', '0'],
    ['WS_RATE_BURST', '1.5'],
    ['MAX_TRANSPORTS_PER_CONNECTION', '9'],
    ['MEDIA_WORKERS', '0'],
    ['RTC_MIN_PORT', '0'],
    ['RTC_MAX_PORT', '65536'],
    ['LOG_LEVEL', 'verbose'],
    ['MEDIA_LOG_LEVEL', 'info'],
    ['AUDIT_FSYNC', 'yes'],
    ['PUBLIC_URL', 'not a url'],
    ['SHUTDOWN_DRAIN_SECONDS', '-1'],
    ['REDIS_URL', 'http://cache:6379'],
    ['REDIS_URL', 'cache:6379'],
    ['AUTH_RATE_PER_MINUTE', '0'],
    ['AUTH_RATE_PER_MINUTE', '2.5'],
    ['AUTH_RATE_PER_MINUTE', 'many'],
    ['WS_CONNECTS_PER_MINUTE', '0'],
    ['WS_CONNECTS_PER_MINUTE', '1.5'],
    ['TRUST_PROXY', 'balancer.internal'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['ANONYMOUS_RATE_PER_MINUTE', '0'],
    ['AUDIT_SAMPLE_SECONDS', '0'],
    ['NODE_ID', 'node one'],
    ['NODE_ID', 'n'.repeat(65)],
    ['NODE_HEARTBEAT_MS', '99'],
    ['NODE_TIMEOUT_MS', '299'],
    ['LOST_INCIDENT_GRACE_SECONDS', '0.5'],
  ])('refuses %s=%s with a ConfigError naming the setting', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toMatch(/^invalid configuration:\n {2}/);
    expect(error.message).toContain(`${name}: `);
  });

  it('names every bad setting at once', () => {
    const error = configError({ PORT: 'x', LOG_LEVEL: 'loud', WS_RATE_BURST: '0' });
    expect(error.message).toContain('PORT: ');
    expect(error.message).toContain('LOG_LEVEL: ');
    expect(error.message).toContain('WS_RATE_BURST: ');
    expect(error.message.split('\n')).toHaveLength(4);
  });

  it('refuses RTC_MIN_PORT > RTC_MAX_PORT', () => {
    const error = configError({ RTC_MIN_PORT: '41000', RTC_MAX_PORT: '40000' });
    expect(error.message).toContain('RTC_MIN_PORT must not exceed RTC_MAX_PORT');
    expect(error.message).toBe('invalid configuration:\n  config: RTC_MIN_PORT must not exceed RTC_MAX_PORT');
    // Relative to the default range too.
    expect(configError({ RTC_MIN_PORT: '41000' }).message).toContain('RTC_MIN_PORT must not exceed RTC_MAX_PORT');
  });

  it('takes the audit store, checkpoint and retention settings', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://10.0.0.5:6379/2',
      AUDIT_CHECKPOINT_EVERY: '10',
      AUDIT_CHECKPOINT_SECONDS: '0',
      AUDIT_RETENTION_DAYS: '2555',
      INCIDENT_RETENTION_DAYS: '90',
    });
    expect(config).toMatchObject({
      REDIS_URL: 'redis://10.0.0.5:6379/2',
      AUDIT_CHECKPOINT_EVERY: 10,
      AUDIT_CHECKPOINT_SECONDS: 0,
      AUDIT_RETENTION_DAYS: 2555,
      INCIDENT_RETENTION_DAYS: 90,
    });
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@redis.example:6380' }).REDIS_URL).toBe('rediss://user:pw@redis.example:6380');
  });

  it('accepts RTC_MIN_PORT == RTC_MAX_PORT', () => {
    const config = loadConfig({ RTC_MIN_PORT: '40000', RTC_MAX_PORT: '40000' });
    expect([config.RTC_MIN_PORT, config.RTC_MAX_PORT]).toEqual([40000, 40000]);
  });

  it('keeps optional settings undefined unless given', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://relay.example.org/', SIGNING_KEY_FILE: '/etc/key.json' });
    expect(config.PUBLIC_URL).toBe('https://relay.example.org/');
    expect(config.SIGNING_KEY_FILE).toBe('/etc/key.json');
    expect(loadConfig({}).MEDIA_ANNOUNCED_ADDRESS).toBeUndefined();
  });

  it('accepts a NODE_ID of up to 64 name characters', () => {
    expect(loadConfig({ NODE_ID: 'relay-2.example:8080' }).NODE_ID).toBe('relay-2.example:8080');
    expect(loadConfig({ NODE_ID: 'n'.repeat(64) }).NODE_ID).toBe('n'.repeat(64));
  });

  it.each(['redis://cache:6379', 'rediss://user:secret@cache.example.org:6380/2'])('accepts REDIS_URL=%s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).REDIS_URL).toBe(url);
  });
});

describe('TLS and production rules', () => {
  it('needs TLS_CERT_FILE and TLS_KEY_FILE together, and an https PUBLIC_URL with them', () => {
    expect(configError({ TLS_CERT_FILE: 'cert.pem' }).message).toContain('TLS_KEY_FILE: TLS_CERT_FILE and TLS_KEY_FILE must be set together');
    expect(configError({ TLS_CERT_FILE: 'c', TLS_KEY_FILE: 'k', PUBLIC_URL: 'http://relay.example.org' }).message).toContain('PUBLIC_URL: must be an https: URL');
  });

  it('takes a scrypt cost below OWASP only on loopback outside production', () => {
    expect(loadConfig({ PASSWORD_HASH_LOG2N: '14' }).PASSWORD_HASH_LOG2N).toBe(14);
    expect(configError({ PASSWORD_HASH_LOG2N: '14', NODE_ENV: 'production' }).message).toContain('PASSWORD_HASH_LOG2N: below 17');
    expect(configError({ PASSWORD_HASH_LOG2N: '14', HOST: '0.0.0.0' }).message).toContain('PASSWORD_HASH_LOG2N: below 17');
    expect(loadConfig({ PASSWORD_HASH_LOG2N: '17', NODE_ENV: 'production', HOST: '0.0.0.0' }).PASSWORD_HASH_LOG2N).toBe(17);
  });

  it('treats NODE_ENV=production and any HOST but 127.0.0.1, ::1 and localhost as production', () => {
    for (const HOST of ['127.0.0.1', '::1', 'localhost']) expect(isProductionLike(loadConfig({ HOST }))).toBe(false);
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20', 'relay.local']) expect(isProductionLike(loadConfig({ HOST }))).toBe(true);
    expect(isProductionLike(loadConfig({ NODE_ENV: 'production' }))).toBe(true);
  });
});

describe('publicUrl', () => {
  it('uses PUBLIC_URL without its trailing slash', () => {
    expect(publicUrl(loadConfig({ PUBLIC_URL: 'https://relay.example.org/' }), 1234)).toBe('https://relay.example.org');
    expect(publicUrl(loadConfig({ PUBLIC_URL: 'https://relay.example.org/sightline/' }), 1234)).toBe(
      'https://relay.example.org/sightline',
    );
    expect(publicUrl(loadConfig({ PUBLIC_URL: 'https://relay.example.org' }), 1234)).toBe('https://relay.example.org');
  });

  it('otherwise uses HOST and the listening port', () => {
    expect(publicUrl(loadConfig({}), 8080)).toBe('http://127.0.0.1:8080');
    expect(publicUrl(loadConfig({ HOST: 'relay.local', PORT: '0' }), 43211)).toBe('http://relay.local:43211');
  });

  it('is https when the relay serves TLS itself', () => {
    const tls = { TLS_CERT_FILE: 'cert.pem', TLS_KEY_FILE: 'key.pem' };
    expect(publicUrl(loadConfig(tls), 8443)).toBe('https://127.0.0.1:8443');
    expect(publicUrl(loadConfig({ ...tls, PUBLIC_URL: 'https://relay.example.org' }), 8443)).toBe('https://relay.example.org');
  });

  it('maps the wildcard address 0.0.0.0 to localhost', () => {
    expect(publicUrl(loadConfig({ HOST: '0.0.0.0' }), 8080)).toBe('http://localhost:8080');
  });

  // BUG: an IPv6 HOST is interpolated without brackets, giving e.g. "http://::1:8080", which is not a URL.
  it('produces a valid URL for an IPv6 HOST', () => {
    const url = publicUrl(loadConfig({ HOST: '::1' }), 8080);
    expect(() => new URL(url)).not.toThrow();
    expect(new URL(url).host).toBe('[::1]:8080');
  });
});
