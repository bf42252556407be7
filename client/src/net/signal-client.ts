// WebSocket signalling: request/response matching and typed notifications. Nothing else.
import type {
  ClientMessageType,
  ClientRequest,
  ResponseData,
  ServerMessage,
} from '../../../signaling/protocol/messages.ts';
import { SightlineError, toCode } from './errors.ts';

export type Notification = Exclude<ServerMessage, { type: 'response' }>;
export type NotificationType = Notification['type'];
export type NotificationOf<T extends NotificationType> = Extract<Notification, { type: T }>;
/** Request body: the message without `id` and `type`. */
export type RequestBody<T extends ClientMessageType> = Omit<ClientRequest<T>, 'id' | 'type'>;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: SightlineError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** ws(s)://<this host>/ws */
export const defaultSocketUrl = (): string =>
  `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;

export class SignalClient {
  /** The current socket; `adopt` replaces it after a drop, keeping handlers. */
  private socket: WebSocket;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<NotificationType, Set<(message: Notification) => void>>();
  private readonly closeHandlers = new Set<(event: CloseEvent) => void>();
  private nextId = 1;
  private closed = false;
  private closedByClient = false;

  private constructor(
    socket: WebSocket,
    private readonly socketUrl: string,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: WebSocket): void {
    socket.addEventListener('message', (event) => socket === this.socket && this.onMessage(event));
    socket.addEventListener('close', (event) => socket === this.socket && this.handleClose(event));
  }

  /** Where this client connects; a resume opens new sockets here. */
  get url(): string {
    return this.socketUrl;
  }

  /**
   * After the socket dropped: carry on over `socket`, a new open socket to the same URL.
   * Notification and close handlers are kept.
   */
  adopt(socket: WebSocket): void {
    this.socket = socket;
    this.closed = false;
    this.closedByClient = false;
    this.attach(socket);
  }

  /**
   * The socket is dead though the browser has not noticed (no answer to heartbeats): pending
   * requests fail and close handlers run now, as on a drop.
   */
  abandon(): void {
    const socket = this.socket;
    this.handleClose(new CloseEvent('close', { code: 4000, reason: 'no heartbeat' }));
    socket.close();
  }

  /** Open the socket; resolves once connected, rejects with NETWORK if it cannot connect. */
  static connect(url: string = defaultSocketUrl()): Promise<SignalClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new SignalClient(socket, url);
      const onOpen = () => {
        socket.removeEventListener('error', onError);
        resolve(client);
      };
      const onError = () => {
        socket.removeEventListener('open', onOpen);
        reject(new SightlineError('NETWORK', 'WebSocket connection failed'));
      };
      socket.addEventListener('open', onOpen, { once: true });
      socket.addEventListener('error', onError, { once: true });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  request<T extends ClientMessageType>(type: T, body: RequestBody<T>): Promise<ResponseData[T]> {
    if (!this.isOpen) {
      return Promise.reject(new SightlineError('DISCONNECTED', 'Not connected'));
    }
    const id = this.nextId++;
    return new Promise<ResponseData[T]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SightlineError('TIMEOUT', `No answer to ${type}`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ ...body, id, type }));
    });
  }

  /** Subscribe to one notification type; returns an unsubscribe function. */
  on<T extends NotificationType>(type: T, handler: (message: NotificationOf<T>) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    const wrapped = handler as (message: Notification) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Called once when the socket closes, unless this side closed it with close(). */
  onClose(handler: (event: CloseEvent) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  close(): void {
    this.closedByClient = true;
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN) {
      this.socket.close(1000, 'client closing');
    }
  }

  private handleClose(event: CloseEvent): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new SightlineError('DISCONNECTED', 'Connection closed'));
      this.pending.delete(id);
    }
    if (this.closedByClient) return;
    for (const handler of this.closeHandlers) handler(event);
  }

  private onMessage(event: MessageEvent): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(event.data)) as ServerMessage;
    } catch {
      console.warn('[signal] ignoring non-JSON message');
      return;
    }
    if (message.type !== 'response') {
      for (const handler of this.handlers.get(message.type) ?? []) {
        try {
          handler(message);
        } catch (error) {
          console.error(`[signal] ${message.type} handler failed`, error);
        }
      }
      return;
    }
    const pending = message.id === null ? undefined : this.pending.get(message.id);
    if (!pending) {
      if (!message.ok) console.warn('[signal] unmatched error', message.error);
      return;
    }
    this.pending.delete(message.id as number);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.data);
    else pending.reject(new SightlineError(toCode(message.error?.code), message.error?.message ?? ''));
  }
}
