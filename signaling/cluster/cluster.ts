// This node's place in the cluster: its heartbeat, which node serves a client's request, and the
// two ends of proxied sessions. A client may connect to any node; requests about an incident are
// served by the node hosting it, the client's messages and the replies travelling over the node
// link. (Proxying rather than redirecting keeps one public address for every node, so browsers,
// load balancers and TLS need no per-node names.)
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ClientSocket } from './client-socket.ts';
import { LinkedHttp, type LinkedRequest, type LinkedResponse, type ServeLinkedHttp } from './linked-http.ts';
import type { LinkFrame, LinkSessionEnd, LinkSource, NodeLink } from './node-link.ts';
import { placeIncident, type NodeDescription, type NodeRegistry } from './node-registry.ts';
import { resumeTokenNode } from './resume-registry.ts';

/**
 * What a request is about, for routing: an existing incident (served where it lives), a seat
 * named by its resume token (served on the seat's node), or a new incident (placed by load).
 */
export type RouteTarget = { incident: string } | { seat: string } | { new: 'incident' };

/** The client side of a proxied session, on the node the client is connected to. */
export interface ProxyEnd {
  deliver(text: string): void;
  closed(code: number, reason: string): void;
}

/** The serving side: a signalling connection for a client connected elsewhere. */
export interface ServedSession {
  receive(text: string): void;
  close(): void;
  /** The client's signed-in session ended: end the seat, then close. */
  endSession(cause: LinkSessionEnd): Promise<void>;
}

export interface ClusterDeps {
  nodeId: string;
  registry: NodeRegistry;
  link: NodeLink;
  /** The node hosting a live incident, if the incident is known. */
  incidentNode(incidentId: string): Promise<string | undefined>;
  log: FastifyBaseLogger;
}

/** Builds the serving end for a client of another node (the signalling layer installs it). */
export type ServeForwarded = (socket: ClientSocket, userId: string | null, source: LinkSource) => Promise<ServedSession>;

export class Cluster {
  readonly #proxies = new Map<string, { nodeId: string; end: ProxyEnd }>();
  readonly #served = new Map<string, { from: string; session: Promise<ServedSession> }>();
  #watch: NodeJS.Timeout | null = null;
  #serve: ServeForwarded | null = null;
  readonly #serving: Promise<ServeForwarded>;
  #installServe: (serve: ServeForwarded) => void = () => undefined;
  readonly #http: LinkedHttp;

