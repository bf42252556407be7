// Janus (Debian's package) as the reference SFU: started by the bench with a generated config
// directory (VideoRoom plugin and WebSocket transport only), and a small JSON API client.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { VethNamespace } from './netns.ts';
import { onTeardown, spawnTracked, waitUntil } from './processes.ts';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';
const PLUGINS = ['audiobridge', 'duktape', 'echotest', 'lua', 'nosip', 'recordplay', 'sip', 'streaming', 'textroom', 'videocall', 'voicemail'];
const TRANSPORTS = ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'];

/** The VideoRoom every Janus bench uses: VP8 + Opus like Sightline's routers, no bitrate cap. */
export const JANUS_ROOM = 1234;

export interface JanusServer {
  pid: number;
  host: string;
  wsUrl: string;
  /** "Error forwarding RTP" lines Janus has logged so far (failed sends to RTP forwarders). */
  forwardErrors(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts Janus on loopback, or inside `netns` (listening on its veth address) for ICE peers. */
export async function startJanus(options: { netns?: VethNamespace; rtpPorts?: string } = {}): Promise<JanusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-janus-'));
  const removeDir = onTeardown('janus config dir', () => rm(dir, { recursive: true, force: true }));
  const host = options.netns?.peerIp ?? '127.0.0.1';
  const wsPort = options.netns ? 8188 : await freePort();
  await writeFile(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 3
  session_timeout = 0
  protected_folders = []
}
media: { rtp_port_range = "${options.rtpPorts ?? '21000-22999'}" }
nat: { nice_debug = false }
plugins: { disable = "${PLUGINS.map((p) => `libjanus_${p}.so`).join(',')}" }
transports: { disable = "${TRANSPORTS.map((t) => `libjanus_${t}.so`).join(',')}" }
events: { broadcast = false }
loggers: { disable = "libjanus_jsonlog.so" }
`,
  );
  await writeFile(
    join(dir, 'janus.plugin.videoroom.jcfg'),
    `general: { }
room-${JANUS_ROOM}: {
  description = "Sightline bench"
  publishers = 8
  bitrate = 0
  fir_freq = 0
  audiocodec = "opus"
  videocodec = "vp8"
  record = false
}
`,
  );
  await writeFile(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: { json = "plain" ws = true ws_port = ${wsPort} ws_ip = "${host}" wss = false }
admin: { admin_ws = false }
`,
  );
  const command = [...(options.netns?.exec ?? []), 'janus', '-F', dir];
  const janus = spawnTracked('janus', command[0]!, command.slice(1));
  let forwardErrors = 0;
  janus.child.stdout?.on('data', (chunk: Buffer) => {
    forwardErrors += chunk.toString().match(/Error forwarding RTP/g)?.length ?? 0;
  });
  const wsUrl = `ws://${host}:${wsPort}`;
  try {
    await waitUntil(async () => {
      if (janus.child.exitCode !== null) throw new Error(`janus exited (${janus.child.exitCode}):\n${janus.output().slice(-2000)}`);
      return JanusClient.open(wsUrl).then((c) => (c.close(), true), () => false);
    }, 15_000, 'Janus to listen');
  } catch (error) {
    await janus.stop();
    await removeDir();
    throw error;
  }
  return {
    pid: janus.pid,
    host,
    wsUrl,
    forwardErrors: () => forwardErrors,
    async stop() {
      await janus.stop();
      await removeDir();
    },
  };
}

type JanusMessage = { janus: string; transaction?: string; data?: { id: number }; plugindata?: { data: Record<string, unknown> }; error?: { reason: string } };

/** The Janus JSON API over WebSocket: one session, request/response by transaction. */
export class JanusClient {
  #next = 1;
  readonly #pending = new Map<string, { resolve: (m: JanusMessage) => void; reject: (e: Error) => void }>();
  session = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as JanusMessage;
      if (message.janus === 'ack' || !message.transaction) return;
      const waiter = this.#pending.get(message.transaction);
      if (!waiter) return;
      this.#pending.delete(message.transaction);
      if (message.janus === 'error') waiter.reject(new Error(`janus: ${message.error?.reason}`));
      else waiter.resolve(message);
    });
  }

  static open(url: string): Promise<JanusClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      ws.once('open', () => resolve(new JanusClient(ws)));
      ws.once('error', reject);
    });
  }

  request(body: Record<string, unknown>): Promise<JanusMessage> {
    const transaction = `t${this.#next++}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(transaction, { resolve, reject });
      this.ws.send(JSON.stringify({ ...body, transaction, ...(this.session ? { session_id: this.session } : {}) }));
    });
  }

  async createSession(): Promise<void> {
    this.session = (await this.request({ janus: 'create' })).data!.id;
  }

  async attach(plugin = 'janus.plugin.videoroom'): Promise<number> {
    return (await this.request({ janus: 'attach', plugin })).data!.id;
  }

  /** A plugin request; resolves with the plugin's data, rejects on a plugin error. */
  async message(handle: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.request({ janus: 'message', handle_id: handle, body });
    const data = reply.plugindata?.data ?? {};
    if (typeof data.error === 'string') throw new Error(`janus ${String(body.request)}: ${data.error}`);
    return data;
  }

  close(): void {
    this.ws.close();
  }
}
