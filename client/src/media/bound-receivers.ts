// Receivers bound ahead of a join on a prepared transport: one video and one audio m-section the
// browser negotiates while the seat waits, with every codec it can receive and the SSRC the relay
// reserved for each stream (server/bound-ssrcs.ts). At the join the relay sends the camera's
// streams with these MIDs and SSRCs, so the picture needs no negotiation after Join: the track is
// there, and its first frames go straight to the decoder. (A receiver told no SSRC takes the first
// stream that comes on its MID, but Chromium then makes that stream's receiver as its first packet
// arrives, and hands its first frames through its encoded-transform queue, which waits for a
// metronome tick and the page's main thread: 9–29 ms, measured.)
import type { Device, types } from 'mediasoup-client';
import type { BoundSsrcs } from '../../../signaling/protocol/messages.ts';

export type BoundKind = 'audio' | 'video';

/** MIDs of the bound receivers: letters, never one of the relay's own (numbers). */
export const BOUND_MIDS: Readonly<Record<BoundKind, string>> = { video: 'bv', audio: 'ba' };

/** What a receiver of `kind` can take on this Device, under `mid`, for the stream of `ssrcs`. Pure. */
export function boundParameters(capabilities: types.RtpCapabilities, kind: BoundKind, mid: string, ssrcs: BoundSsrcs): types.RtpParameters {
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
  const encoding = kind === 'video' ? { ssrc: ssrcs.video.ssrc, rtx: { ssrc: ssrcs.video.rtxSsrc } } : { ssrc: ssrcs.audio.ssrc };
  // mediasoup-client writes a receiver's SSRCs into the description only with a CNAME.
  return { mid, codecs, headerExtensions, encodings: [encoding], rtcp: { reducedSize: true, cname: `bound-${mid}` } };
}

/**
 * Negotiates the bound receivers on `transport` (one offer/answer for both). Their consumers are
 * the browser's only: the relay knows them by MID, from the join's `bound`.
 */
export async function bindReceivers(transport: types.Transport, device: Device, ssrcs: BoundSsrcs): Promise<types.Consumer[]> {
  // Receivers bound ahead are measured in Chromium only; elsewhere Join negotiates the streams as usual.
  if (!device.handlerName.startsWith('Chrome')) return [];
  const kinds: BoundKind[] = ['video', 'audio'];
  return Promise.all(
    kinds.map((kind) =>
      transport.consume({
        id: `bound-${kind}-${transport.id}`,
        producerId: `bound-${kind}`,
        kind,
        rtpParameters: boundParameters(device.rtpCapabilities, kind, BOUND_MIDS[kind], ssrcs),
        // Each stream plays on its own, as consume() in media-device.ts does.
        streamId: `bound-${kind}`,
        appData: {},
      }),
    ),
  );
}
