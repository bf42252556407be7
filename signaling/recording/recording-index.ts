// Where each recording lives, in the shared store: the node that recorded it (its RECORDING_DIR
// holds the segments), its agency, its size and seal, and its purge. Any node reads it to hand a
// request for a recording it does not hold to the node that does. Written as the recording starts,
// is sealed and is purged; a write that fails is logged, never in the way of the recording.
import { z } from 'zod';
import { legalHold, type LegalHold, type RecordingManifest } from '../protocol/recordings.ts';
import type { Collection, Store } from '../state/store.ts';

export const recordingIndexEntry = z.object({
  incidentId: z.string(),
  agencyId: z.string(),
  nodeId: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  segments: z.number(),
  bytes: z.number(),
  /** The SHA-256 of the sealed manifest. */
  manifestSha256: z.string().nullable(),
  purgedAt: z.string().nullable(),
  /** Its legal hold, so that every node can list the holds of every recording. */
  hold: legalHold.nullable().default(null),
});
export type RecordingIndexEntry = z.infer<typeof recordingIndexEntry>;

export class RecordingIndex {
  readonly #entries: Collection<RecordingIndexEntry>;

  constructor(
    store: Store,
    private readonly nodeId: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.#entries = store.collection('recordings', recordingIndexEntry);
  }

  get(incidentId: string): Promise<RecordingIndexEntry | undefined> {
    return this.#entries.get(incidentId);
  }

  /** The recording as its manifest now stands, on this node. */
  noted(manifest: RecordingManifest, manifestSha256: string | null = null): Promise<void> {
    const entry: RecordingIndexEntry = {
      incidentId: manifest.incidentId,
      agencyId: manifest.agencyId,
      nodeId: this.nodeId,
      startedAt: manifest.startedAt,
      endedAt: manifest.endedAt,
      segments: manifest.segments.length,
      bytes: manifest.segments.reduce((sum, segment) => sum + segment.bytes, 0),
      manifestSha256,
      purgedAt: null,
      hold: null,
    };
    return this.#entries
      .get(manifest.incidentId)
      .then((existing) => this.#entries.put(manifest.incidentId, { ...entry, hold: existing?.hold ?? null }))
      .catch((error: Error) => this.onError(error));
  }

  /** The recordings on hold anywhere in the cluster. */
  async holds(): Promise<Array<LegalHold & { agencyId: string }>> {
    const entries = await this.#entries.list();
    return entries.flatMap((entry) => (entry.hold ? [{ ...entry.hold, agencyId: entry.agencyId }] : []));
  }

  /** A hold was placed (or, with null, released) on the recording. */
  held(incidentId: string, hold: LegalHold | null): Promise<void> {
    return this.#entries
      .update(incidentId, (entry) => ({ ...entry, hold }))
      .then(() => undefined, (error: Error) => this.onError(error));
  }

  purged(incidentId: string, at: Date): Promise<void> {
    return this.#entries
      .update(incidentId, (entry) => ({ ...entry, purgedAt: at.toISOString() }))
      .then(() => undefined, (error: Error) => this.onError(error));
  }
}
