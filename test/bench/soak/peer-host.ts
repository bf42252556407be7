// The soak's cameras and viewers, in a process of their own so that their load is not the relay's:
// werift (WebRTC in TypeScript: ICE, DTLS-SRTP, RTCP feedback) peers that publish over WHIP and
// play over WHEP. Every camera sends the same pre-encoded clip, which one ffmpeg plays out as
// RTP (copied, not re-encoded); each viewer counts what it receives by sequence number.
// Driven by its parent over IPC (soak-protocol.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver } from 'werift';
import { SequenceLoss, sumLoss } from '../lib/rtp-loss.ts';
import { isRtcp } from '../lib/rtp.ts';
import type { HostReply, HostRequest, ViewerStats } from './soak-protocol.ts';

const codecs = {
  video: [
    new RTCRtpCodecParameters({
      mimeType: 'video/VP8',
      clockRate: 90_000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }],
    }),
  ],
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
};

const newPeer = () => new RTCPeerConnection({ codecs, iceUseIpv6: false });

interface Camera {
  pc: RTCPeerConnection;
  video: MediaStreamTrack;
  audio: MediaStreamTrack;
  resource: string | null;
  credential: string;
}

interface Viewer {
  pc: RTCPeerConnection;
  resource: string | null;
  credential: string;
  startedAt: number;
  firstPacketAt: number | null;
  streams: Map<string, SequenceLoss>;
  nacks: number;
}

const cameras = new Map<string, Camera>();
const viewers = new Map<string, Viewer>();
let source: { ffmpeg: ChildProcess; sockets: Socket[] } | null = null;

const send = (reply: HostReply) => process.send?.(reply);

async function gathered(pc: RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
        if (state !== 'complete') return;
        unSubscribe();
        resolve();
      });
    });
  }
  return pc.localDescription!.sdp;
}

