// Messages between the soak and its peer host (peer-host.ts), over the child process's IPC channel.
import type { LossCount } from '../lib/rtp-loss.ts';

export type HostRequest = { id: number } & (
  | { op: 'source'; clip: string; ffmpeg: string }
  | { op: 'publish'; key: string; url: string; credential: string }
  | { op: 'unpublish'; key: string }
  | { op: 'view'; key: string; url: string; credential: string }
  /** `deleteResource` false: the relay already ended the session (a revoked grant). */
  | { op: 'leave'; key: string; deleteResource: boolean }
  | { op: 'stats' }
  | { op: 'stop' }
);

/** What one viewer received, per kind, from its first packet to now or to its leaving. */
export interface ViewerStats {
  key: string;
  seconds: number;
  firstPacketMs: number | null;
  video: LossCount;
  audio: LossCount;
  /** NACKs the viewer sent for packets it missed. */
  nacks: number;
}

export type HostReply =
  | { op: 'done'; id: number }
  | { op: 'left'; id: number; stats: ViewerStats | null }
  | { op: 'stats'; id: number; viewers: ViewerStats[] }
  | { op: 'failed'; id: number; error: string };
