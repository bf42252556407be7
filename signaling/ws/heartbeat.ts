// Server-side liveness: a WebSocket ping every interval; a socket that answered nothing (no
// pong, no message) for a whole interval is terminated, which starts its seat's resume grace
// period. Without this, a phone that lost its network would hold its incident until TCP gave up.
import type { WebSocket } from 'ws';

export function keepAlive(ws: WebSocket, intervalMs: number): void {
  let heard = true;
  const mark = () => {
    heard = true;
  };
  ws.on('pong', mark);
  ws.on('message', mark);
  const timer = setInterval(() => {
    if (!heard) {
      ws.terminate();
      return;
    }
    heard = false;
    try {
      ws.ping();
    } catch {
      // Closing already.
    }
  }, intervalMs);
  timer.unref();
  ws.once('close', () => clearInterval(timer));
}
