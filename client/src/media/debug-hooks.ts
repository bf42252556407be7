// Debug hooks for end-to-end tests. Each page (officer, watch, supervisor, inbox, admin) exposes:
//
//   window.sightline = {
//     state: string,   // see below; 'error:<CODE>' on failure
//     code?: string,   // last error / access.ended code, if any
//     stats(): Promise<{ inbound: [{kind, ssrc?, packetsReceived, framesDecoded?, totalAudioEnergy?}],
//                        outbound: [{kind, packetsSent}] }>   // from transport.getStats()
//   }
//
// States: all pages 'idle' at load and 'signin' while the sign-in form is shown;
//   officer:    'idle' -> 'starting' -> 'live' -> 'ended'      (or 'error:<CODE>')
//   watch:      'joining' -> 'joined' -> 'ended'               (or 'error:<CODE>', e.g. error:TOKEN_EXPIRED)
//   supervisor: 'loading' -> 'console' once the first `console.incidents` arrived
//               ('error:<CODE>' while the socket is down; back to 'console' with the next snapshot)
//   inbox:      'loading' -> 'inbox' once the first `inbox` arrived (same error handling)
//   admin:      'loading' -> 'admin' once agencies, users and agreements are loaded ('error:<CODE>' otherwise)
// The supervisor console's inline viewer is not a page state: see data-state on
// [data-testid=console-viewer] ('connecting' | 'watching' | 'ended' | 'error'); stats() covers its transport.
// The state is mirrored on <body data-state="..."> so tests (and CSS) can wait on it.
// mediasoup-client's RTP probation receiver is left out of `inbound`.
import type { types } from 'mediasoup-client';
import { selectedCandidatePairs, type CandidatePairStat } from './network-debug.ts';

export interface InboundStat {
  kind: string;
  ssrc?: number;
  packetsReceived: number;
  framesDecoded?: number;
  totalAudioEnergy?: number;
  /** Playout (jitter-buffer) delay counters, for how far behind live the receiver plays. */
  jitterBufferDelay?: number;
  jitterBufferEmittedCount?: number;
  /** Loss repair as the receiver saw it (RTCInboundRtpStreamStats). */
  packetsLost?: number;
  nackCount?: number;
  retransmittedPacketsReceived?: number;
  pliCount?: number;
  /** Video only: frames dropped before decode, and playout freezes (count, seconds in total). */
  framesDropped?: number;
  freezeCount?: number;
  totalFreezesDuration?: number;
  /** Audio only: samples played and those the receiver had to conceal (lost or late). */
  totalSamplesReceived?: number;
  concealedSamples?: number;
}
export interface OutboundStat {
  kind: string;
  packetsSent: number;
  /** A simulcast layer's RID, and whether the sender sends that layer at all (uplink-guard.ts). */
  rid?: string;
  active?: boolean;
  /** Loss repair as the sender saw it (RTCOutboundRtpStreamStats). */
  nackCount?: number;
  retransmittedPacketsSent?: number;
  pliCount?: number;
  keyFramesEncoded?: number;
}
export interface MediaStats {
  inbound: InboundStat[];
  outbound: OutboundStat[];
}

export interface SightlineDebug {
  state: string;
  code?: string;
  stats: () => Promise<MediaStats>;
  /** Signalling link: 'ok', or 'reconnecting' while a dropped connection is being resumed. */
  link?: string;
  /** Completed resumes of this page's seat, and ICE restarts of its transports. */
  resumes?: number;
  iceRestarts?: number;
  /** When `link` last changed (ms since the epoch). */
  linkAt?: number;
  /** Each transport's selected ICE candidate pair (local and remote candidate types). */
  candidatePairs?: () => Promise<CandidatePairStat[]>;
}

declare global {
  interface Window {
    sightline: SightlineDebug;
  }
}

type TransportSource = () => Array<types.Transport | null | undefined>;
let transports: TransportSource = () => [];

window.sightline = { state: 'idle', stats: () => collectStats(transports()), candidatePairs: () => selectedCandidatePairs(transports()) };

export function setLinkCounts(counts: { resumes: number; iceRestarts: number }): void {
  window.sightline.resumes = counts.resumes;
  window.sightline.iceRestarts = counts.iceRestarts;
}

export function setLinkState(state: string): void {
  window.sightline.link = state;
  window.sightline.linkAt = Date.now();
  document.body.dataset.link = state;
}

export function setState(state: string, code?: string): void {
  window.sightline.state = state;
  if (code !== undefined) window.sightline.code = code;
  document.body.dataset.state = state;
}

export function setErrorState(code: string): void {
  setState(`error:${code}`, code);
}

/** Tell the hooks where to find the page's current transports. */
export function registerTransports(source: TransportSource): void {
  transports = source;
}

const REPAIR_COUNTERS = [
  'packetsLost',
  'nackCount',
  'retransmittedPacketsReceived',
  'pliCount',
  'framesDropped',
  'freezeCount',
  'totalFreezesDuration',
  'totalSamplesReceived',
  'concealedSamples',
] as const;

const SENDER_REPAIR_COUNTERS = ['nackCount', 'retransmittedPacketsSent', 'pliCount', 'keyFramesEncoded'] as const;

/** mediasoup-client's hidden RTP probation receiver (mid 'probator', SSRC 1234): not real media. */
const isProbator = (stat: Record<string, unknown>) => stat.mid === 'probator' || stat.ssrc === 1234;

export async function collectStats(list: Array<types.Transport | null | undefined>): Promise<MediaStats> {
  const result: MediaStats = { inbound: [], outbound: [] };
  for (const transport of list) {
    if (!transport || transport.closed) continue;
    const report = await transport.getStats();
    report.forEach((stat: Record<string, unknown>) => {
      const kind = String(stat.kind ?? stat.mediaType ?? '');
      if (stat.type === 'inbound-rtp' && !isProbator(stat)) {
        const entry: InboundStat = { kind, packetsReceived: Number(stat.packetsReceived ?? 0) };
        if (typeof stat.ssrc === 'number') entry.ssrc = stat.ssrc;
        if (typeof stat.framesDecoded === 'number') entry.framesDecoded = stat.framesDecoded;
        if (typeof stat.totalAudioEnergy === 'number') entry.totalAudioEnergy = stat.totalAudioEnergy;
        if (typeof stat.jitterBufferDelay === 'number') entry.jitterBufferDelay = stat.jitterBufferDelay;
        if (typeof stat.jitterBufferEmittedCount === 'number') entry.jitterBufferEmittedCount = stat.jitterBufferEmittedCount;
        for (const key of REPAIR_COUNTERS) if (typeof stat[key] === 'number') entry[key] = stat[key];
        result.inbound.push(entry);
      } else if (stat.type === 'outbound-rtp') {
        const entry: OutboundStat = { kind, packetsSent: Number(stat.packetsSent ?? 0) };
        if (typeof stat.rid === 'string') entry.rid = stat.rid;
        if (typeof stat.active === 'boolean') entry.active = stat.active;
        for (const key of SENDER_REPAIR_COUNTERS) if (typeof stat[key] === 'number') entry[key] = stat[key];
        result.outbound.push(entry);
      }
    });
  }
  return result;
}
