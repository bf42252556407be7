// A transport's selected ICE path, read from its stats, and whether that path still receives
// anything: reconnection uses it to tell a live path from a dead one.
import type { types } from 'mediasoup-client';

type Stat = Record<string, unknown>;

/** A transport's stats by id, and its selected candidate pair (if ICE has one). */
export function selectedPair(report: RTCStatsReport): { stats: Map<string, Stat>; pair: Stat | undefined } {
  const stats = new Map<string, Stat>();
  report.forEach((stat: Stat) => stats.set(String(stat.id), stat));
  const selectedIds = [...stats.values()].filter((s) => s.type === 'transport').map((s) => s.selectedCandidatePairId);
  const pair =
    [...stats.values()].find((s) => s.type === 'candidate-pair' && selectedIds.includes(s.id)) ??
    [...stats.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  return { stats, pair };
}

/**
 * How long ago the transport's selected path last received anything (media, RTCP or an ICE
 * check's response), in ms; null without a selected path. While media flows the relay's feedback
 * arrives many times a second, so a path that stays quiet after a network drop is dead.
 */
export async function quietForMs(transport: types.Transport): Promise<number | null> {
  const { pair } = selectedPair(await transport.getStats());
  if (!pair || typeof pair.lastPacketReceivedTimestamp !== 'number' || typeof pair.timestamp !== 'number') return null;
  return pair.timestamp - pair.lastPacketReceivedTimestamp;
}
