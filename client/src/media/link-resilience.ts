// Keeps a seat in an incident alive across network trouble:
//  - a heartbeat notices a dead signalling socket the browser has not noticed (TCP just stalls);
//  - after a drop, the socket reconnects with jittered exponential backoff and `resume`s the seat
//    (same grant, same incident, no new token), then ICE restarts on every transport;
//  - a transport whose ICE stays broken while signalling is fine gets an ICE restart of its own;
//  - TURN credentials are renewed (by an ICE restart) shortly before they expire.
import type { types } from 'mediasoup-client';
import type { IceServerInfo } from '../../../signaling/protocol/messages.ts';
import { toSightlineError, type AnyErrorCode } from '../net/errors.ts';
import { credentialsExpireAt } from './ice-config.ts';
import { quietForMs } from './ice-path.ts';
import { backoffDelay, CONNECT_ATTEMPT_TIMEOUT_MS, isFinalRefusal, MAX_PENDING_ATTEMPTS, withinGrace } from '../net/reconnect-policy.ts';
import type { SignalClient } from '../net/signal-client.ts';
import { setLinkCounts, setLinkState } from './debug-hooks.ts';

export type LinkState = 'ok' | 'reconnecting';

export interface ResilienceOptions {
  signal: SignalClient;
  resumeToken: string;
  /** How long the relay keeps the seat after a drop. */
  graceMs: number;
  iceServers: IceServerInfo[] | undefined;
  transports: () => Array<types.Transport | null>;
  /** ICE is connected again after a restart (viewers ask for a keyframe here). */
  onMediaRestored?: () => void;
  onLinkState?: (state: LinkState) => void;
  /** Resumes and ICE restarts so far (debug hooks). */
  onCounts?: (counts: { resumes: number; iceRestarts: number }) => void;
  /** The seat could not be resumed: the page ends the stream with this code. */
  onGiveUp: (code: AnyErrorCode) => void;
}

const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 2000;
const RESUME_TIMEOUT_MS = 4000;
/** A transport disconnected this long while signalling works gets an ICE restart. */
const ICE_STALL_MS = 2500;
/**
 * After a resume, a transport whose ICE still looks up (`connected`, or merely `disconnected`)
 * gets this long to show that its path works, by receiving anything, before it is restarted: the
 * path comes back by itself when the network returns unchanged (and restarting a path about to
 * recover costs a second or more), while after a switch of network the browser keeps calling the
 * dead path `connected` for seconds.
 */
const SELF_HEAL_MS = 500;
/** A path that received something this recently works. */
const PATH_ALIVE_MS = 250;
const PATH_CHECK_EVERY_MS = 100;
/** Renew TURN credentials this long before they expire. */
const CREDENTIAL_MARGIN_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

export class LinkResilience {
  #token: string;
  #stopped = false;
  #resuming = false;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #stalls = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #watched = new WeakSet<types.Transport>();
  #refresh: ReturnType<typeof setTimeout> | null = null;
  /** Completed resumes and ICE restarts, for the debug hooks. */
  resumes = 0;
  iceRestarts = 0;

  constructor(private readonly options: ResilienceOptions) {
    this.#token = options.resumeToken;
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.watchTransports();
    this.#scheduleRefresh(options.iceServers);
  }

  get state(): LinkState {
    return this.#resuming ? 'reconnecting' : 'ok';
  }

