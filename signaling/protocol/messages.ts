// The Sightline signalling protocol: every WebSocket message, both directions.
// Shared by the control plane and the browser client; depends only on zod.
import { z } from 'zod';
import { boundedJsonObject, MEDIA_OBJECT_BOUNDS } from './bounded-json.ts';
import type { ErrorCode } from './error-codes.ts';
import type { Role } from './roles.ts';

const id = z.string().min(1).max(128);
/**
 * mediasoup parameter objects (RTP capabilities and parameters, DTLS parameters) are validated
 * by mediasoup itself; here they must be objects of bounded depth and size.
 */
const mediaObject = boundedJsonObject(MEDIA_OBJECT_BOUNDS);
/** A receiver's MID chosen by the browser: letters only, so never one of the relay's own (numbers). */
const boundMid = z.string().regex(/^[a-z]{1,8}$/);

export const permission = z.enum(['view', 'talk']);
export type Permission = z.infer<typeof permission>;

export const mediaSource = z.enum(['camera', 'talkback']);
export type MediaSource = z.infer<typeof mediaSource>;

const request = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ id: z.number().int().nonnegative(), type: z.literal(type), ...shape });

export const clientMessage = z.discriminatedUnion('type', [
  /**
   * Officers, supervisors and clinicians authenticate the socket with their session token.
   * Supervisors and clinicians then get their console or inbox pushed on it, unless `feed` is
   * false (a socket that only carries a seat, such as the console's viewer).
   */
  request('auth', { token: z.string().min(1).max(512), feed: z.boolean().optional() }),
  /** Officer: go live. Creates the incident and both transports in one round trip. */
  request('incident.start', {
    rtpCapabilities: mediaObject,
    note: z.string().max(200).optional(),
  }),
  /** Officer: end the live incident. */
  request('incident.end', {}),
  /** Officer: ask for help ("watch me"). */
  request('incident.help', { requested: z.boolean() }),
  /** Officer: share (or stop sharing) the camera's location with those who may see the incident. */
  request('incident.location', {
    location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), accuracy: z.number().nonnegative().max(100_000) }).nullable(),
  }),
  /** Supervisor (after `auth`): watch a live incident they may see. Same reply as `join`. */
  request('watch', { incidentId: id, rtpCapabilities: mediaObject }),
  /**
   * Clinician: join an incident with a viewing token, signed in as the clinician it names
   * (`session`: their session token); returns transports and paused consumers.
   */
  request('join', {
    incidentId: id,
    /** The grant link's viewing token; or, from the inbox, `grantId` (the session alone then proves who joins). */
    grantToken: z.string().min(1).max(4096).optional(),
    grantId: id.optional(),
    session: z.string().min(1).max(4096).optional(),
    rtpCapabilities: mediaObject,
    /**
     * On a prepared seat: the receivers the browser negotiated ahead on its transport, by kind (their
     * MIDs). The camera's streams are sent on them and run from the join (the reply's `running`).
     */
    bound: z
      .strictObject({ audio: boundMid.optional(), video: boundMid.optional() })
      .refine((b) => b.audio === undefined || b.audio !== b.video, 'the receivers need distinct MIDs')
      .optional(),
  }),
  /**
   * Clinician, from the inbox (signed in as the grant's clinician): make a receive transport ready
   * for a join of this grant, with nothing consumed. The browser connects it through the idle data
   * channel of the reply; a `join` with `grantId` on the same socket then takes it over and its
   * media starts at once. Audited only when refused (the join is the access).
   */
  request('prepare', {
    incidentId: id,
    grantId: id,
    session: z.string().min(1).max(4096),
    sctpCapabilities: z.strictObject({
      numStreams: z.strictObject({ OS: z.number().int().min(1).max(65_535), MIS: z.number().int().min(1).max(65_535) }),
    }),
  }),
  request('transport.connect', { transportId: id, dtlsParameters: mediaObject }),
  request('produce', {
    transportId: id,
    kind: z.enum(['audio', 'video']),
    rtpParameters: mediaObject,
    source: mediaSource,
    paused: z.boolean().default(false),
  }),
  /** Push-to-talk and camera mute: pause or resume one of this connection's producers. */
  request('producer.pause', { producerId: id }),
  request('producer.resume', { producerId: id }),
  /** Resume consumers once the client has set up its receivers. */
  request('consumers.resume', { consumerIds: z.array(id).min(1).max(16) }),
  /**
   * A receiver whose playout buffer ran away from live (seconds of audio queued after a drop):
   * replace its consumer with a fresh, paused one of the same stream.
   */
  request('consumer.renew', { consumerId: id }),
  /** A viewer (clinician or supervisor) stops watching; the socket stays open. */
  request('incident.leave', {}),
  /** After `media.reset`: new transports in the incident's rebuilt media room. */
  request('media.rejoin', { rtpCapabilities: mediaObject }),
  request('ping', {}),
  /**
   * After a dropped connection: take back this connection's seat (same grant, same incident, no
   * new token) with the resume token of the `incident.start`/`join`/`watch` reply. The reply
   * restarts ICE on the seat's transports.
   */
  request('resume', {
    resumeToken: z.string().min(16).max(256),
    /** Transports to restart ICE on; all of the seat's when absent. A path that recovered by itself is left alone. */
    restartIce: z.array(id).max(8).optional(),
  }),
  /** Restart ICE on one transport (the network changed; or fresh TURN credentials are due). */
  request('transport.restartIce', { transportId: id }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;
export type ClientMessageType = ClientMessage['type'];
export type ClientRequest<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

export interface TransportInfo {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  sctpParameters?: unknown;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  source: MediaSource;
  /** Who the media comes from, for display. */
  from: ParticipantInfo;
}

/** One RTCConfiguration.iceServers entry: TURN with a time-limited TURN REST credential. */
export interface IceServerInfo {
  urls: string[];
  username: string;
  credential: string;
}

/** What every reply that seats a connection in an incident may add. */
export interface SeatExtras {
  /** TURN servers for the transports; absent when the relay has no TURN configured. */
  iceServers?: IceServerInfo[];
  /** Single-use token for `resume` after a dropped connection. */
  resumeToken?: string;
  /** How long the relay keeps the seat after the connection drops. */
  resumeGraceSeconds?: number;
}

export interface ParticipantInfo {
  peerId: string;
  userId: string;
  name: string;
  role: Role;
  agencyId: string;
  /** The seat's device as people read it ("Chrome on Android", "WHEP player lobby-screen"). */
  device?: string;
}

export interface PresenceEntry extends ParticipantInfo {
  watching: boolean;
  talking: boolean;
}

export interface GeoLocation {
  lat: number;
  lon: number;
  accuracy: number;
}

/** A grant as consoles and inboxes show it. Times are milliseconds since the epoch. */
export interface GrantInfo {
  id: string;
  incidentId: string;
  clinician: UserInfo;
  grantedBy: UserInfo;
  permissions: Permission[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** The sharing agreement this grant relies on, when the clinician is in another agency. */
  agreementId: string | null;
  status: 'active' | 'expired' | 'revoked';
  /** Whether the clinician is connected right now. */
  watching: boolean;
}

/** A live incident as a supervisor's console shows it. */
export interface IncidentSummary {
  id: string;
  /** A short reference people read out, e.g. MP-1204-07. */
  reference: string;
  agencyId: string;
  officer: ParticipantInfo;
  startedAt: number;
  helpRequested: boolean;
  helpRequestedAt: number | null;
  /** The clinician whose watching answered the last help request. */
  helpAnswer: { userId: string; name: string; at: number } | null;
  /** Marked by its agency as shareable under "marked incidents only" agreements. */
  shared: boolean;
  note: string | null;
  location: GeoLocation | null;
  viewers: PresenceEntry[];
  grants: GrantInfo[];
  /** How the viewer may see it: their own agency's, or shared under an agreement. */
  access: 'own' | 'shared';
  /** Set while the relay node hosting it is gone and the camera has not reconnected. */
  lostAt?: number | null;
  /** Evidence recording runs: whoever joins is recorded (talk-back) and what they see is kept. */
  recorded: boolean;
  /** The latest recording failure (the live stream went on): shown to supervisors as an alert. */
  recordingProblem: { at: number; what: string } | null;
}

/** A clinician's inbox entry. */
export interface InboxEntry {
  grant: GrantInfo;
  incident: { id: string; reference: string; agencyId: string; officerName: string; startedAt: number; helpRequested: boolean; recorded: boolean } | null;
  /** pending: granted but not joined yet; active: watching now. */
  state: 'pending' | 'active';
}

export interface HelpAlert {
  incidentId: string;
  agencyId: string;
  officerName: string;
  at: number;
}

export interface UserInfo {
  id: string;
  username: string;
  name: string;
  role: ParticipantInfo['role'];
  agencyId: string;
}

/** The SSRCs the relay reserved for the camera's streams on a prepared transport (video with its RTX, and sound). */
export interface BoundSsrcs {
  video: { ssrc: number; rtxSsrc: number };
  audio: { ssrc: number };
}

/** Replies, keyed by request type. */
export interface ResponseData {
  auth: { user: UserInfo };
  'incident.start': SeatExtras & {
    incidentId: string;
    /** The short reference people read out, e.g. MP-1204-07. */
    reference: string;
    /** Evidence recording runs for this incident. */
    recorded: boolean;
    routerRtpCapabilities: unknown;
    sendTransport: TransportInfo;
    recvTransport: TransportInfo;
  };
  'incident.end': { incidentId: string };
  'incident.help': { incidentId: string; helpRequested: boolean };
  'incident.location': { incidentId: string };
  watch: ResponseData['join'];
  join: SeatExtras & {
    incidentId: string;
    /** Evidence recording runs for this incident (the clinician's talk-back is recorded too). */
    recorded: boolean;
    /** The grant this access rests on; null when a supervisor watches. */
    grantId: string | null;
    permissions: Permission[];
    expiresAt: number;
    officer: ParticipantInfo;
    /** This seat, as `presence` names it to everyone. */
    you: ParticipantInfo;
    routerRtpCapabilities: unknown;
    recvTransport: TransportInfo;
    sendTransport: TransportInfo | null;
    consumers: ConsumerInfo[];
    /**
     * Consumers the relay already runs (a join on a prepared transport): its sound, and the streams
     * sent on the receivers the browser bound ahead (the join's `bound`). The browser still sends
     * `consumers.resume` for those it sets up now; the bound ones need none.
     */
    running?: string[];
  };
  prepare: {
    incidentId: string;
    grantId: string;
    /** The grant's end: the prepared transport closes then. */
    expiresAt: number;
    routerRtpCapabilities: unknown;
    recvTransport: TransportInfo;
    /** The idle data channel the browser consumes to connect the transport (nothing is sent on it). */
    dataConsumer: { id: string; dataProducerId: string; sctpStreamParameters: unknown; label: string; protocol: string };
    /** The SSRCs the camera's streams will have on the transport: the browser binds its receivers for them. */
    boundSsrcs: BoundSsrcs;
    iceServers?: IceServerInfo[];
  };
  'transport.connect': Record<string, never>;
  produce: { producerId: string };
  'producer.pause': Record<string, never>;
  'producer.resume': Record<string, never>;
  'consumers.resume': Record<string, never>;
  'consumer.renew': { consumer: ConsumerInfo };
  'incident.leave': { incidentId: string };
  'media.rejoin': {
    routerRtpCapabilities: unknown;
    sendTransport: TransportInfo | null;
    recvTransport: TransportInfo;
    consumers: ConsumerInfo[];
  };
  ping: { serverTime: number };
  resume: {
    incidentId: string;
    /** The next resume token (each one is single-use). */
    resumeToken: string;
    /** The restarted transports (`restartIce`, or all), with their new ICE parameters. */
    transports: Array<{ id: string; iceParameters: unknown }>;
    iceServers?: IceServerInfo[];
    /** When the seat's access ends (grant expiry), or null. */
    expiresAt: number | null;
  };
  'transport.restartIce': { iceParameters: unknown; iceServers?: IceServerInfo[] };
}

export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

export type ServerMessage =
  | { type: 'response'; id: number; ok: true; data: unknown }
  | { type: 'response'; id: number | null; ok: false; error: ProtocolError }
  | { type: 'consumer.new'; consumer: ConsumerInfo }
  | { type: 'consumer.closed'; consumerId: string }
  | { type: 'presence'; incidentId: string; participants: PresenceEntry[] }
  /** Supervisors: the live incidents they may see, whenever anything about them changes. */
  | { type: 'console.incidents'; incidents: IncidentSummary[] }
  /** Supervisors and on-call clinicians who may see the incident: an officer asked for help. */
  | { type: 'alert.help'; alert: HelpAlert }
  /** The officer: a clinician is watching now, in answer to their help request (which has cleared). */
  | { type: 'help.answered'; incidentId: string; clinician: { userId: string; name: string; agencyId: string } }
  /** Clinicians: their grants, whenever they change. */
  | { type: 'inbox'; entries: InboxEntry[]; help: HelpAlert[] }
  /**
   * The incident's media server failed and its media room was rebuilt: close this connection's
   * transports and send `media.rejoin`; access and grants are unchanged.
   */
  | { type: 'media.reset'; incidentId: string; code: ErrorCode }
  /** A watching clinician's grant was extended. */
  | { type: 'grant.updated'; grantId: string; expiresAt: number }
  /** This connection's access ended: media is already cut when this arrives. */
  | { type: 'access.ended'; incidentId: string; code: ErrorCode; message: string }
  | { type: 'server.shutdown'; message: string };
