// Where an incident's recording lives under RECORDING_DIR. Paths are built only from ids the
// relay generated, checked against their shapes here, and must stay inside the root.
import { resolve, sep } from 'node:path';

const INCIDENT_ID = /^inc-[0-9a-f-]{36}$/;
const TRACK_ID = /^t\d{1,6}$/;

export class RecordingPaths {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  static isIncidentId(value: string): boolean {
    return INCIDENT_ID.test(value);
  }

  incidentDir(incidentId: string): string {
    if (!RecordingPaths.isIncidentId(incidentId)) throw new Error(`not an incident id: ${JSON.stringify(incidentId.slice(0, 80))}`);
    return this.#inside(resolve(this.root, incidentId));
  }

  trackDir(incidentId: string, trackId: string): string {
    if (!TRACK_ID.test(trackId)) throw new Error(`not a track id: ${JSON.stringify(trackId.slice(0, 80))}`);
    return this.#inside(resolve(this.incidentDir(incidentId), 'tracks', trackId));
  }

  /** A manifest's relative segment path (already shape-checked) under the incident's folder. */
  segmentFile(incidentId: string, relative: string): string {
    return this.#inside(resolve(this.incidentDir(incidentId), relative));
  }

  #inside(path: string): string {
    if (!path.startsWith(this.root + sep)) throw new Error('a recording path left RECORDING_DIR');
    return path;
  }
}
