// Attaches the signalling WebSocket endpoint (/ws) to the fastify server, with an origin check,
// a hard payload cap, and connections closed before the app closes.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import type { SignalingDeps } from './signaling-deps.ts';
import { clientAddress, compileTrustProxy } from '../net/client-address.ts';
import { ClientSession } from './client-session.ts';
import { SignalingConnection } from './connection.ts';
import { dispatch } from './handlers/index.ts';
import { keepAlive } from './heartbeat.ts';
import { closeSocketsOfEndedSessions } from './session-sockets.ts';
import { seatResumes } from './seat-resumes.ts';

export const SIGNALING_PATH = '/ws';

/** Browsers send Origin; it must name the host they connected to. Non-browser clients send none. */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  try {
    const originHost = new URL(origin).host;
    return originHost === host || originHost === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

export function attachSignaling(app: FastifyInstance, deps: SignalingDeps): { connections: Set<ClientSession> } {
  const connections = new Set<ClientSession>();
  // The hard cap closes the socket (1009); smaller oversize messages get MESSAGE_TOO_LARGE and the socket stays up.
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.WS_MAX_MESSAGE_BYTES * 4 });
  const stopSessionWatch = closeSocketsOfEndedSessions(deps.bus, connections, seatResumes(deps));
  // Clients of other nodes whose requests this node serves (their incident or seat is here).
  deps.cluster.serveWith(async (socket, userId, from) => {
    const connection = new SignalingConnection(socket, from, deps, app.log, dispatch, false);
    connection.user = userId ? ((await deps.directory.userById(userId)) ?? null) : null;
    return connection;
  });
  const trust = compileTrustProxy(deps.config.TRUST_PROXY);

  app.server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== SIGNALING_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!originAllowed(request.headers.origin, request.headers.host, deps.nodeState.publicUrl)) {
      app.log.warn({ origin: request.headers.origin }, 'signalling connection refused: origin not allowed');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const ip = clientAddress(request, trust);
    const accept = () =>
      wss.handleUpgrade(request, socket, head, (ws) => {
        const source = {
          ...deps.source(ip, request.headers['user-agent']?.slice(0, 256) ?? null),
          connection: randomUUID(),
        };
        const connection = new ClientSession(ws, source, deps, deps.cluster, app.log);
        connections.add(connection);
        keepAlive(ws, deps.config.WS_HEARTBEAT_SECONDS * 1000);
        ws.once('close', () => connections.delete(connection));
      });
    // New connections per client address per minute, counted in the shared store (all nodes).
    deps.store.counters.increment(`ws-connect:${ip ?? 'unknown'}`, 60_000).then(
      (count) => {
        if (count <= deps.config.WS_CONNECTS_PER_MINUTE) accept();
        else socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n\r\n');
      },
      () => socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n'),
    );
  });

  app.addHook('preClose', async () => {
    stopSessionWatch();
    for (const connection of connections) {
      connection.local.send({ type: 'server.shutdown', message: 'The server is restarting; reconnect shortly.' });
      connection.terminate(1001, 'SERVER_SHUTTING_DOWN');
    }
    connections.clear();
    wss.close();
  });
  return { connections };
}
