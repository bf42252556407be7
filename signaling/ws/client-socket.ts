// Where a signalling connection's messages go: a WebSocket on this node, or a client connected to
// another node and served here through the node link.
import { WebSocket } from 'ws';

export interface ClientSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a closing handshake (a peer that went silent). */
  terminate(): void;
  readonly isOpen: boolean;
}

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
