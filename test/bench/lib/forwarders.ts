// The forwarders the fan-out bench compares, each fed plain RTP from the synthetic camera and
// forwarding it to a growing set of sink sockets: a mediasoup worker (Sightline's media plane
// codecs, PlainTransports) and Janus VideoRoom (remote publisher + RTP forwarders).
import * as mediasoup from 'mediasoup';
import { MEDIA_CODECS } from '../../../server/media-options.ts';
import { JANUS_ROOM, JanusClient, startJanus } from './janus.ts';
import { onTeardown } from './processes.ts';
import { RtpSink } from './rtp.ts';

/** Janus maps a remote publisher's RTP to its m-line by SSRC; 1000 lands on the first one. */
export const SOURCE_SSRC = 1000;
export const PAYLOAD_TYPE = 101;

export type ForwarderName = 'sightline' | 'sightline-plain' | 'janus';

/**
 * What a consumer asks for. `webrtc`: the router's full capabilities, as a browser's device
 * negotiates them (NACK with a retransmission buffer, PLI/FIR, transport-cc and the other header
 * extensions, RTCP). `plain`: VP8 alone, no feedback or extensions — the same work as a Janus
 * RTP forwarder does.
 */
export type ConsumerSettings = 'webrtc' | 'plain';

const PLAIN_VP8: mediasoup.types.RtpCapabilities = {
  codecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: PAYLOAD_TYPE, rtcpFeedback: [] }],
  headerExtensions: [],
};

export interface Forwarder {
  name: ForwarderName;
  pid: number;
  input: { host: string; port: number };
  sink: RtpSink;
  receivers: number;
  grow(to: number): Promise<void>;
  sendErrors(): number;
  done: string | null;
}

export async function mediasoupForwarder(settings: ConsumerSettings): Promise<Forwarder> {
  const worker = await mediasoup.createWorker({ logLevel: 'error' });
  onTeardown('mediasoup worker (fan-out)', () => worker.close(), () => worker.close());
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const ingest = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const producer = await ingest.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
      encodings: [{ ssrc: SOURCE_SSRC }],
    },
  });
  const sink = new RtpSink();
  onTeardown('fan-out sink (mediasoup)', () => sink.close());
  const forwarder: Forwarder = {
    name: settings === 'webrtc' ? 'sightline' : 'sightline-plain',
    pid: worker.pid,
    sendErrors: () => 0,
    input: { host: '127.0.0.1', port: ingest.tuple.localPort },
    sink,
    receivers: 0,
    done: null,
    async grow(to) {
      const ports = await sink.add(to - forwarder.receivers);
      for (let i = 0; i < ports.length; i += 50) {
        await Promise.all(
          ports.slice(i, i + 50).map(async (port) => {
            const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
            await transport.connect({ ip: '127.0.0.1', port });
            const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: settings === 'webrtc' ? router.rtpCapabilities : PLAIN_VP8 });
            sink.expect(port, consumer.rtpParameters.encodings![0]!.ssrc!);
          }),
        );
      }
      forwarder.receivers = to;
    },
  };
  return forwarder;
}

export async function janusForwarder(): Promise<Forwarder> {
  const janus = await startJanus();
  const client = await JanusClient.open(janus.wsUrl);
  onTeardown('janus client', () => client.close());
  await client.createSession();
  const handle = await client.attach();
  const publisherId = 77;
  const remote = await client.message(handle, {
    request: 'add_remote_publisher',
    room: JANUS_ROOM,
    id: publisherId,
    display: 'synthetic camera',
    streams: [{ type: 'video', mindex: 0, mid: '0', codec: 'vp8' }],
  });
  const sink = new RtpSink();
  onTeardown('fan-out sink (janus)', () => sink.close());
  const forwarder: Forwarder = {
    name: 'janus',
    pid: janus.pid,
    sendErrors: janus.forwardErrors,
    input: { host: '127.0.0.1', port: Number(remote.port) },
    sink,
    receivers: 0,
    done: null,
    async grow(to) {
      const ports = await sink.add(to - forwarder.receivers);
      for (let i = 0; i < ports.length; i += 50) {
        await Promise.all(
          ports.slice(i, i + 50).map((port) =>
            client.message(handle, { request: 'rtp_forward', room: JANUS_ROOM, publisher_id: publisherId, host: '127.0.0.1', streams: [{ mid: '0', port }] }),
          ),
        );
      }
      forwarder.receivers = to;
    },
  };
  return forwarder;
}
