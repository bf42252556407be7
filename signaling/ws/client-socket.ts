// Where a signalling connection's messages go: a WebSocket on this node, or a client connected to
// another node and served here through the node link.
import { WebSocket } from 'ws';

export interface ClientSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
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

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}
