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
import { toSightlineError } from './error-mapping.ts';
import { dispatch } from './handlers/index.ts';
import { TokenBucket } from './token-bucket.ts';

/** Refused messages in a row after which a flooding socket is closed (policy violation). */
const FLOOD_CLOSE_AFTER = 200;

export class SignalingConnection implements ParticipantChannel {
  readonly peerId = `peer-${randomUUID()}`;
  /** The signed-in officer or supervisor, after `auth`. */
  user: User | null = null;
  /** The clinician and their verified grant, after `join`. */
  viewer: { user: User; grant: ViewingGrant } | null = null;
  incident: LiveIncident | null = null;
  readonly #bucket: TokenBucket;
  #refusedInARow = 0;
  #queue: Promise<void> = Promise.resolve();
  #expiry: NodeJS.Timeout | null = null;
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
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Cuts access at `at` (ms since epoch): media closed, the client told why. */
  scheduleAccessEnd(at: number, code: ErrorCode, onEnd: () => void): void {
    this.#clearExpiry();
    this.#expiry = setTimeout(() => {
      this.#expiry = null;
      this.leaveIncident(code);
      onEnd();
    }, Math.max(0, at - Date.now()));
  }

  /** Leaves the current incident, cutting this connection's media. */
  leaveIncident(code?: ErrorCode): void {
    this.#clearExpiry();
    const incident = this.incident;
    this.incident = null;
    incident?.remove(this.peerId, code);
  }

  /**
   * Closes the connection. A clinician leaving is audited; an officer disconnecting ends the
   * incident, since nobody is streaming it any more.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const incident = this.incident;
    const isOfficer = incident?.participant(this.peerId)?.isOfficer === true;
    if (incident && isOfficer) {
      this.incident = null;
      this.#clearExpiry();
      this.services.live.end(incident.incident.id, 'INCIDENT_ENDED', { actor: this.actor, source: this.source });
    } else {
      this.leaveIncident();
    }
    // A clinician still in a live incident leaves now; one cut off earlier (expiry, incident end) was audited then.
    if (incident && this.viewer && !incident.ended) {
      void this.services.audit.note({
        action: 'leave',
        outcome: 'info',
        actor: this.actor,
        target: { incidentId: incident.incident.id, grantId: this.viewer.grant.grantId },
        source: this.source,
      });
    }
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000);
    }
  }

  terminate(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
    this.close();
  }

  #clearExpiry(): void {
    if (this.#expiry) clearTimeout(this.#expiry);
    this.#expiry = null;
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
        await this.#auditRefusal(message.type, failure);
        if (failure.code === 'INTERNAL') this.log.error({ err: error, type: message.type }, 'signalling handler failed');
        this.#refuse(message.id, failure);
      }
    });
  }

  #refuse(id: number | null, error: SightlineError): void {
    this.#refusedInARow += 1;
    this.send({ type: 'response', id, ok: false, error: error.toJSON() });
  }

  /**
   * Authorization refusals of any message are audited here, once; `auth` and `join` audit every
   * refusal of their own with more detail.
   */
  async #auditRefusal(type: string, failure: SightlineError): Promise<void> {
    if (type === 'auth' || type === 'join' || !AUDITED_REFUSALS.has(failure.code)) return;
    await this.services.audit.note({
      action: type,
      outcome: 'denied',
      actor: this.actor,
      target: { incidentId: this.incident?.incident.id, grantId: this.viewer?.grant.grantId },
      source: this.source,
      reason: failure.code,
    });
  }
}

/** Refusals that are decisions about who may do what (audited), as opposed to malformed or untimely requests. */
const AUDITED_REFUSALS: ReadonlySet<string> = new Set(['NOT_AUTHENTICATED', 'FORBIDDEN', 'PERMISSION_DENIED']);
