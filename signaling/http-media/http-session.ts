// A WHIP or WHEP session: one participant of a live incident driven over HTTP instead of a
// signalling socket. It has no socket to watch, so its media transport is: a transport that
// loses ICE consent gets the same grace period as a dropped socket, a DTLS failure ends it at
// once. A WHEP session also ends with its grant (expiry, kept by the live incident's seat, or
// revocation).
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { LiveIncident, ParticipantChannel } from '../live/live-incident.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { OfferMedia } from './sdp/sdp-offer.ts';
import type { Config } from '../config.ts';
import type { LiveIncidents } from '../live/live-incidents.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface HttpSessionDeps {
  config: Config;
  live: LiveIncidents;
}

export type HttpMediaProtocol = 'whip' | 'whep';

export class HttpMediaSession implements ParticipantChannel {
  readonly id = randomUUID();
  readonly peerId: string;
  /** Entity tag of the current ICE session; a new one after each ICE restart. */
  etag = newEtag();
  transportId = '';
  /** The first m-line of the offer, for sdpfrag answers. */
  firstMedia: OfferMedia | null = null;
  #graceTimer: NodeJS.Timeout | null = null;
  #ended = false;
  /** Access was cut elsewhere (revoked, expired, taken over, the incident over): that ending is audited there. */
  #cut = false;

  constructor(
    readonly protocol: HttpMediaProtocol,
    readonly live: LiveIncident,
    private readonly deps: HttpSessionDeps,
    private readonly registry: Map<string, HttpMediaSession>,
    readonly who: { actor: AuditActor; source: AuditSource; grantId: string | null },
    /** SHA-256 of the Bearer credential that created the session: the only one its resource takes. */
    readonly credential: Buffer,
    /** WHIP: this session started the incident, so ending it ends the incident. */
    readonly ownsIncident: boolean,
  ) {
    this.peerId = `${protocol}-${randomUUID()}`;
    registry.set(this.id, this);
  }

  get ended(): boolean {
    return this.#ended;
  }

  get path(): string {
    return `/${this.protocol}/resource/${this.id}`;
  }

  /** Watch the media transport: no connection within the grace period, or consent lost for longer, ends the session. */
  watchTransport(transportId: string): void {
    this.transportId = transportId;
    const media = this.live.participant(this.peerId)?.media;
    if (!media) return;
    const graceMs = Math.max(1, this.deps.config.RESUME_GRACE_SECONDS) * 1000;
    this.#arm(graceMs);
    media.on('transportState', (id, state) => {
      if (id !== transportId) return;
      if (state === 'connected') this.#disarm();
      else if (state === 'disconnected') this.#arm(graceMs);
      else this.#endInBackground('INCIDENT_ENDED');
    });
  }

  // ParticipantChannel: nothing is pushed to an HTTP client; access cut elsewhere ends the session.
  send(): void {}

  endAccess(code: ErrorCode): void {
    this.#cut = true;
    this.#endInBackground(code);
  }

  /** The seat's end moved with its grant (the live incident keeps it); an HTTP client has nothing to be told. */
  extendAccess(): void {}

  /**
   * Ends the session: its participant leaves (a WHIP session that started the incident, with
   * no other camera on it, ends the incident). `by` is who asked (DELETE), null for the system.
   */
  async end(code: ErrorCode | null, by: { actor: AuditActor | null; source: AuditSource } | null): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#disarm();
    this.registry.delete(this.id);
    const otherCamera = this.live.participants().some((p) => p.isOfficer && p.info.peerId !== this.peerId);
    if (this.protocol === 'whip' && this.ownsIncident && !otherCamera && !this.live.ended) {
      await this.deps.live.end(this.live.incident.id, 'INCIDENT_ENDED', by ?? null);
    } else if (this.#cut) {
      this.live.remove(this.peerId);
    } else {
      // Closed by its player (DELETE) or its transport lost: the seat leaves, and says why.
      await this.live.leave(this.peerId, { reason: code, ...(by ? { source: by.source } : {}) });
    }
  }

  /** An end the system decided (a timer, a lost transport, access cut elsewhere): nobody awaits it. */
  #endInBackground(code: ErrorCode): void {
    this.deps.live.inBackground(this.end(code, null), `end ${this.protocol} session ${this.id}`);
  }

  /** A new ICE session after a restart. */
  renewEtag(): string {
    this.etag = newEtag();
    return this.etag;
  }

  #arm(ms: number): void {
    this.#disarm();
    this.#graceTimer = setTimeout(() => this.#endInBackground('INCIDENT_ENDED'), ms);
    this.#graceTimer.unref();
  }

  #disarm(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
  }
}

const newEtag = () => `"${randomBytes(12).toString('base64url')}"`;
