// Per-stream statistics of a peer's producers (what it sends) and consumers (what it receives),
// as the metrics and the pages' quality lines read them.
import type { types } from 'mediasoup';
import type { MediaKind, StreamSample } from './media-types.ts';

type Stats = Array<{ type: string; bitrate?: number; packetCount?: number; packetsLost?: number }>;

async function sample(kind: MediaKind, stats: Promise<Stats>, type: string): Promise<StreamSample[]> {
  return (await stats.catch(() => [])).filter((s) => s.type === type).map((s) => ({ kind, bitrate: s.bitrate ?? 0, packets: s.packetCount ?? 0, lost: s.packetsLost ?? 0 }));
}

export async function streamSamples(producers: types.Producer[], consumers: types.Consumer[]): Promise<{ inbound: StreamSample[]; outbound: StreamSample[] }> {
  const inbound = await Promise.all(producers.map((p) => sample(p.kind, p.getStats() as Promise<Stats>, 'inbound-rtp')));
  const outbound = await Promise.all(consumers.map((c) => sample(c.kind, c.getStats() as Promise<Stats>, 'outbound-rtp')));
  return { inbound: inbound.flat(), outbound: outbound.flat() };
}
