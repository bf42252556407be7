// A signed-in signalling socket for pages the server keeps up to date by pushing (supervisor
// console, clinician inbox): connect, `auth` with the session token, and reconnect with backoff
// when the connection drops. The server sends a full snapshot after every `auth`, so nothing is
// lost across a reconnect and nothing is polled.
import { ServerClock } from './clock.ts';
import { SightlineError, isSessionError, toSightlineError } from './errors.ts';
import { FEED_BACKOFF, backoffDelay } from './reconnect-policy.ts';
import { SignalClient } from './signal-client.ts';

export interface LiveSocketEvents {
  /**
   * Subscribe to notifications on a new socket. Runs before `auth` is sent, so the snapshot the
   * server pushes right after authenticating is never missed.
   */
  attach(signal: SignalClient): void;
  /** Authenticated (again). */
  connected?(signal: SignalClient): void;
  /** The connection failed or dropped; another attempt follows. */
  disconnected(error: SightlineError): void;
  /** The session is no longer valid: no more attempts. */
  sessionLost(error: SightlineError): void;
}

export class LiveSocket {
  readonly clock = new ServerClock();
  private current: SignalClient | null = null;
  /** `current` once `auth` succeeded. */
  private authed: SignalClient | null = null;
  private waiters: Array<(signal: SignalClient) => void> = [];
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Bumped on every (re)connect so that a stale attempt cannot install its socket. */
  private generation = 0;

  constructor(
    private readonly token: string,
    private readonly events: LiveSocketEvents,
  ) {}

  /** The authenticated socket, or null while (re)connecting. */
  get signal(): SignalClient | null {
    return this.authed?.isOpen ? this.authed : null;
  }

  /** The authenticated socket, once there is one. */
  ready(): Promise<SignalClient> {
    const signal = this.signal;
    return signal ? Promise.resolve(signal) : new Promise((resolve) => this.waiters.push(resolve));
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /**
   * Close this socket and open a fresh one. The server forgets everything the old connection
   * had (e.g. a `watch`), and sends its snapshot again.
   */
  restart(): void {
    this.dropCurrent();
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.dropCurrent();
  }

  private dropCurrent(): void {
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.current?.close();
    this.current = null;
    this.authed = null;
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    let signal: SignalClient | null = null;
    try {
      signal = await SignalClient.connect();
      if (generation !== this.generation) return signal.close();
      this.current = signal;
      this.events.attach(signal);
      let shutdown = false;
      signal.on('server.shutdown', () => {
        shutdown = true;
      });
      signal.onClose(() => {
        if (generation !== this.generation) return;
        this.retry(new SightlineError(shutdown ? 'SERVER_SHUTTING_DOWN' : 'DISCONNECTED', 'Connection closed'));
      });
      await signal.request('auth', { token: this.token });
      if (generation !== this.generation) return;
      this.attempt = 0;
      this.authed = signal;
      void this.clock.sync(signal);
      this.events.connected?.(signal);
      for (const resolve of this.waiters.splice(0)) resolve(signal);
    } catch (error) {
      if (generation !== this.generation) return;
      const e = toSightlineError(error);
      if (isSessionError(e)) {
        this.stop();
        this.events.sessionLost(e);
        return;
      }
      signal?.close();
      this.retry(e);
    }
  }

  private retry(error: SightlineError): void {
    if (this.stopped || this.timer !== null) return;
    this.generation++;
    this.current = null;
    this.authed = null;
    this.events.disconnected(error);
    const delay = backoffDelay(this.attempt, FEED_BACKOFF);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }
}
