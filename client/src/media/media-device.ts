// mediasoup-client glue: load the Device, build transports wired to signalling, consume streams.
import { Device, detectDevice, type types } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import { Chrome74 } from 'mediasoup-client/handlers/Chrome74';
import { Firefox120 } from 'mediasoup-client/handlers/Firefox120';
import { Safari12 } from 'mediasoup-client/handlers/Safari12';
import type { ConsumerInfo, MediaSource, TransportInfo } from '../../../signaling/protocol/messages.ts';
import { api, type MediaCapabilitiesResponse } from '../net/api.ts';
import { SightlineError, toSightlineError } from '../net/errors.ts';
import type { SignalClient } from '../net/signal-client.ts';
import { VOICE_NACK_HANDLERS, withVoiceNack } from './voice-nack.ts';

/** appData the send transport's 'produce' handler reads. */
export interface ProduceAppData extends types.AppData {
  source: MediaSource;
  /** Create the producer paused on the server (push-to-talk starts silent). */
  paused?: boolean;
}

/** mediasoup parameter objects travel as plain JSON objects. */
export const asWire = (value: unknown): Record<string, unknown> => value as Record<string, unknown>;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const BROWSER_HANDLERS: Partial<Record<types.BuiltinHandlerName, () => types.HandlerFactory>> = {
  Chrome111: () => Chrome111.createFactory({}),
  Chrome74: () => Chrome74.createFactory({}),
  Firefox120: () => Firefox120.createFactory({}),
  Safari12: () => Safari12.createFactory({}),
};

let handler: types.HandlerFactory | null | undefined;

/**
 * This browser's mediasoup handler, with its native capabilities probed once per page. The probe
 * opens throwaway RTCPeerConnections (tens of milliseconds in a fresh page) and does not need the
 * router's capabilities, so it runs while those are fetched. A failed probe is tried again next
 * time. Chromium's receive capabilities gain Opus NACK (see voice-nack.ts). Null when the browser
 * is not recognised (the Device then reports it).
 */
function browserHandler(): types.HandlerFactory | null {
  if (handler !== undefined) return handler;
  const name = detectDevice();
  const base = name ? BROWSER_HANDLERS[name]?.() : undefined;
  if (!base) return (handler = null);
  const rtp = new Map<string, Promise<types.RtpCapabilities>>();
  const probed: types.HandlerFactory = {
    name: base.name,
    factory: base.factory,
    getNativeRtpCapabilities: (options) => {
      let capabilities = rtp.get(options.direction);
      if (!capabilities) {
        capabilities = base.getNativeRtpCapabilities(options);
        if (options.direction === 'recvonly' && VOICE_NACK_HANDLERS.has(base.name)) capabilities = capabilities.then(withVoiceNack);
        rtp.set(options.direction, capabilities);
        capabilities.catch(() => rtp.delete(options.direction));
      }
      return capabilities;
    },
  };
  return (handler = probed);
}

/** Start probing this browser's receive and send capabilities (both at once), if not done yet. */
function probeBrowser(): void {
  const factory = browserHandler();
  if (!factory) return;
  for (const direction of ['recvonly', 'sendonly'] as const) void factory.getNativeRtpCapabilities({ direction }).catch(() => undefined);
}

/**
 * The routers' capabilities: from the page itself when the server wrote them into it (the viewer
 * pages: no request of their own), otherwise fetched.
 */
function routerCapabilities(): Promise<MediaCapabilitiesResponse> {
  const inPage = document.getElementById('router-capabilities')?.textContent;
  if (inPage) {
    try {
      return Promise.resolve({ routerRtpCapabilities: JSON.parse(inPage) as unknown });
    } catch {
      // Unreadable: fetch them instead.
    }
  }
  return api.get<MediaCapabilitiesResponse>('/api/media/capabilities');
}

/**
 * Load a Device for this browser: the router capabilities are fetched (unless given, already on
 * their way) while the browser's own are probed.
 */
export async function loadDevice(router: Promise<MediaCapabilitiesResponse> = routerCapabilities()): Promise<Device> {
  probeBrowser();
  const { routerRtpCapabilities } = await router;
  let device: Device;
  try {
    const handlerFactory = browserHandler();
    device = handlerFactory ? new Device({ handlerFactory }) : new Device();
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
    ...(info.sctpParameters ? { sctpParameters: info.sctpParameters as types.SctpParameters } : {}),
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

/**
 * A receive transport does not wait for the reply to `transport.connect`: the relay needs the
 * browser's DTLS parameters only for the handshake, which starts once ICE has connected, and the
 * request reaches it on the signalling socket before the first ICE check can. Waiting would hold
 * back ICE, and so the first frame, by a round trip. A refusal (or no answer) is logged and told to
 * `refused`: the browser's side may still say "connected" (the relay completes the DTLS handshake
 * and then waits for the fingerprint it was never given), but no media will come on it.
 */
function wireConnectAhead(transport: types.Transport, signal: SignalClient, refused: (error: unknown) => void): void {
  transport.on('connect', ({ dtlsParameters }, callback) => {
    signal.request('transport.connect', { transportId: transport.id, dtlsParameters: asWire(dtlsParameters) }).catch((error: unknown) => {
      console.error('[media] transport connect refused', error);
      refused(error);
    });
    callback();
  });
}

export function createRecvTransport(device: Device, signal: SignalClient, info: TransportInfo, ice?: IceOptions, refused: (error: unknown) => void = () => undefined): types.Transport {
  const transport = device.createRecvTransport(transportOptions(info, ice));
  wireConnectAhead(transport, signal, refused);
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
  // Network first (capabilities fetch, socket), then the browser probe, which blocks for a moment.
  const router = routerCapabilities();
  const socket = connect();
  const [device, signal] = await Promise.allSettled([loadDevice(router), socket]);
  if (device.status === 'fulfilled' && signal.status === 'fulfilled') return [device.value, signal.value];
  if (signal.status === 'fulfilled') signal.value.close();
  throw device.status === 'rejected' ? device.reason : (signal as PromiseRejectedResult).reason;
}