/** POSTs an offer to a WHIP or WHEP endpoint; answers with the resource's absolute URL. */
async function offer(pc: RTCPeerConnection, url: string, credential: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/sdp' },
    body: await gathered(pc),
  });
  const body = await response.text();
  if (response.status !== 201) throw new Error(`${response.status} ${body.slice(0, 200)}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: body });
  return new URL(response.headers.get('location')!, url).toString();
}

async function publish(key: string, url: string, credential: string): Promise<void> {
  const pc = newPeer();
  const video = new MediaStreamTrack({ kind: 'video' });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(video, { direction: 'sendonly' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  const camera: Camera = { pc, video, audio, resource: null, credential };
  cameras.set(key, camera);
  camera.resource = await offer(pc, url, credential);
}

async function view(key: string, url: string, credential: string): Promise<void> {
  const pc = newPeer();
  const transceivers: RTCRtpTransceiver[] = [pc.addTransceiver('video', { direction: 'recvonly' }), pc.addTransceiver('audio', { direction: 'recvonly' })];
  const viewer: Viewer = {
    pc,
    resource: null,
    credential,
    startedAt: Date.now(),
    firstPacketAt: null,
    streams: new Map(),
    nacks: 0,
  };
  for (const transceiver of transceivers) transceiver.receiver.onPacketLost.subscribe(() => void viewer.nacks++);
  viewers.set(key, viewer);
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      viewer.firstPacketAt ??= Date.now();
      const stream = `${track.kind}:${rtp.header.ssrc}`;
      let loss = viewer.streams.get(stream);
      if (!loss) viewer.streams.set(stream, (loss = new SequenceLoss()));
      loss.add(rtp.header.sequenceNumber);
    });
  });
  viewer.resource = await offer(pc, url, credential);
}

function statsOf(key: string, viewer: Viewer): ViewerStats {
  const byKind = (kind: string) => sumLoss([...viewer.streams].filter(([stream]) => stream.startsWith(`${kind}:`)).map(([, loss]) => loss.count()));
  return {
    key,
    seconds: (Date.now() - viewer.startedAt) / 1000,
    firstPacketMs: viewer.firstPacketAt === null ? null : viewer.firstPacketAt - viewer.startedAt,
    video: byKind('video'),
    audio: byKind('audio'),
    nacks: viewer.nacks,
  };
}

/** DELETE on a WHIP or WHEP resource, with the credential that created it; anything but 200 is an error. */
async function remove(resource: string, credential: string): Promise<void> {
  const response = await fetch(resource, { method: 'DELETE', headers: { authorization: `Bearer ${credential}` } });
  if (response.status !== 200 && response.status !== 204) throw new Error(`DELETE answered ${response.status} ${(await response.text()).slice(0, 200)}`);
}

/** Ends a viewer: DELETE its resource unless the relay already ended it, close, and give its counts. */
async function leave(key: string, deleteResource: boolean): Promise<ViewerStats | null> {
  const viewer = viewers.get(key);
  if (!viewer) return null;
  viewers.delete(key);
  const stats = statsOf(key, viewer);
  try {
    if (deleteResource && viewer.resource) await remove(viewer.resource, viewer.credential);
  } finally {
    await viewer.pc.close();
  }
  return stats;
}

async function unpublish(key: string): Promise<void> {
  const camera = cameras.get(key);
  if (!camera) return;
  cameras.delete(key);
  try {
    if (camera.resource) await remove(camera.resource, camera.credential);
  } finally {
    await camera.pc.close();
  }
}

/** One ffmpeg plays the clip out in real time, looping, as RTP to two local ports; every camera sends each packet. */
async function startSource(clip: string, ffmpeg: string): Promise<void> {
  const bind = async (onPacket: (packet: Buffer) => void) => {
    const socket = createSocket('udp4');
    // ffmpeg's sender reports arrive on the same port; only RTP is sent on.
    socket.on('message', (packet) => isRtcp(packet) || onPacket(packet));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.setRecvBufferSize(4 * 1024 * 1024);
    return socket;
  };
  const video = await bind((packet) => {
    for (const camera of cameras.values()) camera.video.writeRtp(packet);
  });
  const audio = await bind((packet) => {
    for (const camera of cameras.values()) camera.audio.writeRtp(packet);
  });
  const port = (socket: Socket) => (socket.address() as AddressInfo).port;
  const child = spawn(
    ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip],
      ...['-map', '0:v', '-c', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${port(video)}?rtcpport=${port(video)}&pkt_size=1200`],
      ...['-map', '0:a', '-c', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${port(audio)}?rtcpport=${port(audio)}&pkt_size=1200`],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  source = { ffmpeg: child, sockets: [video, audio] };
}

async function handle(request: HostRequest): Promise<HostReply> {
  switch (request.op) {
    case 'source':
      await startSource(request.clip, request.ffmpeg);
      return { op: 'done', id: request.id };
    case 'publish':
      await publish(request.key, request.url, request.credential);
      return { op: 'done', id: request.id };
    case 'unpublish':
      await unpublish(request.key);
      return { op: 'done', id: request.id };
    case 'view':
      await view(request.key, request.url, request.credential);
      return { op: 'done', id: request.id };
    case 'leave':
      return { op: 'left', id: request.id, stats: await leave(request.key, request.deleteResource) };
    case 'stats':
      return { op: 'stats', id: request.id, viewers: [...viewers].map(([key, viewer]) => statsOf(key, viewer)) };
    case 'stop':
      for (const key of [...viewers.keys()]) await leave(key, true).catch(() => undefined);
      for (const key of [...cameras.keys()]) await unpublish(key).catch(() => undefined);
      source?.ffmpeg.kill('SIGKILL');
      for (const socket of source?.sockets ?? []) socket.close();
      return { op: 'done', id: request.id };
  }
}

process.on('message', (request: HostRequest) => {
  handle(request).then(send, (error: unknown) => send({ op: 'failed', id: request.id, error: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => {
  source?.ffmpeg.kill('SIGKILL');
  process.exit(0);
});
