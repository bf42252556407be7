// mediasoup-client glue: load the Device, build transports wired to signalling, consume streams.
import { Device, type types } from 'mediasoup-client';
import type { ConsumerInfo, MediaSource, TransportInfo } from '../../signaling/protocol/messages.ts';
import { api, type MediaCapabilitiesResponse } from './api.ts';
import { SightlineError, toSightlineError } from './errors.ts';
import type { SignalClient } from './signal-client.ts';

/** appData the send transport's 'produce' handler reads. */
export interface ProduceAppData extends types.AppData {
  source: MediaSource;
  /** Create the producer paused on the server (push-to-talk starts silent). */
  paused?: boolean;
}

/** mediasoup parameter objects travel as plain JSON objects. */
export const asWire = (value: unknown): Record<string, unknown> => value as Record<string, unknown>;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Fetch the router capabilities and load a Device for this browser. */
export async function loadDevice(): Promise<Device> {
  const { routerRtpCapabilities } = await api.get<MediaCapabilitiesResponse>('/api/media/capabilities');
  let device: Device;
  try {
    device = new Device();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
  } catch (error) {
    const e = toSightlineError(error);
    throw e.code === 'UNKNOWN' ? new SightlineError('UNSUPPORTED', e.message) : e;
  }
  return device;
}

/** TURN servers from the relay, and the ICE transport policy ('relay' forces TURN). */
export interface IceOptions {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
}

function transportOptions(info: TransportInfo, ice: IceOptions = {}): types.TransportOptions {
  return {
    id: info.id,
    iceParameters: info.iceParameters as types.IceParameters,
    iceCandidates: info.iceCandidates as types.IceCandidate[],
    dtlsParameters: info.dtlsParameters as types.DtlsParameters,
    ...(ice.iceServers ? { iceServers: ice.iceServers } : {}),
    ...(ice.iceTransportPolicy ? { iceTransportPolicy: ice.iceTransportPolicy } : {}),
  };
}

function wireConnect(transport: types.Transport, signal: SignalClient): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signal
      .request('transport.connect', { transportId: transport.id, dtlsParameters: asWire(dtlsParameters) })
      .then(() => callback(), (error: unknown) => errback(toError(error)));
  });
}

export function createRecvTransport(device: Device, signal: SignalClient, info: TransportInfo, ice?: IceOptions): types.Transport {
  const transport = device.createRecvTransport(transportOptions(info, ice));
  wireConnect(transport, signal);
  return transport;
}

export function createSendTransport(device: Device, signal: SignalClient, info: TransportInfo, ice?: IceOptions): types.Transport {
  const transport = device.createSendTransport(transportOptions(info, ice));
  wireConnect(transport, signal);
  transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    const data = appData as Partial<ProduceAppData>;
    signal
      .request('produce', {
        transportId: transport.id,
        kind,
        rtpParameters: asWire(rtpParameters),
        source: data.source ?? 'camera',
        paused: data.paused === true,
      })
      .then(({ producerId }) => callback({ id: producerId }), (error: unknown) => errback(toError(error)));
  });
  return transport;
}

/**
 * Create a client consumer for a consumer the server already made (paused). Resume it afterwards.
 * Each stream plays on its own (its own stream id: no lip sync between a camera's audio and
 * video): a receiving browser that syncs them holds the video back to match the audio's playout
 * delay, and after a network drop that delay can be seconds until the audio receiver is renewed.
 */
export function consume(transport: types.Transport, info: ConsumerInfo): Promise<types.Consumer> {
  return transport.consume({
    id: info.id,
    producerId: info.producerId,
    kind: info.kind,
    rtpParameters: info.rtpParameters as types.RtpParameters,
    streamId: info.producerId,
    appData: { source: info.source, from: info.from },
  });
}

/** getUserMedia with errors mapped to MEDIA_DENIED / NO_DEVICE / UNSUPPORTED. */
export async function getMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new SightlineError('UNSUPPORTED', 'getUserMedia is not available (is the page served over HTTPS?)');
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    throw toSightlineError(error);
  }
}

/** Close a transport if it is still open (closing it also closes its producers/consumers). */
export function closeTransport(transport: types.Transport | null | undefined): void {
  if (transport && !transport.closed) transport.close();
}

/**
 * Loads the device and opens the signalling socket at the same time (they do not depend on each
 * other), so a join costs one wait less. A socket opened for a device that failed is closed.
 */
export async function deviceAndSocket<S extends { close(): void }>(connect: () => Promise<S>): Promise<[Device, S]> {
  const [device, signal] = await Promise.allSettled([loadDevice(), connect()]);
  if (device.status === 'fulfilled' && signal.status === 'fulfilled') return [device.value, signal.value];
  if (signal.status === 'fulfilled') signal.value.close();
  throw device.status === 'rejected' ? device.reason : (signal as PromiseRejectedResult).reason;
}
