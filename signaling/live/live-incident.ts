// One live incident in the control plane: its participants and the policy of who receives
// which stream. It drives the incident's media room; it never sees tokens.
import { MediaError } from '../../server/media-errors.ts';
import type { MediaPeer, PreparedReceive } from '../../server/media-peer.ts';
import type { MediaRoom } from '../../server/media-room.ts';
import type { ConsumerDescription, ProducerDescription, TransportDescription } from '../../server/media-types.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import { ERROR_CODES, type ErrorCode } from '../protocol/error-codes.ts';
import type { ConsumerInfo, MediaSource, ParticipantInfo, Permission, PresenceEntry } from '../protocol/messages.ts';
import type { ParticipantChannel } from './participant-channel.ts';
import { PreparedSeats, type PreparedSeat } from './prepared-seats.ts';

export type { ParticipantChannel };
import { SeatExpiries } from './seat-expiries.ts';

/** What the media path needs to know about an incident; the full record lives in the Store. */
export interface LiveIncidentFacts {
  id: string;
  /** The short reference people read out, e.g. MP-1204-07. */
  reference: string;
  agencyId: string;
  officerId: string;
}

export interface Participant {
  info: ParticipantInfo;
  isOfficer: boolean;
  /** The grant a clinician joined with; null for officers and supervisors. */
  grantId: string | null;
  /** When this seat's access ends by itself (its grant's expiry, ms since epoch); null: never. */
  expiresAt: number | null;
  /** Where the seat was taken from, for the audit entries of its ending. */
  source: AuditSource;
  /** The channel carrying the seat, when it is not the signalling socket. */
  via?: 'whep';
  permissions: ReadonlySet<Permission>;
  rtpCapabilities: unknown;
  channel: ParticipantChannel;
  media: MediaPeer;
}

/**
 * Receivers a browser negotiated on its prepared transport before the join, by kind: their MIDs.
 * The camera's streams are sent on them, so the browser takes them with no negotiation at the join.
 */
export type BoundReceivers = Partial<Record<'audio' | 'video', string>>;

export interface LiveIncidentHooks {
  /** A participant's media failed to be set up for a new stream; logged, not fatal. */
  onError(error: Error, context: string): void;
  /** Who is watching or talking changed. */
  /** Who is in the incident changed (read it with `presence()`). */
  onPresence(incidentId: string): void;
  /** A seat's grant expired: it is cut right after this (told GRANT_EXPIRED). */
  onSeatExpired(participant: Participant): void;
  /** A viewer left its seat of its own accord (or its channel went for good): audited there. */
  onSeatLeft(participant: Participant, ending: SeatEnding): Promise<void>;
}

/** How a seat ended, when it was not cut: why (when not of the viewer's own accord) and who asked. */
export interface SeatEnding {
  reason?: ErrorCode | null;
  /** Where the leaving came from, when not where the seat was taken. */
  source?: AuditSource;
}

export class LiveIncident {
  readonly #participants = new Map<string, Participant>();
  readonly #expiries = new SeatExpiries((peerId) => this.#expire(peerId));
  #ended = false;
  /** Evidence recording runs for this incident (participants are told in their replies). */
  recorded = false;
  /** Receive transports made ready ahead of clinicians' joins (pre-connected seats). */
  readonly prepared: PreparedSeats;

  #room: MediaRoom;

  constructor(
    readonly incident: LiveIncidentFacts,
    room: MediaRoom,
    private readonly hooks: LiveIncidentHooks,
  ) {
    this.#room = room;
    this.prepared = new PreparedSeats(incident.id);
    this.#listen(room);
  }

  /**
   * Makes a receive transport ready ahead of a clinician's join, on the router the seat will
   * receive on, with nothing consumed; the browser connects it through an idle data channel.
   */
  async prepare(seat: Omit<PreparedSeat, 'media'>, sctp: { numStreams: { OS: number; MIS: number } }): Promise<PreparedReceive> {
    const { peer, receive } = await this.#room.preparePeer(seat.peerId, sctp);
    if (this.#ended) {
      peer.close();
      throw new MediaError('ROOM_CLOSED', 'the incident ended');
    }
    this.prepared.hold({ ...seat, media: peer });
    return receive;
  }

  get room(): MediaRoom {
    return this.#room;
  }

  /**
   * Moves the incident to a rebuilt media room (its worker died): every participant keeps its
   * seat and permissions, gets an empty media peer in the new room, and is told to rejoin.
   */
  async rebind(room: MediaRoom, code: ErrorCode): Promise<void> {
    // Prepared transports were on the failed media: their pages prepare again.
    this.prepared.dropAll(code);
    this.#room = room;
    this.#listen(room);
    for (const participant of this.participants()) {
      participant.media = await room.addPeer(participant.info.peerId, participant.isOfficer ? 'publisher' : 'viewer');
      this.#watchConsumers(participant);
    }
    for (const participant of this.participants()) participant.channel.send({ type: 'media.reset', incidentId: this.incident.id, code });
    this.#broadcastPresence();
  }