  /** The socket dropped: resume in the background. False when stopped (the page then ends). */
  resume(): boolean {
    if (this.#stopped) return false;
    if (!this.#resuming) void this.#resumeLoop();
    return true;
  }

  /** Watch transports created after construction too (idempotent). */
  watchTransports(): void {
    for (const transport of this.options.transports()) {
      if (!transport || this.#watched.has(transport)) continue;
      this.#watched.add(transport);
      transport.on('connectionstatechange', (state) => this.#onIceState(transport, state));
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    for (const timer of this.#stalls.values()) clearTimeout(timer);
    this.#stalls.clear();
    if (this.#refresh) clearTimeout(this.#refresh);
  }

  #beat(): void {
    const { signal } = this.options;
    if (this.#stopped || this.#resuming || !signal.isOpen) return;
    const timer = setTimeout(() => {
      if (!this.#stopped && !this.#resuming && signal.isOpen) signal.abandon();
    }, HEARTBEAT_TIMEOUT_MS);
    signal.request('ping', {}).then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }

  async #resumeLoop(): Promise<void> {
    const { signal } = this.options;
    this.#resuming = true;
    this.options.onLinkState?.('reconnecting');
    const droppedAt = Date.now();
    while (!this.#stopped) {
      const socket = await this.#connect(droppedAt);
      if (this.#stopped) return socket?.close();
      if (!socket) return this.#giveUp('DISCONNECTED');
      signal.adopt(socket);
      try {
        // ICE restarts at once only where the path is gone (failed, or never up); the others get
        // SELF_HEAL_MS to show their path works before their restart.
        const open = this.options.transports().filter((t): t is types.Transport => t !== null && !t.closed);
        const looksUp = (t: types.Transport) => t.connectionState === 'connected' || t.connectionState === 'disconnected';
        const restartIce = open.filter((t) => !looksUp(t)).map((t) => t.id);
        const waiting = open.filter(looksUp);
        const reply = await withTimeout(signal.request('resume', { resumeToken: this.#token, restartIce }), RESUME_TIMEOUT_MS);
        this.#token = reply.resumeToken;
        this.#resuming = false;
        this.resumes += 1;
        this.#counted();
        this.options.onLinkState?.('ok');
        await this.#restartIce(reply.transports, reply.iceServers);
        for (const transport of waiting) void this.#restartUnlessAlive(transport);
        return;
      } catch (error) {
        const code = toSightlineError(error).code;
        if (isFinalRefusal(code)) return this.#giveUp(code);
        if (signal.isOpen) signal.abandon();
        await sleep(backoffDelay(0));
      }
    }
  }

  /**
   * Opens a new socket: attempts start after growing, jittered delays and overlap (a new one
   * starts while earlier ones hang on a lost SYN); the first to open wins, the rest are closed.
   * Null once the seat's grace period is over or the link was stopped.
   */
  #connect(droppedAt: number): Promise<WebSocket | null> {
    const { signal, graceMs } = this.options;
    return new Promise((resolve) => {
      const pending = new Set<WebSocket>();
      let settled = false;
      let attempt = 0;
      let timer: ReturnType<typeof setTimeout>;
      const finish = (winner: WebSocket | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const socket of pending) if (socket !== winner) socket.close();
        resolve(winner);
      };
      const launch = () => {
        if (settled) return;
        if (this.#stopped || !withinGrace(droppedAt, Date.now(), graceMs)) return finish(null);
        // Keep the freshest attempts: an old one waits on TCP's slow SYN retries.
        if (pending.size >= MAX_PENDING_ATTEMPTS) {
          const oldest = pending.values().next().value;
          if (oldest) {
            pending.delete(oldest);
            oldest.close();
          }
        }
        {
          const socket = new WebSocket(signal.url);
          pending.add(socket);
          const giveUp = setTimeout(() => {
            pending.delete(socket);
            socket.close();
          }, CONNECT_ATTEMPT_TIMEOUT_MS);
          socket.addEventListener('open', () => {
            clearTimeout(giveUp);
            pending.delete(socket);
            if (settled) socket.close();
            else finish(socket);
          }, { once: true });
          socket.addEventListener('error', () => {
            clearTimeout(giveUp);
            pending.delete(socket);
          }, { once: true });
        }
        timer = setTimeout(launch, backoffDelay(attempt++));
      };
      timer = setTimeout(launch, backoffDelay(attempt++));
    });
  }

  #counted(): void {
    this.options.onCounts?.({ resumes: this.resumes, iceRestarts: this.iceRestarts });
  }

  #giveUp(code: AnyErrorCode): void {
    this.#resuming = false;
    if (this.#stopped) return;
    this.stop();
    this.options.onGiveUp(code);
  }

  async #restartIce(list: Array<{ id: string; iceParameters: unknown }>, iceServers: IceServerInfo[] | undefined): Promise<void> {
    const restarted: types.Transport[] = [];
    for (const { id, iceParameters } of list) {
      const transport = this.options.transports().find((t) => t?.id === id);
      if (!transport || transport.closed) continue;
      try {
        if (iceServers) await transport.updateIceServers({ iceServers });
        await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
        restarted.push(transport);
        this.iceRestarts += 1;
        this.#counted();
      } catch (error) {
        console.warn('[link] ICE restart failed', error);
      }
    }
    if (iceServers) this.#scheduleRefresh(iceServers);
    void this.#whenConnected(restarted).then(() => this.options.onMediaRestored?.());
  }

  /** Restarts ICE on a transport whose path receives nothing within SELF_HEAL_MS. */
  async #restartUnlessAlive(transport: types.Transport): Promise<void> {
    const deadline = Date.now() + SELF_HEAL_MS;
    while (!this.#stopped && !transport.closed) {
      const quiet = await quietForMs(transport).catch(() => null);
      if (quiet !== null && quiet < PATH_ALIVE_MS) return;
      if (Date.now() >= deadline) return this.#restartOne(transport);
      await sleep(PATH_CHECK_EVERY_MS);
    }
  }

  /** ICE restart on one transport over working signalling (stalled ICE, or TURN credentials due). */
  async #restartOne(transport: types.Transport): Promise<void> {
    const { signal } = this.options;
    if (this.#stopped || this.#resuming || !signal.isOpen || transport.closed) return;
    try {
      const { iceParameters, iceServers } = await signal.request('transport.restartIce', { transportId: transport.id });
      if (iceServers) {
        await transport.updateIceServers({ iceServers });
        this.#scheduleRefresh(iceServers);
      }
      await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
      this.iceRestarts += 1;
      this.#counted();
      void this.#whenConnected([transport]).then(() => this.options.onMediaRestored?.());
    } catch (error) {
      console.warn('[link] ICE restart request failed', error);
    }
  }

  #onIceState(transport: types.Transport, state: types.ConnectionState): void {
    const pending = this.#stalls.get(transport.id);
    if (state === 'connected' || state === 'closed' || state === 'new' || state === 'connecting') {
      if (pending) clearTimeout(pending);
      this.#stalls.delete(transport.id);
      return;
    }
    if (pending) return;
    this.#stalls.set(
      transport.id,
      setTimeout(() => {
        this.#stalls.delete(transport.id);
        if (transport.connectionState !== 'connected') void this.#restartOne(transport);
      }, state === 'failed' ? 0 : ICE_STALL_MS),
    );
  }

  #scheduleRefresh(iceServers: IceServerInfo[] | undefined): void {
    if (this.#refresh) clearTimeout(this.#refresh);
    this.#refresh = null;
    const expiresAt = credentialsExpireAt(iceServers);
    if (expiresAt === null || expiresAt - Date.now() < 2 * CREDENTIAL_MARGIN_MS) return;
    this.#refresh = setTimeout(() => {
      for (const transport of this.options.transports()) if (transport) void this.#restartOne(transport);
    }, expiresAt - Date.now() - CREDENTIAL_MARGIN_MS);
  }

  #whenConnected(transports: types.Transport[]): Promise<void> {
    return Promise.all(
      transports.map(
        (transport) =>
          new Promise<void>((resolve) => {
            if (transport.connectionState === 'connected' || transport.closed) return resolve();
            const onState = (state: types.ConnectionState) => {
              if (state !== 'connected' && state !== 'closed') return;
              transport.off('connectionstatechange', onState);
              resolve();
            };
            transport.on('connectionstatechange', onState);
          }),
      ),
    ).then(() => undefined);
  }
}

/**
 * A page's seat kept alive: the resume token and grace period from the reply that seated it,
 * with the debug hooks following the link state and counts.
 */
export function seatResilience(
  seat: { resumeToken: string; resumeGraceSeconds?: number; iceServers?: IceServerInfo[] },
  options: Pick<ResilienceOptions, 'signal' | 'transports' | 'onMediaRestored' | 'onGiveUp'> & { link?: (state: LinkState) => void },
): LinkResilience {
  return new LinkResilience({
    ...options,
    resumeToken: seat.resumeToken,
    graceMs: (seat.resumeGraceSeconds ?? 0) * 1000,
    iceServers: seat.iceServers,
    onLinkState: (state) => {
      setLinkState(state);
      options.link?.(state);
    },
    onCounts: setLinkCounts,
  });
}
