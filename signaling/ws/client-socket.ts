// A client connected to this node over a WebSocket, as a signalling connection's socket.
import { WebSocket } from 'ws';
import type { ClientSocket } from '../cluster/client-socket.ts';

export class WsClientSocket implements ClientSocket {
  constructor(private readonly ws: WebSocket) {}

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}
