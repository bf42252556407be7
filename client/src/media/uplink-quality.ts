// What the officer sees about their own uplink: the rate the camera sends, the share of it the
// relay reports lost, the round trip, and a quality word, from the camera's video sender
// statistics between two readings (the relay's receiver reports come back as remote-inbound-rtp).
import type { Quality } from './link-quality.ts';

export interface UplinkCounters {
  bytesSent: number;
  packetsSent: number;
  /** Packets the relay reports lost, over every layer. */
  packetsLost: number;
  roundTripMs: number | null;
  /** Height of the highest layer sent now, or null. */
  height: number | null;
  at: number;
}

export interface UplinkQuality {
  quality: Quality;
  kbps: number;
  /** Share of packets lost between the readings (0–1). */
  loss: number;
  roundTripMs: number | null;
  height: number | null;
}

/** Reads the sender's counters from its getStats() rows, or null before it sends. Pure. */
export function uplinkCounters(rows: ReadonlyArray<Record<string, unknown>>, at: number): UplinkCounters | null {
  const n = (row: Record<string, unknown>, key: string) => (typeof row[key] === 'number' ? (row[key] as number) : 0);
  const outbound = rows.filter((row) => row.type === 'outbound-rtp' && row.kind === 'video');
  if (outbound.length === 0) return null;
  const remote = rows.filter((row) => row.type === 'remote-inbound-rtp' && row.kind === 'video');
  const pair = rows.find((row) => row.type === 'candidate-pair' && row.nominated === true && typeof row.currentRoundTripTime === 'number');
  const heights = outbound.filter((row) => n(row, 'framesPerSecond') > 0).map((row) => n(row, 'frameHeight'));
  return {
    bytesSent: outbound.reduce((sum, row) => sum + n(row, 'bytesSent'), 0),
    packetsSent: outbound.reduce((sum, row) => sum + n(row, 'packetsSent'), 0),
    packetsLost: remote.reduce((sum, row) => sum + n(row, 'packetsLost'), 0),
    roundTripMs: pair ? Math.round((pair.currentRoundTripTime as number) * 1000) : null,
    height: heights.length ? Math.max(...heights) : null,
    at,
  };
}

/** The uplink between two readings: loss and round trip decide its quality. Pure. */
export function uplinkQuality(before: UplinkCounters, after: UplinkCounters): UplinkQuality {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const kbps = Math.max(0, after.bytesSent - before.bytesSent) * 8 / 1000 / seconds;
  const sent = Math.max(0, after.packetsSent - before.packetsSent);
  const lost = Math.max(0, after.packetsLost - before.packetsLost);
  const loss = sent === 0 ? 0 : Math.min(1, lost / sent);
  const rtt = after.roundTripMs;
  const quality: Quality = sent === 0 ? 'none' : loss >= 0.08 || (rtt ?? 0) >= 600 ? 'poor' : loss >= 0.02 || (rtt ?? 0) >= 250 ? 'fair' : 'good';
  return { quality, kbps: Math.round(kbps), loss, roundTripMs: rtt, height: after.height };
}

const WORDS: Record<Quality, string> = { good: 'Good uplink', fair: 'Fair uplink', poor: 'Poor uplink', none: 'Nothing sent' };

/** The words the officer reads, e.g. "Sending 720p · 1450 kbit/s · 1% lost · Good uplink". */
export function describeUplink(uplink: UplinkQuality): string {
  const parts = [
    uplink.height ? `Sending ${uplink.height}p` : null,
    uplink.quality === 'none' ? null : `${uplink.kbps} kbit/s`,
    uplink.quality === 'none' ? null : `${Math.round(uplink.loss * 100)}% lost`,
    WORDS[uplink.quality],
  ];
  return parts.filter(Boolean).join(' · ');
}
