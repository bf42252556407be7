// The recording muxers (gst-launch processes) running on this machine, found by the paths on
// their command lines: a track's muxer writes under `<recording root>/<incident>/tracks/<track>/`.
import { execFileSync } from 'node:child_process';

/** Pids of the processes whose command line contains `pattern` (none: an empty list). */
export function processesMatching(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Pids of the muxers recording an incident's tracks (or, with `track`, one restart of one track: `t1/r0-`). */
export const muxersOf = (incidentId: string, track = ''): number[] => processesMatching(`${incidentId}/tracks/${track}`);
