// Which ICE candidate pair each transport uses (host, srflx, relay...), for tests and diagnostics:
// it proves, for example, that media really flows through TURN.
import type { types } from 'mediasoup-client';
import { selectedPair } from './ice-path.ts';

export interface CandidatePairStat {
  transportId: string;
  state: string;
  localType: string;
  remoteType: string;
  localProtocol: string;
  localAddress: string;
  /** The sender's bandwidth estimate on this pair, bits per second (send transports). */
  availableOutgoingBitrate?: number;
}

export async function selectedCandidatePairs(list: Array<types.Transport | null | undefined>): Promise<CandidatePairStat[]> {
  const result: CandidatePairStat[] = [];
  for (const transport of list) {
    if (!transport || transport.closed) continue;
    const { stats, pair } = selectedPair(await transport.getStats());
    if (!pair) continue;
    const local = stats.get(String(pair.localCandidateId));
    const remote = stats.get(String(pair.remoteCandidateId));
    result.push({
      transportId: transport.id,
      state: String(pair.state ?? ''),
      localType: String(local?.candidateType ?? ''),
      remoteType: String(remote?.candidateType ?? ''),
      localProtocol: String(local?.protocol ?? ''),
      localAddress: String(local?.address ?? ''),
      ...(typeof pair.availableOutgoingBitrate === 'number' ? { availableOutgoingBitrate: pair.availableOutgoingBitrate } : {}),
    });
  }
  return result;
}