  /** A participant's transports in the current room, and consumers of what is live in it now. */
  async connectMedia(
    participant: Participant,
    directions: { send: boolean; recv: boolean },
    /** Receivers the browser negotiated ahead on a prepared transport (kind → MID): the camera's streams take them. */
    bound: BoundReceivers = {},
  ): Promise<{ sendTransport: TransportDescription | null; recvTransport: TransportDescription | null; consumers: ConsumerInfo[] }> {
    const { media } = participant;
    // A seat prepared ahead of its join has its receive transport connected already.
    const recvTransport = directions.recv ? (media.recvTransportDescription() ?? (await media.createTransport('recv'))) : null;
    // All at once: each is a round trip to the media worker. A stream this receiver cannot take
    // is left out (reported, not fatal): the seat gets every stream it can receive. The streams
    // are asked for before the talk-back transport is made, video first: its consumer asks the
    // camera for the keyframe the picture waits on.
    const wanted = this.#room
      .producers()
      .filter((producer) => this.#receives(participant, producer))
      .sort((a, b) => Number(b.kind === 'video') - Number(a.kind === 'video'));
    const free = new Map(Object.entries(bound));
    const consuming = Promise.allSettled(
      wanted.map((producer) => {
        const mid = producer.source === 'camera' ? free.get(producer.kind) : undefined;
        if (mid !== undefined) free.delete(producer.kind);
        return media.consume(producer.producerId, participant.rtpCapabilities, mid === undefined ? {} : { mid });
      }),
    );
    const [settled, sendTransport] = await Promise.all([consuming, directions.send ? media.createTransport('send') : null]);
    const consumers: ConsumerInfo[] = [];
    settled.forEach((result, index) => {
      if (result.status === 'fulfilled') consumers.push(this.#consumerInfo(result.value));
      else this.hooks.onError(result.reason as Error, `consume ${wanted[index]!.producerId} for ${participant.info.peerId}`);
    });
    if (media.closed) throw new MediaError('ROOM_CLOSED', 'the seat closed while its streams were being set up');
    return { sendTransport, recvTransport, consumers };
  }

  /** A fresh consumer in place of one of the participant's (its receiver fell behind live). */
  async renewConsumer(participant: Participant, consumerId: string): Promise<ConsumerInfo> {
    return this.#consumerInfo(await participant.media.renewConsumer(consumerId, participant.rtpCapabilities));
  }

  #listen(room: MediaRoom): void {
    room.on('producerAdded', (producer) => void this.#deliver(producer));
    room.on('producerStateChanged', () => this.#broadcastPresence());
  }

  #watchConsumers(participant: Participant): void {
    participant.media.on('consumerClosed', (consumerId) => participant.channel.send({ type: 'consumer.closed', consumerId }));
  }

  get ended(): boolean {
    return this.#ended;
  }

  get officer(): Participant | undefined {
    return [...this.#participants.values()].find((p) => p.isOfficer);
  }

  participants(): Participant[] {
    return [...this.#participants.values()];
  }

  /**
   * Adds a participant with the transports it needs, then gives viewers with `view` paused
   * consumers of the camera streams that are live now.
   */
  async add(
    entry: Omit<Participant, 'media'>,
    directions: { send: boolean; recv: boolean },
    /** A peer the room already made for this participant (one on its own router, for WHEP). */
    prepared?: MediaPeer,
    bound?: BoundReceivers,
  ): Promise<{
    participant: Participant;
    sendTransport: TransportDescription | null;
    recvTransport: TransportDescription | null;
    consumers: ConsumerInfo[];
    /** The seat this grant held until now: one grant holds one seat, and the newest takes it over. */
    replaced: ParticipantInfo | null;
  }> {
    const media = prepared ?? (await this.#room.addPeer(entry.info.peerId, entry.isOfficer ? 'publisher' : 'viewer'));
    const participant: Participant = { ...entry, media };
    // Checked and replaced with no await in between, so two joins with one grant never both hold a seat.
    const previous = entry.grantId ? this.byGrant(entry.grantId) : undefined;
    if (previous) previous.channel.endAccess('SEAT_TAKEN_OVER');
    this.#participants.set(entry.info.peerId, participant);
    this.#expiries.set(entry.info.peerId, entry.expiresAt);
    this.#watchConsumers(participant);
    try {
      const connected = await this.connectMedia(participant, directions, bound);
      this.#broadcastPresence();
      return { participant, ...connected, replaced: previous?.info ?? null };
    } catch (error) {
      this.remove(entry.info.peerId);
      throw error;
    }
  }

  participant(peerId: string): Participant | undefined {
    return this.#participants.get(peerId);
  }

  /** Removes a participant and cuts its media. With a code, the participant is told why. */
  remove(peerId: string, code?: ErrorCode): void {
    const participant = this.#participants.get(peerId);
    if (!participant) return;
    this.#participants.delete(peerId);
    this.#expiries.clear(peerId);
    participant.media.close();
    if (code) {
      participant.channel.send({ type: 'access.ended', incidentId: this.incident.id, code, message: ERROR_CODES[code] });
    }
    this.#broadcastPresence();
  }

  /**
   * A viewer's seat ends of its own accord (it left, or its channel went for good): it goes, and its
   * leaving is audited, once. A seat cut earlier (revoked, expired, taken over, the incident over)
   * is gone already and its ending was audited then. An officer's seat just goes: the incident's
   * end is what is audited for it.
   */
  async leave(peerId: string, ending: SeatEnding = {}): Promise<void> {
    const participant = this.#participants.get(peerId);
    if (!participant) return;
    this.remove(peerId);
    if (!participant.isOfficer && !this.#ended) await this.hooks.onSeatLeft(participant, ending);
  }

  /** A resumed connection takes over a participant: messages for it go to `channel` from now on. */
  reseat(peerId: string, channel: ParticipantChannel): void {
    const participant = this.#participants.get(peerId);
    if (participant) participant.channel = channel;
  }

  /** The seat's grant now ends at `expiresAt` (extended or shortened): its end moves, and its channel is told. */
  extend(participant: Participant, expiresAt: number): void {
    if (this.#participants.get(participant.info.peerId) !== participant) return;
    participant.expiresAt = expiresAt;
    this.#expiries.set(participant.info.peerId, expiresAt);
    participant.channel.extendAccess(expiresAt);
  }

  /** The seat's grant expired: audited (by the hook), then its channel cuts it and the seat goes. */
  #expire(peerId: string): void {
    const participant = this.#participants.get(peerId);
    if (!participant) return;
    this.hooks.onSeatExpired(participant);
    participant.channel.endAccess('GRANT_EXPIRED');
    this.remove(peerId, 'GRANT_EXPIRED');
  }

  byGrant(grantId: string): Participant | undefined {
    return this.participants().find((p) => p.grantId === grantId);
  }

  /** Ends the incident: every participant is cut and told why, then the room closes. Idempotent. */
  end(code: ErrorCode): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const participant of this.participants()) participant.channel.endAccess(code);
    for (const peerId of [...this.#participants.keys()]) this.remove(peerId, code);
    this.prepared.dropAll(code);
    this.#expiries.clearAll();
    this.#room.close(code === 'MEDIA_WORKER_DIED' ? 'worker-died' : code === 'SERVER_SHUTTING_DOWN' ? 'shutdown' : 'ended');
  }

  presence(): PresenceEntry[] {
    const producers = this.#room.producers();
    return this.participants()
      .filter((p) => !p.isOfficer)
      .map((p) => ({
        ...p.info,
        watching: p.permissions.has('view'),
        talking: producers.some((pr) => pr.peerId === p.info.peerId && pr.source === 'talkback' && !pr.paused),
      }));
  }

  /** Officers receive clinicians' talk-back; viewers with `view` receive the camera. */
  #receives(participant: Participant, producer: ProducerDescription): boolean {
    if (producer.peerId === participant.info.peerId) return false;
    // Send-only participants (a WHIP encoder) have no receive capabilities.
    if (!participant.rtpCapabilities) return false;
    const source = producer.source as MediaSource;
    if (source === 'camera') return participant.permissions.has('view');
    if (source === 'talkback') return participant.isOfficer;
    return false;
  }

  async #deliver(producer: ProducerDescription): Promise<void> {
    for (const participant of this.participants()) {
      if (!this.#receives(participant, producer)) continue;
      try {
        const consumer = await participant.media.consume(producer.producerId, participant.rtpCapabilities);
        participant.channel.send({ type: 'consumer.new', consumer: this.#consumerInfo(consumer) });
      } catch (error) {
        this.hooks.onError(error as Error, `deliver ${producer.kind} to ${participant.info.peerId}`);
      }
    }
    this.#broadcastPresence();
  }

  #consumerInfo(consumer: ConsumerDescription): ConsumerInfo {
    const from = this.#participants.get(consumer.producerPeerId)?.info;
    if (!from) throw new Error(`producer peer ${consumer.producerPeerId} is not a participant`);
    return {
      id: consumer.consumerId,
      producerId: consumer.producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      source: consumer.source as MediaSource,
      from,
    };
  }

  /**
   * Tells everyone in the incident who is there, from the seats as they are now: the officer sees
   * the viewers; each viewer sees the officer and the other viewers (and themself).
   */
  #broadcastPresence(): void {
    if (this.#ended) return;
    const viewers = this.presence();
    const officer = this.officer;
    const everyone: PresenceEntry[] = officer ? [{ ...officer.info, watching: false, talking: false }, ...viewers] : viewers;
    for (const participant of this.participants()) {
      participant.channel.send({ type: 'presence', incidentId: this.incident.id, participants: participant.isOfficer ? viewers : everyone });
    }
    this.hooks.onPresence(this.incident.id);
  }
}
