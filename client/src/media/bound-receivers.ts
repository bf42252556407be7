// Receivers bound ahead of a join on a prepared transport: one video and one audio m-section the
// browser negotiates while the seat waits, with every codec it can receive and no SSRC. At the
// join the relay sends the camera's streams with these MIDs; the browser routes packets by MID
// and takes a stream of an SSRC it has not been told by itself (its "unsignaled" stream), so the
// picture needs no negotiation after Join: the track is there, its first packets are decoded.
import type { Device, types } from 'mediasoup-client';

export type BoundKind = 'audio' | 'video';

/** MIDs of the bound receivers: letters, never one of the relay's own (numbers). */
export const BOUND_MIDS: Readonly<Record<BoundKind, string>> = { video: 'bv', audio: 'ba' };

/** What a receiver of `kind` can take on this Device, under `mid`, with no SSRC. Pure. */
export function boundParameters(capabilities: types.RtpCapabilities, kind: BoundKind, mid: string): types.RtpParameters {
  const codecs = (capabilities.codecs ?? [])
    .filter((codec) => codec.kind === kind)
    .map((codec) => ({
      mimeType: codec.mimeType,
      payloadType: codec.preferredPayloadType!,
      clockRate: codec.clockRate,
      ...(codec.channels === undefined ? {} : { channels: codec.channels }),
      parameters: { ...(codec.parameters ?? {}) },
      rtcpFeedback: [...(codec.rtcpFeedback ?? [])],
    }));
  const headerExtensions = (capabilities.headerExtensions ?? [])
    .filter((ext) => ext.kind === kind && ext.direction !== 'sendonly' && ext.direction !== 'inactive')
    .map((ext) => ({ uri: ext.uri, id: ext.preferredId, encrypt: ext.preferredEncrypt ?? false, parameters: {} }));
  return { mid, codecs, headerExtensions, encodings: [{}], rtcp: { reducedSize: true } };
}

/**
 * Negotiates the bound receivers on `transport` (one offer/answer for both). Their consumers are
 * the browser's only: the relay knows them by MID, from the join's `bound`.
 */
export async function bindReceivers(transport: types.Transport, device: Device): Promise<types.Consumer[]> {
  // Taking an unsignaled stream by MID is libwebrtc's behaviour, measured in Chromium; elsewhere
  // Join negotiates the streams as usual.
  if (!device.handlerName.startsWith('Chrome')) return [];
  const kinds: BoundKind[] = ['video', 'audio'];
  return Promise.all(
    kinds.map((kind) =>
      transport.consume({
        id: `bound-${kind}-${transport.id}`,
        producerId: `bound-${kind}`,
        kind,
        rtpParameters: boundParameters(device.rtpCapabilities, kind, BOUND_MIDS[kind]),
        // Each stream plays on its own, as consume() in media-device.ts does.
        streamId: `bound-${kind}`,
        appData: {},
      }),
    ),
  );
}
