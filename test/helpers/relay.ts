// Starts a real Sightline relay in-process for tests: real mediasoup workers, real HTTP and
// WebSocket on 127.0.0.1 with an ephemeral port, and a fresh data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from '../../signaling/app.ts';
import { loadConfig, type ConfigInput } from '../../signaling/config.ts';
import { createLogger } from '../../signaling/logger.ts';
import type { LoginResponse } from '../../signaling/protocol/http.ts';
import { composeRelayNode, type RelayNode } from '../../signaling/relay-node.ts';
import { api as httpApi } from './relay-process.ts';

export interface TestRelay {
  url: string;
  wsUrl: string;
  app: FastifyInstance;
  /** The node's parts, for tests that look inside (the app itself takes them by their narrow types). */
  services: RelayNode;
  dataDir: string;
  login(username: string, password: string): Promise<LoginResponse>;
  api<T = unknown>(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

// SIGHTLINE_TEST_PORT_OFFSET moves every range, so that test runs in two checkouts can share a machine.
let portBase = 42000 + Number(process.env.SIGHTLINE_TEST_PORT_OFFSET ?? 0);

export interface RelayOptions {
  /** Where the relay's logs go (set LOG_LEVEL in the overrides); default stdout. */
  logStream?: DestinationStream;
  /** The clock for session timeouts and retention. */
  now?: () => number;
  /** Use this data directory (kept on close) instead of a fresh temporary one. */
  dataDir?: string;
  /** Where HTTP/WebSocket listen (a test namespace's veth address instead of loopback). */
  host?: string;
  /** Called with every route as the app registers it. */
  onRoute?: (route: RouteOptions) => void;
}

export async function startRelay(overrides: Partial<Record<keyof ConfigInput, string>> = {}, options: RelayOptions = {}): Promise<TestRelay> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sightline-test-')));
  // Each relay gets its own RTC port range so that relays in one run never collide.
  const rtcMin = portBase;
  portBase += 200;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    MEDIA_WORKERS: '1',
    LOG_LEVEL: process.env.SIGHTLINE_TEST_LOG_LEVEL ?? 'silent',
    RTC_MIN_PORT: String(rtcMin),
    RTC_MAX_PORT: String(rtcMin + 199),
    WS_CONNECTS_PER_MINUTE: '1000',
    // A closed socket ends its seat at once unless a test is about resuming it.
    RESUME_GRACE_SECONDS: '0',
    // The demo seed's hashes are made at 2^14; tests keep that cost so sign-ins stay fast.
    PASSWORD_HASH_LOG2N: '14',
    // Evidence recording spawns a muxer per stream; only the tests about it switch it on.
    RECORDING_ENABLED: 'false',
    ...overrides,
  });
  const log = createLogger(config, options.logStream);
  const services = await composeRelayNode(config, log, { now: options.now });
  const { app } = await buildApp({ node: services, logger: log, onRoute: options.onRoute });
  await app.listen({ host, port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('relay did not bind');
  const url = `http://${host}:${address.port}`;
  services.nodeState.publicUrl = url;

  const api: TestRelay['api'] = (method, path, options = {}) => httpApi(url, method, path, options);

  return {
    url,
    wsUrl: `ws://${host}:${address.port}/ws`,
    app,
    services,
    dataDir,
    api,
    async login(username, password) {
      const { status, body } = await api<LoginResponse>('POST', '/api/session', { body: { username, password } });
      if (status !== 200) throw new Error(`login ${username} failed: ${status} ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await app.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const DEMO = {
  officer: { username: 'officer.reyes', password: 'demo-officer', id: 'u-officer-reyes' },
  officer2: { username: 'officer.park', password: 'demo-officer', id: 'u-officer-park' },
  supervisor: { username: 'sup.chen', password: 'demo-supervisor', id: 'u-sup-chen' },
  clinician: { username: 'clin.okafor', password: 'demo-clinician', id: 'u-clin-okafor' },
  clinicianOffCall: { username: 'clin.silva', password: 'demo-clinician', id: 'u-clin-silva' },
  durhamSupervisor: { username: 'sup.patel', password: 'demo-supervisor', id: 'u-sup-patel' },
  durhamClinician: { username: 'clin.durand', password: 'demo-clinician', id: 'u-clin-durand' },
  admin: { username: 'admin', password: 'demo-admin', id: 'u-admin' },
  durhamAdmin: { username: 'admin.durham', password: 'demo-admin', id: 'u-admin-durham' },
  operator: { username: 'operator', password: 'demo-operator', id: 'u-operator' },
} as const;
