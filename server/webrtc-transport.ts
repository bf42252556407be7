// Opening one WebRTC transport for a peer: UDP and TCP on the node's address, a port claimed from
// the node's budget (released when the transport closes), SCTP when asked for, a receive
// transport's bitrate floor, and its ICE and DTLS state reported as one of three words.
import type { types } from 'mediasoup';
import { mediaCall } from './media-errors.ts';
import { VIEWER_BITRATE_FLOOR, type MediaPlaneOptions } from './media-options.ts';
import type { PortBudget, PortClaimant } from './port-budget.ts';

export type Direction = 'send' | 'recv';
export type TransportState = 'connected' | 'disconnected' | 'failed';

export type TransportOptions = Pick<MediaPlaneOptions, 'listenIp' | 'announcedAddress' | 'portRange' | 'initialAvailableOutgoingBitrate' | 'viewerBitrateFloor'> & {
  ports: PortBudget;
  claimant: PortClaimant;
};

export async function openWebRtcTransport(
  router: types.Router,
  options: TransportOptions,
  direction: Direction,
  sctp: { numStreams: { OS: number; MIS: number } } | undefined,
  state: (transportId: string, state: TransportState) => void,
): Promise<types.WebRtcTransport<{ direction: Direction }>> {
  const listen = { ip: options.listenIp, announcedAddress: options.announcedAddress, portRange: options.portRange };
  const release = options.ports.claim(options.claimant);
  const transport = await mediaCall('createWebRtcTransport', () =>
    router.createWebRtcTransport<{ direction: Direction }>({
      listenInfos: [
        { protocol: 'udp', ...listen },
        { protocol: 'tcp', ...listen },
      ],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate,
      ...(sctp ? { enableSctp: true, numSctpStreams: sctp.numStreams } : {}),
      appData: { direction },
    }),
  ).catch((error: unknown) => {
    release();
    throw error;
  });
  transport.observer.once('close', release);
  if (direction === 'recv') {
    const floor = options.viewerBitrateFloor ?? VIEWER_BITRATE_FLOOR;
    await mediaCall('setMinOutgoingBitrate', () => transport.setMinOutgoingBitrate(floor)).catch((error: unknown) => {
      transport.close();
      throw error;
    });
  }
  transport.on('icestatechange', (ice) => {
    if (ice === 'connected' || ice === 'completed') state(transport.id, 'connected');
    else if (ice === 'disconnected') state(transport.id, 'disconnected');
  });
  transport.on('dtlsstatechange', (dtls) => {
    if (dtls === 'failed' || dtls === 'closed') state(transport.id, 'failed');
  });
  return transport;
}
