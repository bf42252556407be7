// One client's signalling session on the node that serves it: parsing, one request at a time,
// replies, and the connection's place in an incident. Limits are applied before messages get
// here (client-session.ts); handlers decide; this class only carries messages and state.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { User } from '../identity/directory.ts';
import type { SessionEnd } from '../identity/sessions.ts';
import type { LiveIncident, ParticipantChannel } from '../live/live-incident.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { AuditAction } from '../protocol/audit-actions.ts';
import { clientMessage, type ClientMessage, type ClientMessageType, type ServerMessage } from '../protocol/messages.ts';
import type { SignalingDeps } from './signaling-deps.ts';
import type { ViewingGrant } from '../tokens/viewing-token.ts';
import type { ConsoleSubscriber } from '../feeds/console-hub.ts';
import { toSightlineError } from './error-mapping.ts';
import type { ClientSocket } from '../cluster/client-socket.ts';

/** Messages kept for a dropped connection's seat during its grace period, at most. */
const BACKLOG_LIMIT = 500;

/** What a resumed connection takes over from the dropped one. */
interface Seat {
  peerId: string;
  user: User | null;
  viewer: { user: User; grant: ViewingGrant } | null;
  incident: LiveIncident;
  session: SocketSession | null;
  wantsFeed: boolean;
  backlog: ServerMessage[];
}

/** The session a socket signed in with: its token (to re-check it), store key and absolute end. */
export interface SocketSession {
  token: string;
  key: string;
  endsAt: number;
}

/** Runs a client message's handler on a connection. */
export type Dispatch = (connection: SignalingConnection, message: ClientMessage) => Promise<unknown>;

export class SignalingConnection implements ParticipantChannel {
  /** The seat's participant id; a resumed connection takes the dropped one's. */
  peerId = `peer-${randomUUID()}`;
  /** The session this socket authenticated with (`auth`), to re-check it on `resume`. */
  session: SocketSession | null = null;
  /** The signed-in officer or supervisor, after `auth`. */
  user: User | null = null;
  /** Whether this socket gets the console or inbox pushed once signed in (`auth`'s `feed`). */
  wantsFeed = true;
  /** The clinician and their verified grant, after `join`. */
  viewer: { user: User; grant: ViewingGrant } | null = null;
  incident: LiveIncident | null = null;
  /** The incident where this connection holds a seat made ready ahead of a join (`prepare`), until it joins or goes. */
  prepared: LiveIncident | null = null;
  #queue: Promise<void> = Promise.resolve();
  /** Set while the socket is gone but the seat is kept for `resume`. */
  #detached: { timer: NodeJS.Timeout; backlog: ServerMessage[] } | null = null;
  /** False once the server itself closed the socket (shutdown, flood): no grace period then. */
  #resumable = true;
  #subscription: ConsoleSubscriber | null = null;
  #closed = false;
  /** Set once the session behind this connection ended: nothing more is handled. */
  #sessionEnded = false;

