// The evidence recordings of the incidents hosted on this node: one IncidentRecording per live
// incident whose agency records, attached to each media room the incident has (the first, and
// any rebuilt after a worker died), sealed when the incident ends or the node shuts down.
import type { MediaRoom } from '../../server/media-room.ts';
import type { Agency } from '../identity/directory.ts';
import { IncidentRecording, type PeerIdentity, type RecordingDeps } from './incident-recording.ts';
import type { RecordingIndex } from './recording-index.ts';

export interface RecordingsOptions extends RecordingDeps {
  /** RECORDING_ENABLED: false records nothing on this node. */
  enabled: boolean;
  agency(agencyId: string): Promise<Agency | undefined>;
  /** Where the cluster finds this node's recordings. */
  index: RecordingIndex;
  onError(error: Error, context: string): void;
}

export class Recordings {
  readonly #active = new Map<string, IncidentRecording>();
  /** Seals under way: shutdown waits for them. */
  readonly #sealing = new Set<Promise<void>>();

  constructor(private readonly options: RecordingsOptions) {}

  /** Whether an agency's incidents are recorded now (the node's switch and the agency's setting). */
  async recordsFor(agencyId: string): Promise<boolean> {
    if (!this.options.enabled) return false;
    return (await this.options.agency(agencyId))?.recording !== false;
  }

  /**
   * Starts recording a new incident when its agency records; resolves with whether it does. A
   * recorder that cannot start is reported and the incident goes on unrecorded.
   */
  async start(incident: { id: string; agencyId: string }, room: MediaRoom, identity: PeerIdentity): Promise<boolean> {
    if (this.#active.has(incident.id)) return true;
    try {
      if (!(await this.recordsFor(incident.agencyId))) return false;
      const recording = await IncidentRecording.open(incident, this.options);
      this.#active.set(incident.id, recording);
      recording.attach(room, identity);
      await this.options.index.noted(recording.manifest);
      return true;
    } catch (error) {
      this.options.onFailure('track-failed', error as Error, incident.id);
      this.options.onError(error as Error, `start recording ${incident.id}`);
      return false;
    }
  }

  /** The incident's media was rebuilt in a new room: record that one from now on. */
  attach(incidentId: string, room: MediaRoom, identity: PeerIdentity): void {
    this.#active.get(incidentId)?.attach(room, identity);
  }

  isRecording(incidentId: string): boolean {
    return this.#active.has(incidentId);
  }

  count(): number {
    return this.#active.size;
  }

  /** The incident ended: finish and seal its recording. Never throws. */
  async seal(incidentId: string): Promise<void> {
    const recording = this.#active.get(incidentId);
    if (!recording) return;
    this.#active.delete(incidentId);
    const sealing = recording.seal().then(
      (manifestSha256) => this.options.index.noted(recording.manifest, manifestSha256),
      (error: Error) => this.options.onError(error, `seal recording ${incidentId}`),
    );
    this.#sealing.add(sealing);
    try {
      await sealing;
    } finally {
      this.#sealing.delete(sealing);
    }
  }

  /**
   * Shutdown: every recording still running is finished and sealed (its muxers exit), and seals
   * already under way (incidents that ended as the node shut down) are waited for, so that their
   * manifests and audit entries are written before the audit log and the disk are let go.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#active.keys()].map((incidentId) => this.seal(incidentId)));
    await Promise.all([...this.#sealing]);
  }
}