  constructor(private readonly deps: ClusterDeps) {
    this.#serving = new Promise((resolve) => (this.#installServe = resolve));
    this.#http = new LinkedHttp(deps.nodeId, (nodeId, frame) => deps.link.send(nodeId, frame), deps.log);
    deps.link.onFrame((frame) => this.#onFrame(frame));
  }

  /** How this node answers HTTP requests other nodes hand it (its app, without a socket). */
  serveHttpWith(serve: ServeLinkedHttp): void {
    this.#http.serveWith(serve);
  }

  /** Hands an HTTP request to `nodeId` (the node holding what it asks for). */
  forwardHttp(nodeId: string, request: LinkedRequest): Promise<LinkedResponse> {
    return this.#http.request(nodeId, request);
  }

  /** Whether `nodeId` is another node that is live now. */
  async isLivePeer(nodeId: string): Promise<boolean> {
    return nodeId !== this.deps.nodeId && (await this.deps.registry.isLive(nodeId));
  }

  /** The signalling layer's serving end for clients of other nodes; their frames wait for it until then. */
  serveWith(serve: ServeForwarded): void {
    this.#serve = serve;
    this.#installServe(serve);
  }

  get nodeId(): string {
    return this.deps.nodeId;
  }

  /** The live nodes, with their last reported load. */
  nodes() {
    return this.deps.registry.live();
  }

  /** Joins the cluster: the heartbeat (saying what `describe` says) and the watch on peer nodes. */
  async start(checkEveryMs: number, describe: NodeDescription): Promise<void> {
    await this.deps.registry.start(describe);
    this.#watch = setInterval(() => void this.#dropDeadPeers().catch((error) => this.deps.log.warn({ err: error }, 'cluster check failed')), checkEveryMs);
    this.#watch.unref();
  }

  /**
   * The node that should serve a request: the incident's host, the seat's node, or placement by
   * load for a new incident; this node when the one named is not live.
   */
  async servingNode(target: RouteTarget): Promise<string> {
    const self = this.deps.nodeId;
    if ('new' in target) return placeIncident(await this.deps.registry.live(), self);
    const node = 'seat' in target ? resumeTokenNode(target.seat) : await this.deps.incidentNode(target.incident);
    return node && node !== self && (await this.deps.registry.isLive(node)) ? node : self;
  }

  /** Opens a session on `nodeId` for a client connected here; returns the id its messages travel under. */
  async openProxy(nodeId: string, userId: string | null, source: LinkSource, end: ProxyEnd): Promise<string> {
    const sessionId = randomUUID();
    this.#proxies.set(sessionId, { nodeId, end });
    await this.deps.link.send(nodeId, { kind: 'open', sessionId, from: this.deps.nodeId, userId, source });
    return sessionId;
  }

  forward(sessionId: string, text: string): Promise<void> {
    const proxy = this.#proxies.get(sessionId);
    if (!proxy) return Promise.resolve();
    return this.deps.link.send(proxy.nodeId, { kind: 'data', sessionId, data: text });
  }

  /** The client's signed-in session ended: its serving node ends the seat and then closes the proxy. */
  async endProxiedSession(sessionId: string, cause: LinkSessionEnd): Promise<void> {
    const proxy = this.#proxies.get(sessionId);
    if (!proxy) return;
    await this.deps.link.send(proxy.nodeId, { kind: 'session-ended', sessionId, cause }).catch(() => undefined);
  }

  async closeProxy(sessionId: string): Promise<void> {
    const proxy = this.#proxies.get(sessionId);
    if (!proxy) return;
    this.#proxies.delete(sessionId);
    await this.deps.link.send(proxy.nodeId, { kind: 'close', sessionId, code: 1000, reason: 'client left' }).catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.#watch) clearInterval(this.#watch);
    this.#http.close();
    for (const [sessionId, served] of this.#served) {
      this.#served.delete(sessionId);
      void served.session.then((s) => s.close());
    }
    for (const [sessionId, proxy] of this.#proxies) {
      this.#proxies.delete(sessionId);
      proxy.end.closed(1012, 'SERVER_SHUTTING_DOWN');
    }
    await this.deps.registry.stop();
    await this.deps.link.close();
  }

  #onFrame(frame: LinkFrame): void {
    switch (frame.kind) {
      case 'http-request':
      case 'http-head':
      case 'http-chunk':
      case 'http-end':
      case 'http-ack':
        this.#http.onFrame(frame);
        return;
      case 'open': {
        const socket = this.#remoteSocket(frame.from, frame.sessionId);
        const session = (this.#serve ? Promise.resolve(this.#serve) : this.#serving).then((serve) => serve(socket, frame.userId, frame.source));
        this.#served.set(frame.sessionId, { from: frame.from, session });
        session.catch((error) => {
          this.deps.log.warn({ err: error }, 'could not serve a proxied session');
          socket.close(1011, 'INTERNAL');
        });
        return;
      }
      case 'data': {
        const served = this.#served.get(frame.sessionId);
        if (served) void served.session.then((s) => s.receive(frame.data));
        else this.#proxies.get(frame.sessionId)?.end.deliver(frame.data);
        return;
      }
      case 'session-ended': {
        const served = this.#served.get(frame.sessionId);
        if (served) void served.session.then((s) => s.endSession(frame.cause));
        return;
      }
      case 'close': {
        const served = this.#served.get(frame.sessionId);
        if (served) {
          this.#served.delete(frame.sessionId);
          void served.session.then((s) => s.close());
          return;
        }
        const proxy = this.#proxies.get(frame.sessionId);
        this.#proxies.delete(frame.sessionId);
        proxy?.end.closed(frame.code, frame.reason);
      }
    }
  }

  /** The serving end's socket: what it sends goes back to the client's node. */
  #remoteSocket(from: string, sessionId: string): ClientSocket {
    let open = true;
    const link = this.deps.link;
    const served = this.#served;
    return {
      get isOpen() {
        return open;
      },
      send: (text) => {
        if (open) void link.send(from, { kind: 'data', sessionId, data: text }).catch(() => undefined);
      },
      terminate: () => {
        if (!open) return;
        open = false;
        served.delete(sessionId);
        void link.send(from, { kind: 'close', sessionId, code: 1006, reason: 'terminated' }).catch(() => undefined);
      },
      close: (code, reason) => {
        if (!open) return;
        open = false;
        served.delete(sessionId);
        void link.send(from, { kind: 'close', sessionId, code, reason }).catch(() => undefined);
      },
    };
  }

  /** Clients proxied to a node that died are told so; sessions served for a dead node are closed. */
  async #dropDeadPeers(): Promise<void> {
    const live = new Set((await this.deps.registry.live()).map((n) => n.nodeId));
    for (const [sessionId, proxy] of this.#proxies) {
      if (live.has(proxy.nodeId)) continue;
      this.#proxies.delete(sessionId);
      proxy.end.closed(1012, 'NODE_LOST');
    }
    for (const [sessionId, served] of this.#served) {
      if (live.has(served.from)) continue;
      this.#served.delete(sessionId);
      void served.session.then((s) => s.close());
    }
  }
}
