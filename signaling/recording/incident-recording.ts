// The evidence recording of one live incident: every producer of its media room (the camera's
// audio and video, each clinician's talk-back) recorded as its own track, each finished segment
// hashed into the manifest and into the audit trail, and the manifest sealed with the relay's key
// when the incident ends. It outlives media rooms: a rebuilt room is attached like the first.
// Nothing here can stop the live stream: every failure is written down and reported, not thrown.
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import type { MediaRoom } from '../../server/media-room.ts';
import type { ProducerDescription } from '../../server/media-types.ts';
import { TrackRecorder, type RecordedSegment } from '../../server/recording/track-recorder.ts';
import type { AuditEvent, AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { signManifest } from './manifest-signature.ts';
import {
  MANIFEST_FILE,
  SIGNATURE_FILE,
  manifestBytes,
  newManifest,
  segmentAuditDetail,
  sha256Hex,
} from './manifest.ts';
import type { ManifestTrack, RecordingManifest } from '../protocol/recordings.ts';
import type { RecordingPaths } from './recording-paths.ts';
import { replaceFile } from './replace-file.ts';
import { SightlineError } from '../errors.ts';
import { readManifest } from './evidence-export.ts';
import { noteInterruption } from './interrupted-recordings.ts';
import { isPurged } from './purge-record.ts';
import type { AuditAction } from '../protocol/audit-actions.ts';

export interface RecordingDeps {
  paths: RecordingPaths;
  keys: SigningKeys;
  audit: Auditor;
  /** The node, as the source of the recorder's audit entries. */
  source: AuditSource;
  segmentSeconds: number;
  gstLaunch?: string;
  /** A stalled track's first pause before its muxer is tried again (tests shorten it). */
  stallPauseMs?: number;
  /**
   * A track could not be recorded, a muxer died, or muxers keep dying (a full disk) and nothing is
   * recorded until one can write again: counted and logged; the stream goes on.
   */
  onFailure(kind: 'track-failed' | 'muxer-restarted' | 'track-stalled', error: Error, incidentId: string): void;
}

/** What the recorder needs of a media room: its router, its producers now and as they come. */
export type RecordableRoom = Pick<MediaRoom, 'router' | 'producers' | 'on'>;

/** Who sends a producer, as the manifest names them. */
export type PeerIdentity = (peerId: string) => { userId: string; role: string } | undefined;

async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export class IncidentRecording {
  readonly #manifest: RecordingManifest;
  readonly #dir: string;
  readonly #recorders = new Map<string, TrackRecorder>();
  readonly #starting = new Set<Promise<unknown>>();
  /** Manifest changes and writes, one at a time, in order. */
  #queue: Promise<void> = Promise.resolve();
  #sealed = false;

  private constructor(
    readonly incident: { id: string; agencyId: string },
    private readonly deps: RecordingDeps,
    manifest: RecordingManifest,
  ) {
    this.#dir = deps.paths.incidentDir(incident.id);
    this.#manifest = manifest;
  }

  /**
   * Starts the incident's recording, or resumes it when its folder holds one its node stopped
   * writing (the camera took the incident back here after a restart): new tracks are added to
   * that manifest, which says what the gap was. A sealed or purged recording is never reopened.
   */
  static async open(incident: { id: string; agencyId: string }, deps: RecordingDeps): Promise<IncidentRecording> {
    const existing = await readManifest(deps.paths, incident.id).catch((error: unknown) => {
      if (error instanceof SightlineError && error.code === 'RECORDING_NOT_FOUND') return null;
      throw error;
    });
    if (existing && (existing.endedAt !== null || (await isPurged(deps.paths, incident.id)))) {
      throw new Error(`incident ${incident.id} already has a finished recording; it is not reopened`);
    }
    const manifest = existing ?? newManifest(incident, deps.segmentSeconds, new Date());
    if (existing) await noteInterruption(deps.paths, manifest, new Date());
    const recording = new IncidentRecording(incident, deps, manifest);
    await mkdir(join(recording.#dir, 'tracks'), { recursive: true });
    await recording.#audit('recording.start', { segmentSeconds: deps.segmentSeconds, ...(existing ? { resumed: true } : {}) });
    await recording.#change(() => undefined);
    return recording;
  }

  get manifest(): RecordingManifest {
    return structuredClone(this.#manifest);
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  /** Records the room's producers now and those added later, until the room closes. */
  attach(room: RecordableRoom, identity: PeerIdentity): void {
    if (this.#sealed) return;
    room.on('producerAdded', (producer) => this.#startTrack(room, producer, identity));
    for (const producer of room.producers()) this.#startTrack(room, producer, identity);
  }

  #startTrack(room: RecordableRoom, producer: ProducerDescription, identity: PeerIdentity): void {
    if (this.#sealed || this.#recorders.has(producer.producerId)) return;
    const who = identity(producer.peerId);
    const track: ManifestTrack = {
      id: `t${this.#manifest.tracks.length + 1}`,
      kind: producer.kind,
      source: producer.source,
      userId: who?.userId ?? null,
      role: who?.role ?? null,
      mimeType: '',
      startedAt: new Date().toISOString(),
      endedAt: null,
      endCause: null,
    };
    this.#manifest.tracks.push(track);
    const starting = (async () => {
      const dir = this.deps.paths.trackDir(this.incident.id, track.id);
      await mkdir(dir, { recursive: true });
      const recorder = await TrackRecorder.start(room.router, producer.producerId, {
        dir,
        segmentSeconds: this.deps.segmentSeconds,
        ...(this.deps.gstLaunch ? { gstLaunch: this.deps.gstLaunch } : {}),
        ...(this.deps.stallPauseMs ? { stallPauseMs: this.deps.stallPauseMs } : {}),
      });
      this.#recorders.set(producer.producerId, recorder);
      void this.#change(() => {
        track.mimeType = recorder.mimeType;
      });
      recorder.on('segment', (segment) => void this.#addSegment(track, segment));
      recorder.on('restarted', (reason) => {
        this.deps.onFailure('muxer-restarted', new Error(reason), this.incident.id);
        void this.#problem(track, reason, 'recording.muxer-restarted');
      });
      recorder.on('stalled', (reason) => {
        this.deps.onFailure('track-stalled', new Error(reason), this.incident.id);
        void this.#problem(track, `recording stopped at ${new Date().toISOString()} (${reason}); nothing is recorded until a segment can be written again`, 'recording.failed');
      });
      recorder.on('resumed', (since, resumedAt) => {
        void this.#problem(track, `recording resumed: nothing was recorded from ${new Date(since).toISOString()} to ${new Date(resumedAt).toISOString()}`, 'recording.resumed');
      });
      recorder.on('failed', (error) => {
        this.deps.onFailure('track-failed', error, this.incident.id);
        void this.#problem(track, error.message, 'recording.failed');
      });
      recorder.once('ended', (cause) => {
        this.#recorders.delete(producer.producerId);
        void this.#change(() => {
          track.endedAt = new Date().toISOString();
          track.endCause = cause;
        });
      });
      if (this.#sealed) await recorder.stop();
    })().catch((error: Error) => {
      this.deps.onFailure('track-failed', error, this.incident.id);
      void this.#problem(track, `not recorded: ${error.message}`, 'recording.failed');
      void this.#change(() => {
        track.endedAt = new Date().toISOString();
        track.endCause = 'failed';
      });
    });
    this.#starting.add(starting);
    void starting.finally(() => this.#starting.delete(starting));
  }

  #addSegment(track: ManifestTrack, segment: RecordedSegment): Promise<void> {
    return this.#change(async () => {
      const { sha256, bytes } = await fileSha256(segment.file);
      const entry = {
        n: this.#manifest.segments.length + 1,
        track: track.id,
        file: relative(this.#dir, segment.file),
        sha256,
        bytes,
        startedAt: new Date(segment.startedAt).toISOString(),
        endedAt: new Date(segment.endedAt).toISOString(),
        complete: segment.complete,
      };
      this.#manifest.segments.push(entry);
      // The entry goes into the audit trail before the manifest names it.
      await this.#audit('recording.segment', segmentAuditDetail(entry));
      if (!segment.complete) this.#manifest.problems.push({ at: entry.endedAt, track: track.id, what: `segment ${entry.n} is incomplete: its muxer died while writing it` });
    });
  }

  #problem(track: ManifestTrack, what: string, action: AuditAction): Promise<void> {
    return this.#change(async () => {
      this.#manifest.problems.push({ at: new Date().toISOString(), track: track.id, what });
      await this.#audit(action, { track: track.id, problem: what.slice(0, 300) });
    });
  }

  /** Applies a change to the manifest, then writes it (atomically: a new file renamed over the old). */
  #change(apply: () => void | Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      await apply();
      const path = join(this.#dir, MANIFEST_FILE);
      await replaceFile(path, manifestBytes(this.#manifest));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #audit(action: AuditAction, detail: AuditEvent['detail']): Promise<void> {
    return this.deps.audit.note({
      action,
      outcome: 'info',
      actor: null,
      target: { incidentId: this.incident.id, agencyId: this.incident.agencyId },
      source: this.deps.source,
      ...(detail ? { detail } : {}),
    });
  }

  /**
   * The incident ended: every track stops (its open segment finished and hashed), then the
   * manifest is closed and signed. Idempotent; resolves with the manifest's SHA-256.
   */
  async seal(): Promise<string> {
    if (this.#sealed) {
      await this.#queue;
      return sha256Hex(manifestBytes(this.#manifest));
    }
    this.#sealed = true;
    await Promise.allSettled([...this.#starting]);
    await Promise.all([...this.#recorders.values()].map((recorder) => recorder.stop()));
    let manifestSha256 = '';
    await this.#change(() => {
      this.#manifest.endedAt = new Date().toISOString();
    });
    await this.#change(async () => {
      manifestSha256 = sha256Hex(manifestBytes(this.#manifest));
      const jws = await signManifest(this.deps.keys, { incidentId: this.incident.id, manifestSha256, signedAt: new Date().toISOString() });
      await writeFile(join(this.#dir, SIGNATURE_FILE), `${jws}\n`);
      await this.#audit('recording.sealed', { manifestSha256, segments: this.#manifest.segments.length, tracks: this.#manifest.tracks.length });
    });
    return manifestSha256;
  }
}
