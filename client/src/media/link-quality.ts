// What the viewer shows about its own picture: the layer it receives (its height), the frame
// rate, and a connection-quality word, from the video receiver's statistics between two readings.

export interface VideoCounters {
  framesDecoded: number;
  packetsReceived: number;
  packetsLost: number;
  freezeCount: number;
  frameHeight: number | null;
  at: number;
}

export type Quality = 'good' | 'fair' | 'poor' | 'none';

export interface LinkQuality {
  quality: Quality;
  /** Height of the layer received, e.g. 480, or null before the first frame. */
  height: number | null;
  framesPerSecond: number;
  /** Share of packets lost between the readings (0–1). */
  loss: number;
}

/** Quality between two readings: frames shown, loss and freezes decide it. Pure. */
export function linkQuality(before: VideoCounters, after: VideoCounters): LinkQuality {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const framesPerSecond = Math.max(0, after.framesDecoded - before.framesDecoded) / seconds;
  const received = Math.max(0, after.packetsReceived - before.packetsReceived);
  const lost = Math.max(0, after.packetsLost - before.packetsLost);
  const loss = received + lost === 0 ? 0 : lost / (received + lost);
  const froze = after.freezeCount > before.freezeCount;
  const quality: Quality =
    framesPerSecond < 1 ? 'none' : froze || framesPerSecond < 8 || loss >= 0.08 ? 'poor' : framesPerSecond < 15 || loss >= 0.02 ? 'fair' : 'good';
  return { quality, height: after.frameHeight, framesPerSecond: Math.round(framesPerSecond * 10) / 10, loss };
}

const WORDS: Record<Quality, string> = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection', none: 'No picture' };

/** The words a viewer reads, e.g. "480p · 25 fps · Good connection". */
export function describeLinkQuality(link: LinkQuality): string {
  const parts = [link.height ? `${link.height}p` : null, link.quality === 'none' ? null : `${Math.round(link.framesPerSecond)} fps`, WORDS[link.quality]];
  return parts.filter(Boolean).join(' · ');
}

/** Reads a video receiver's counters from its getStats() report, or null when it has none yet. */
export function videoCounters(report: RTCStatsReport, at: number): VideoCounters | null {
  let found: VideoCounters | null = null;
  report.forEach((stat: Record<string, unknown>) => {
    if (stat.type !== 'inbound-rtp' || stat.kind !== 'video') return;
    const n = (key: string) => (typeof stat[key] === 'number' ? (stat[key] as number) : 0);
    found = {
      framesDecoded: n('framesDecoded'),
      packetsReceived: n('packetsReceived'),
      packetsLost: n('packetsLost'),
      freezeCount: n('freezeCount'),
      frameHeight: typeof stat.frameHeight === 'number' ? stat.frameHeight : null,
      at,
    };
  });
  return found;
}
