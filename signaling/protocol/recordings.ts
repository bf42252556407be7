// Evidence recordings as the API shows them: the per-incident manifest (tracks, and every segment
// with its SHA-256, in the order it was finished), a legal hold, the listing and a playback.
import { z } from 'zod';

const iso = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time');
/** Relative paths made only of server-generated names: `tracks/<track>/<run>-<n>.mkv`. */
export const segmentPath = z.string().regex(/^tracks\/t\d{1,6}\/r\d{1,6}-\d{5}\.mkv$/, 'must be tracks/tN/rN-NNNNN.mkv');

export const manifestTrack = z.strictObject({
  id: z.string().regex(/^t\d{1,6}$/),
  kind: z.enum(['audio', 'video']),
  /** `camera` (the officer) or `talkback` (a clinician). */
  source: z.string(),
  userId: z.string().nullable(),
  role: z.string().nullable(),
  mimeType: z.string(),
  startedAt: iso,
  endedAt: iso.nullable(),
  /** Why recording of the track stopped: producer-closed, router-closed, failed, stopped. */
  endCause: z.string().nullable(),
});
export type ManifestTrack = z.infer<typeof manifestTrack>;

export const manifestSegment = z.strictObject({
  /** 1, 2, 3 … in the order segments were finished (and audited). */
  n: z.number().int().min(1),
  track: z.string(),
  file: segmentPath,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  startedAt: iso,
  endedAt: iso,
  /** False when the muxer died while writing it: the file holds what reached the disk. */
  complete: z.boolean(),
});
export type ManifestSegment = z.infer<typeof manifestSegment>;

export const recordingManifest = z.strictObject({
  version: z.literal(1),
  incidentId: z.string(),
  agencyId: z.string(),
  startedAt: iso,
  /** Set when the incident ended and the manifest was sealed (signed). */
  endedAt: iso.nullable(),
  segmentSeconds: z.number(),
  tracks: z.array(manifestTrack),
  segments: z.array(manifestSegment),
  /** What went wrong while recording (a muxer that died, a track that could not be recorded). */
  problems: z.array(z.strictObject({ at: iso, track: z.string().nullable(), what: z.string() })),
});
export type RecordingManifest = z.infer<typeof recordingManifest>;

export const legalHold = z.strictObject({
  incidentId: z.string(),
  placedBy: z.strictObject({ id: z.string(), name: z.string() }),
  placedAt: z.string(),
  /** What the hold is for: a case, a complaint, a court order (shown to whoever reviews it). */
  reason: z.string().min(1).max(500),
});
export type LegalHold = z.infer<typeof legalHold>;

/** GET /api/recording-holds: the holds an admin may see (their agency's; a platform admin every one). */
export const legalHoldList = z.array(legalHold.extend({ agencyId: z.string() }));
export type LegalHoldListing = z.infer<typeof legalHoldList>;

/** GET /api/incidents/:incidentId/recordings */
export const recordingView = z.object({
  manifest: recordingManifest,
  sealed: z.boolean().describe('the incident ended and the manifest is signed'),
  recording: z.boolean().describe('segments are still being written'),
  hold: legalHold.nullable().describe('the legal hold that keeps the recording past retention'),
  purged: z
    .object({ at: z.string(), retentionDays: z.number(), record: z.string().describe("the relay's signed purge record (compact JWS)") })
    .nullable()
    .describe('set once retention deleted the segments: the manifest and its audit entries remain'),
});
export type RecordingView = z.infer<typeof recordingView>;

export const PLAY_TICKET_HEADER = 'x-play-ticket';

/** POST /api/incidents/:incidentId/recordings/play */
export const playResponse = z.object({
  manifest: recordingManifest,
  ticket: z.string().describe(`sent as ${PLAY_TICKET_HEADER} with each segment request`),
  expiresAt: z.string(),
});
export type PlayResponse = z.infer<typeof playResponse>;
