// Where a signalling connection's messages go: a WebSocket on this node, or a client connected to
// another node and served here through the node link.
export interface ClientSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection at once, without a closing handshake (a peer that went silent). */
  terminate(): void;
  readonly isOpen: boolean;
}
