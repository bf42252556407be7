// The node-side end of one client WebSocket: size and rate limits, then each message goes to the
// local signalling connection, or — once the client's incident turns out to live on another
// node — to that node through the cluster. Console and inbox pushes always come from here.
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Cluster, RouteTarget } from '../cluster/cluster.ts';
import { SightlineError } from '../errors.ts';
import type { SessionEnd } from '../identity/sessions.ts';
import type { SignalingDeps } from './signaling-deps.ts';
import { WsClientSocket } from './client-socket.ts';
import { SignalingConnection } from './connection.ts';
import { TokenBucket } from './token-bucket.ts';
import { dispatch } from './handlers/index.ts';

/** Refused messages in a row after which a flooding socket is closed (policy violation). */
const FLOOD_CLOSE_AFTER = 200;
/** How long a proxied socket waits for its serving node to end the seat of an ended session. */
const SESSION_END_FALLBACK_MS = 5000;

export class ClientSession {
  readonly local: SignalingConnection;
  readonly #socket: WsClientSocket;
  readonly #bucket: TokenBucket;
  #refusedInARow = 0;
  #queue: Promise<void> = Promise.resolve();
  #proxy: string | null = null;
  #closed = false;
  #sessionEnded = false;

  constructor(
    ws: WebSocket,
    private readonly source: AuditSource,
    private readonly deps: SignalingDeps,
    private readonly cluster: Cluster,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#socket = new WsClientSocket(ws);
    this.local = new SignalingConnection(this.#socket, source, deps, log, dispatch);
    this.#bucket = new TokenBucket(deps.config.WS_RATE_PER_SECOND, deps.config.WS_RATE_BURST);
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    ws.on('close', () => this.close());
    ws.on('error', (error) => {
      // A message beyond the hard cap: ws closes the socket with 1009.
      if ((error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.local.auditSampled('signalling.close', 'MESSAGE_TOO_LARGE');
      log.debug({ err: error }, 'signalling socket error');
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.local.close();
    if (this.#proxy) void this.cluster.closeProxy(this.#proxy);
  }

  /** The store key of the session this socket signed in with (`auth`), if any. */
  get sessionKey(): string | null {
    return this.local.session?.key ?? null;
  }

  /**
   * The session this socket signed in with ended. A seat served here ends at once; a seat on
   * another node is ended there, which then closes the proxy and with it this socket.
   */
  endSession(cause: SessionEnd): void {
    if (this.#closed || this.#sessionEnded) return;
    this.#sessionEnded = true;
    if (!this.#proxy) {
      void this.local.endSession(cause).finally(() => this.close());
      return;
    }
    void this.cluster.endProxiedSession(this.#proxy, cause);
    setTimeout(() => this.terminate(1008, 'SESSION_ENDED'), SESSION_END_FALLBACK_MS).unref();
  }

  /** The server closes the socket (flood, shutdown, lost node): no resume grace period. */
  terminate(code: number, reason: string): void {
    this.local.terminate(code, reason);
    this.close();
  }

  #receive(data: RawData, isBinary: boolean): void {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (!this.#bucket.take()) {
      this.#refuse(new SightlineError('RATE_LIMITED'));
      if (this.#refusedInARow > FLOOD_CLOSE_AFTER && !this.#closed) {
        this.local.auditSampled('signalling.close', 'RATE_LIMITED');
        this.terminate(1008, 'RATE_LIMITED');
      }
      return;
    }
    if (size > this.deps.config.WS_MAX_MESSAGE_BYTES) {
      this.#refuse(new SightlineError('MESSAGE_TOO_LARGE', `messages are limited to ${this.deps.config.WS_MAX_MESSAGE_BYTES} bytes`));
      return;
    }
    if (isBinary) {
      this.#refuse(new SightlineError('MESSAGE_MALFORMED', 'binary messages are not part of the protocol'));
      return;
    }
    this.#refusedInARow = 0;
    const text = data.toString();
    this.#queue = this.#queue
      .then(() => this.#route(text))
      .catch((error) => {
        this.log.error({ err: error }, 'routing a signalling message failed');
        this.local.refuse(peekRequest(text)?.id ?? null, new SightlineError('INTERNAL'));
      });
  }

  async #route(text: string): Promise<void> {
    if (this.#closed || this.#sessionEnded) return;
    if (this.#proxy) return this.cluster.forward(this.#proxy, text);
    const target = this.local.incident ? null : routeTargetOf(text);
    if (target) {
      const nodeId = await this.cluster.servingNode(target);
      if (nodeId !== this.cluster.nodeId) {
        this.#proxy = await this.cluster.openProxy(nodeId, this.local.user?.id ?? null, this.source, {
          deliver: (reply) => this.#socket.send(reply),
          closed: (code, reason) => this.terminate(code, reason),
        });
        return this.cluster.forward(this.#proxy, text);
      }
    }
    this.local.receive(text);
  }

  #refuse(error: SightlineError): void {
    this.#refusedInARow += 1;
    this.local.refuseMessage(null, error);
  }
}

/** The id of a request, without validating it (the serving node does). */
function peekRequest(text: string): { id: number | null } | null {
  const json = parseObject(text);
  return json ? { id: typeof json.id === 'number' ? json.id : null } : null;
}

/**
 * Where a request of a client not yet in an incident is to be served, or null for here: seating
 * requests go to the incident's node (join, watch), the seat's node (resume) or the node chosen
 * for a new incident (incident.start). The one place that maps message types to routes. Pure.
 */
export function routeTargetOf(text: string): RouteTarget | null {
  const json = parseObject(text);
  if (!json) return null;
  switch (json.type) {
    case 'join':
    case 'prepare':
    case 'watch':
      return typeof json.incidentId === 'string' ? { incident: json.incidentId } : null;
    case 'resume':
      return typeof json.resumeToken === 'string' && json.resumeToken !== '' ? { seat: json.resumeToken } : null;
    case 'incident.start':
      return { new: 'incident' };
    default:
      return null;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const json = JSON.parse(text) as unknown;
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