  constructor(
    private readonly socket: ClientSocket,
    readonly source: AuditSource,
    readonly deps: SignalingDeps,
    readonly log: FastifyBaseLogger,
    /** The message handlers (handlers/index.ts), given by whoever opens the connection. */
    private readonly dispatch: Dispatch,
    /** False for sessions served for another node: that node pushes the console itself. */
    private readonly pushesConsole = true,
  ) {}

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
    if (this.socket.isOpen) this.socket.send(JSON.stringify(message));
  }

  /** Supervisors and clinicians receive their console or inbox on this socket from now on (unless it asked for no feed). */
  async subscribeConsole(user: User): Promise<void> {
    if (this.#subscription || this.#closed || !this.pushesConsole || !this.wantsFeed) return;
    this.#subscription = { user, send: (message) => this.send(message) };
    await this.deps.consoles.add(this.#subscription);
  }

  /** ParticipantChannel: access was cut elsewhere (revoked, incident ended, agreement withdrawn). */
  endAccess(code: ErrorCode): void {
    this.leaveIncident(code);
  }

  /** ParticipantChannel: the grant's end moved (the seat's timer moved with it); tell the client. */
  extendAccess(expiresAt: number): void {
    if (!this.incident || !this.viewer) return;
    this.viewer.grant = { ...this.viewer.grant, expiresAt };
    this.send({ type: 'grant.updated', grantId: this.viewer.grant.grantId, expiresAt });
  }

  /** Gives up the seat made ready ahead of a join, if any (its transport closes). */
  dropPrepared(): void {
    this.prepared?.prepared.drop(this.peerId);
    this.prepared = null;
  }

  /** Leaves the current incident, cutting this connection's media (told `code`); the ending is audited where it was decided. */
  leaveIncident(code?: ErrorCode): void {
    this.#release()?.remove(this.peerId, code);
  }

  /** The viewer leaves of its own accord (or for good): its seat goes and the seat audits the leaving. */
  leaveSeat(): Promise<void> {
    return this.#release()?.leave(this.peerId, { source: this.source }) ?? Promise.resolve();
  }

  /** This connection stops holding its seat; returns the incident it was in. */
  #release(): LiveIncident | null {
    this.#clearDetached();
    this.deps.resumes.forget(this);
    const incident = this.incident;
    this.incident = null;
    return incident;
  }

  /**
   * Closes the connection. A connection seated in an incident keeps its seat for the resume
   * grace period (an officer's incident stays live, viewers keep their consumers) unless the
   * server closed it; then the seat ends: a viewer leaving is audited, an officer gone for good
   * ends the incident.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.dropPrepared();
    if (this.#subscription) this.deps.consoles.remove(this.#subscription);
    this.#subscription = null;
    const graceMs = this.deps.config.RESUME_GRACE_SECONDS * 1000;
    if (this.incident && this.#resumable && graceMs > 0 && !this.incident.ended) {
      const timer = setTimeout(() => this.#endDetached(), graceMs);
      timer.unref();
      this.#detached = { timer, backlog: [] };
      this.log.debug({ peerId: this.peerId, graceMs }, 'signalling socket dropped; seat kept for resume');
    } else {
      this.#endSeat();
    }
    this.socket.close(1000, '');
  }

  /**
   * `resume`: this fresh connection takes over `old`'s seat (participant id, identity, incident;
   * the seat's end stays with the seat in the incident), and the messages the seat missed while dropped are delivered after the reply.
   */
  takeOver(old: SignalingConnection): void {
    const seat = old.#handOver();
    this.peerId = seat.peerId;
    this.user = seat.user;
    this.viewer = seat.viewer;
    this.session = seat.session;
    this.wantsFeed = seat.wantsFeed;
    this.incident = seat.incident;
    seat.incident.reseat(seat.peerId, this);
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
      wantsFeed: this.wantsFeed,
      backlog: this.#detached?.backlog ?? [],
    };
    this.#closed = true;
    this.#clearDetached();
    this.incident = null;
    if (this.#subscription) this.deps.consoles.remove(this.#subscription);
    this.#subscription = null;
    // The old socket may still look open (the network dropped without a FIN): close it quietly.
    this.socket.terminate();
    return seat;
  }

  /** True while the socket is gone and the seat is kept for `resume`. */
  get detached(): boolean {
    return this.#detached !== null;
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
    this.deps.resumes.forget(this);
    const incident = this.incident;
    const participant = incident?.participant(this.peerId);
    if (incident && participant?.isOfficer) {
      this.incident = null;
      this.deps.live.inBackground(this.deps.live.end(incident.incident.id, 'INCIDENT_ENDED', { actor: this.actor, source: this.source }), `end incident ${incident.incident.id}`);
    } else {
      // A viewer still seated leaves now; one cut earlier is no longer a participant (its ending was audited then).
      this.deps.live.inBackground(this.leaveSeat(), `leave seat ${this.peerId}`);
    }
  }

  /**
   * The session this connection signed in with ended (sign-out, expiry, account lockout). After
   * any request in flight, the seat ends: a viewer is cut with SESSION_ENDED, an officer's
   * incident ends (nobody may stream it any more); the ending is audited and the socket closed
   * with no resume. Messages not handled yet are dropped.
   */
  endSession(cause: SessionEnd): Promise<void> {
    if (this.#sessionEnded || (this.#closed && !this.#detached)) return this.#queue;
    this.#sessionEnded = true;
    // A seat kept for resume after its socket dropped ends now rather than at the grace period's end.
    this.#clearDetached();
    this.#queue = this.#queue.then(() => this.#endSession(cause));
    return this.#queue;
  }

  async #endSession(cause: SessionEnd): Promise<void> {
    const incident = this.incident;
    const participant = incident?.participant(this.peerId);
    const actor = this.actor;
    if (incident && participant?.isOfficer) {
      this.incident = null;
      this.deps.resumes.forget(this);
      await this.deps.live.end(incident.incident.id, 'INCIDENT_ENDED', { actor, source: this.source }).catch((error) => this.log.error({ err: error }, 'could not end the incident'));
    } else {
      this.leaveIncident(participant ? 'SESSION_ENDED' : undefined);
    }
    await this.deps.audit
      .note({
        action: 'signalling.session-end',
        outcome: 'info',
        actor,
        target: { incidentId: incident?.incident.id, userId: actor?.id },
        source: this.source,
        reason: 'SESSION_ENDED',
        detail: { cause, ...(participant ? { seat: participant.isOfficer ? 'officer' : 'viewer' } : {}) },
      })
      .catch((error) => this.log.error({ err: error }, 'could not audit a socket closed for its ended session'));
    this.terminate(1008, 'SESSION_ENDED');
  }

  terminate(code: number, reason: string): void {
    this.#resumable = false;
    this.socket.close(code, reason);
    this.close();
  }

  /** Handles one client message (already within size and rate limits). */
  receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.refuseMessage(null, new SightlineError('MESSAGE_MALFORMED', 'the message is not valid JSON'));
      return;
    }
    const requestId = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      this.refuseMessage(requestId, new SightlineError('MESSAGE_MALFORMED', `${issue?.message ?? 'invalid message'}${where}`), { type: peekType(json) });
      return;
    }
    const message = parsed.data;
    this.#queue = this.#queue.then(async () => {
      if (this.#closed || this.#sessionEnded) return;
      try {
        const data = await this.dispatch(this, message);
        this.send({ type: 'response', id: message.id, ok: true, data });
      } catch (error) {
        const failure = toSightlineError(error);
        await this.#auditRefusal(message.type, failure);
        if (failure.code === 'INTERNAL') this.log.error({ err: error, type: message.type }, 'signalling handler failed');
        this.refuse(message.id, failure);
      }
    });
  }

  refuse(id: number | null, error: SightlineError): void {
    this.send({ type: 'response', id, ok: false, error: error.toJSON() });
  }

  /** Refuses a message for its shape, size or rate; audited as `signalling.message`, sampled. */
  refuseMessage(id: number | null, error: SightlineError, detail?: Record<string, string | null>): void {
    this.auditSampled('signalling.message', error.code, detail);
    this.refuse(id, error);
  }

  /** Audits a refusal that anyone can cause in bulk: sampled (first of a kind, then counted). */
  auditSampled(action: AuditAction, reason: ErrorCode, detail?: Record<string, string | null>): void {
    void this.deps.refusals.refuse({
      action,
      outcome: 'denied',
      actor: this.actor,
      target: { incidentId: this.incident?.incident.id, grantId: this.viewer?.grant.grantId },
      source: this.source,
      reason,
      detail,
    });
  }

  /**
   * Authorization refusals of any message are audited here, once; `auth`, `join` and `prepare` audit every
   * refusal of their own with more detail.
   */
  async #auditRefusal(type: ClientMessageType, failure: SightlineError): Promise<void> {
    if (type === 'auth' || type === 'join' || type === 'prepare' || !AUDITED_REFUSALS.has(failure.code)) return;
    // Without an identity anyone can repeat it in bulk: sampled.
    const event = {
      action: type,
      outcome: 'denied' as const,
      actor: this.actor,
      target: { incidentId: this.incident?.incident.id, grantId: this.viewer?.grant.grantId },
      source: this.source,
      reason: failure.code,
    };
    await (event.actor ? this.deps.audit.note(event) : this.deps.refusals.refuse(event));
  }
}

/** The message type a malformed message claims, for the audit (at most 64 characters). */
function peekType(json: unknown): string | null {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type.slice(0, 64) : null;
}

/** Refusals that are decisions about who may do what (audited), as opposed to malformed or untimely requests. */
const AUDITED_REFUSALS: ReadonlySet<string> = new Set(['NOT_AUTHENTICATED', 'FORBIDDEN', 'PERMISSION_DENIED']);
