// One signalling socket: limits, parsing, one request at a time, replies, and the connection's
// place in an incident. Handlers decide; this class only carries messages and state.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, type RawData } from 'ws';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { User } from '../identity/directory.ts';
import type { LiveIncident, ParticipantChannel } from '../live/live-incident.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import { clientMessage, type ServerMessage } from '../protocol/messages.ts';
import type { Services } from '../services.ts';
import type { ViewingGrant } from '../tokens/viewing-token.ts';
import type { ConsoleSubscriber } from '../console/console-hub.ts';
import { toSightlineError } from './error-mapping.ts';
import { dispatch } from './handlers/index.ts';
import { TokenBucket } from './token-bucket.ts';

/** Refused messages in a row after which a flooding socket is closed (policy violation). */
const FLOOD_CLOSE_AFTER = 200;

/** Messages kept for a dropped connection's seat during its grace period, at most. */
const BACKLOG_LIMIT = 500;

/** What a resumed connection takes over from the dropped one. */
interface Seat {
  peerId: string;
  user: User | null;
  viewer: { user: User; grant: ViewingGrant } | null;
  incident: LiveIncident;
  session: { token: string; endsAt: number } | null;
  expiry: { at: number; code: ErrorCode; onEnd: () => void } | null;
  backlog: ServerMessage[];
}

export class SignalingConnection implements ParticipantChannel {
  /** The seat's participant id; a resumed connection takes the dropped one's. */
  peerId = `peer-${randomUUID()}`;
  /** The session this socket authenticated with (`auth`), to re-check it on `resume`. */
  session: { token: string; endsAt: number } | null = null;
  /** The signed-in officer or supervisor, after `auth`. */
  user: User | null = null;
  /** The clinician and their verified grant, after `join`. */
  viewer: { user: User; grant: ViewingGrant } | null = null;
  incident: LiveIncident | null = null;
  readonly #bucket: TokenBucket;
  #refusedInARow = 0;
  #queue: Promise<void> = Promise.resolve();
  #expiry: NodeJS.Timeout | null = null;
  #expiryAt: { at: number; code: ErrorCode } | null = null;
  #onExpiry: () => void = () => undefined;
  /** Set while the socket is gone but the seat is kept for `resume`. */
  #detached: { timer: NodeJS.Timeout; backlog: ServerMessage[] } | null = null;
  /** False once the server itself closed the socket (shutdown, flood): no grace period then. */
  #resumable = true;
  #subscription: ConsoleSubscriber | null = null;
  #closed = false;

  constructor(
    private readonly socket: WebSocket,
    readonly source: AuditSource,
    readonly services: Services,
    readonly log: FastifyBaseLogger,
  ) {
    this.#bucket = new TokenBucket(services.config.WS_RATE_PER_SECOND, services.config.WS_RATE_BURST);
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('close', () => this.close());
    socket.on('error', (error) => log.debug({ err: error, peerId: this.peerId }, 'signalling socket error'));
  }

  /** The audit actor for this connection, if it has identified itself. */
  get actor(): AuditActor | null {
    const user = this.user ?? this.viewer?.user;
    return user ? { id: user.id, role: user.role, agencyId: user.agencyId } : null;
  }

  send(message: ServerMessage): void {
    if (this.#detached) {
      this.#detached.backlog.push(message);
      if (this.#detached.backlog.length > BACKLOG_LIMIT) this.#endDetached();
      return;
    }
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Cuts access at `at` (ms since epoch): media closed, the client told why. */
  scheduleAccessEnd(at: number, code: ErrorCode, onEnd: () => void): void {
    this.#clearExpiry();
    this.#onExpiry = onEnd;
    this.#expiryAt = { at, code };
    this.#expiry = setTimeout(() => {
      this.#expiry = null;
      this.leaveIncident(code);
      onEnd();
    }, Math.max(0, at - Date.now()));
  }

  /** Supervisors and clinicians receive their console or inbox on this socket from now on. */
  async subscribeConsole(user: User): Promise<void> {
    if (this.#subscription || this.#closed) return;
    this.#subscription = { user, send: (message) => this.send(message) };
    await this.services.consoles.add(this.#subscription);
  }

  /** ParticipantChannel: access was cut elsewhere (revoked, incident ended, agreement withdrawn). */
  endAccess(code: ErrorCode): void {
    this.leaveIncident(code);
  }

  /** ParticipantChannel: the grant was extended; re-arm the expiry and tell the client. */
  extendAccess(expiresAt: number): void {
    if (!this.incident || !this.viewer) return;
    this.viewer.grant = { ...this.viewer.grant, expiresAt };
    this.scheduleAccessEnd(expiresAt, 'GRANT_EXPIRED', this.#onExpiry);
    this.send({ type: 'grant.updated', grantId: this.viewer.grant.grantId, expiresAt });
  }

  /** Leaves the current incident, cutting this connection's media. */
  leaveIncident(code?: ErrorCode): void {
    this.#clearExpiry();
    this.#clearDetached();
    this.services.resumes.forget(this);
    const incident = this.incident;
    this.incident = null;
    incident?.remove(this.peerId, code);
  }

  /**
   * Closes the connection. A connection seated in an incident keeps its seat for the resume
   * grace period (an officer's incident stays live, viewers keep their consumers) unless the
   * server closed it; then the seat ends as below.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#subscription) this.services.consoles.remove(this.#subscription);
    this.#subscription = null;
    const graceMs = this.services.config.RESUME_GRACE_SECONDS * 1000;
    if (this.incident && this.#resumable && graceMs > 0 && !this.incident.ended) {
      const timer = setTimeout(() => this.#endDetached(), graceMs);
      timer.unref();
      this.#detached = { timer, backlog: [] };
      this.log.debug({ peerId: this.peerId, graceMs }, 'signalling socket dropped; seat kept for resume');
    } else {
      this.#endSeat();
    }
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000);
    }
  }

  /**
   * `resume`: this fresh connection takes over `old`'s seat (participant id, identity, incident,
   * expiry timer), and the messages the seat missed while dropped are delivered after the reply.
   */
  takeOver(old: SignalingConnection): void {
    const seat = old.#handOver();
    this.peerId = seat.peerId;
    this.user = seat.user;
    this.viewer = seat.viewer;
    this.session = seat.session;
    this.incident = seat.incident;
    seat.incident.rebind(seat.peerId, this);
    if (seat.expiry) this.scheduleAccessEnd(seat.expiry.at, seat.expiry.code, seat.expiry.onEnd);
    const user = this.user;
    setImmediate(() => {
      for (const message of seat.backlog) this.send(message);
      if (user && (user.role === 'supervisor' || user.role === 'clinician')) void this.subscribeConsole(user);
    });
  }

  /** Gives this connection's seat to a resuming connection; this one goes quiet for good. */
  #handOver(): Seat {
    const incident = this.incident;
    if (!incident) throw new SightlineError('RESUME_FAILED');
    const seat: Seat = {
      peerId: this.peerId,
      user: this.user,
      viewer: this.viewer,
      incident,
      session: this.session,
      expiry: this.#expiryAt ? { ...this.#expiryAt, onEnd: this.#onExpiry } : null,
      backlog: this.#detached?.backlog ?? [],
    };
    this.#closed = true;
    this.#clearExpiry();
    this.#clearDetached();
    this.incident = null;
    if (this.#subscription) this.services.consoles.remove(this.#subscription);
    this.#subscription = null;
    // The old socket may still look open (the network dropped without a FIN): close it quietly.
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    return seat;
  }

  /** The grace period ran out (or the backlog overflowed): the seat ends as on a final close. */
  #endDetached(): void {
    if (!this.#detached) return;
    this.#clearDetached();
    this.#endSeat();
  }

  #clearDetached(): void {
    if (this.#detached) clearTimeout(this.#detached.timer);
    this.#detached = null;
  }

  /** A clinician leaving is audited; an officer gone for good ends the incident, since nobody streams it. */
  #endSeat(): void {
    this.services.resumes.forget(this);
    const incident = this.incident;
    const isOfficer = incident?.participant(this.peerId)?.isOfficer === true;
    if (incident && isOfficer) {
      this.incident = null;
      this.#clearExpiry();
      void this.services.live.end(incident.incident.id, 'INCIDENT_ENDED', { actor: this.actor, source: this.source });
    } else {
      this.leaveIncident();
    }
    if (incident && this.viewer) {
      void this.services.audit.note({
        action: 'leave',
        outcome: 'info',
        actor: this.actor,
        target: { incidentId: incident.incident.id, grantId: this.viewer.grant.grantId },
        source: this.source,
      });
    }
  }

  terminate(code: number, reason: string): void {
    this.#resumable = false;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
    this.close();
  }

  #clearExpiry(): void {
    if (this.#expiry) clearTimeout(this.#expiry);
    this.#expiry = null;
    this.#expiryAt = null;
  }

  #receive(data: RawData, isBinary: boolean): void {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (!this.#bucket.take()) {
      this.#refuse(null, new SightlineError('RATE_LIMITED'));
      if (this.#refusedInARow > FLOOD_CLOSE_AFTER) this.terminate(1008, 'RATE_LIMITED');
      return;
    }
    if (size > this.services.config.WS_MAX_MESSAGE_BYTES) {
      this.#refuse(null, new SightlineError('MESSAGE_TOO_LARGE', `messages are limited to ${this.services.config.WS_MAX_MESSAGE_BYTES} bytes`));
      return;
    }
    if (isBinary) {
      this.#refuse(null, new SightlineError('MESSAGE_MALFORMED', 'binary messages are not part of the protocol'));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      this.#refuse(null, new SightlineError('MESSAGE_MALFORMED', 'the message is not valid JSON'));
      return;
    }
    const requestId = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      this.#refuse(requestId, new SightlineError('MESSAGE_MALFORMED', `${issue?.message ?? 'invalid message'}${where}`));
      return;
    }
    const message = parsed.data;
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        const data = await dispatch(this, message);
        this.#refusedInARow = 0;
        this.send({ type: 'response', id: message.id, ok: true, data });
      } catch (error) {
        const failure = toSightlineError(error);
        if (failure.code === 'INTERNAL') this.log.error({ err: error, type: message.type }, 'signalling handler failed');
        this.#refuse(message.id, failure);
      }
    });
  }

  #refuse(id: number | null, error: SightlineError): void {
    this.#refusedInARow += 1;
    this.send({ type: 'response', id, ok: false, error: error.toJSON() });
  }
}
