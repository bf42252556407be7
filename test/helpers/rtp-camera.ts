// A fake body camera on plain RTP: a PlainTransport producer pair (VP8 video, Opus audio) in a
// room's router, fed by one ffmpeg process encoding a test pattern and a tone in real time
// (small picture, a keyframe every second). For recording tests that need real media.
import { spawn, type ChildProcess } from 'node:child_process';
import type { types } from 'mediasoup';

export const RTP_CAMERA = {
  video: { payloadType: 96, ssrc: 31_000_001 },
  audio: { payloadType: 111, ssrc: 31_000_002 },
  talkback: { payloadType: 111, ssrc: 31_000_003 },
} as const;

export interface RtpCamera {
  videoProducer: types.Producer;
  audioProducer: types.Producer;
  /** With `talkback`: a second voice (another tone), as a clinician's push-to-talk. */
  talkbackProducer: types.Producer | null;
  ffmpeg: ChildProcess;
  close(): Promise<void>;
}

/** Produces on `router` through comedia PlainTransports and starts ffmpeg sending to them. */
export async function startRtpCamera(router: types.Router, options: { keyframeSeconds?: number; talkback?: boolean } = {}): Promise<RtpCamera> {
  const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
  const [videoTransport, audioTransport, talkbackTransport] = await Promise.all([
    router.createPlainTransport({ listenInfo, comedia: true, rtcpMux: true }),
    router.createPlainTransport({ listenInfo, comedia: true, rtcpMux: true }),
    router.createPlainTransport({ listenInfo, comedia: true, rtcpMux: true }),
  ]);
  const opus = (payloadType: number) => [{ mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 }];
  const videoProducer = await videoTransport.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: RTP_CAMERA.video.payloadType, clockRate: 90000 }], encodings: [{ ssrc: RTP_CAMERA.video.ssrc }] },
    appData: { source: 'camera' },
  });
  const audioProducer = await audioTransport.produce({
    kind: 'audio',
    rtpParameters: { codecs: opus(RTP_CAMERA.audio.payloadType), encodings: [{ ssrc: RTP_CAMERA.audio.ssrc }] },
    appData: { source: 'camera' },
  });
  const talkbackProducer = options.talkback
    ? await talkbackTransport.produce({
        kind: 'audio',
        rtpParameters: { codecs: opus(RTP_CAMERA.talkback.payloadType), encodings: [{ ssrc: RTP_CAMERA.talkback.ssrc }] },
        appData: { source: 'talkback' },
      })
    : null;
  const talkbackOutput = options.talkback
    ? ['-map', '2:a', '-c:a', 'libopus', '-b:a', '32k', '-ac', '2', '-f', 'rtp', '-payload_type', String(RTP_CAMERA.talkback.payloadType), '-ssrc', String(RTP_CAMERA.talkback.ssrc), `rtp://127.0.0.1:${talkbackTransport.tuple.localPort}`]
    : [];
  const fps = 15;
  const ffmpeg = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=48000',
    '-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', String(fps * (options.keyframeSeconds ?? 1)),
    '-f', 'rtp', '-payload_type', String(RTP_CAMERA.video.payloadType), '-ssrc', String(RTP_CAMERA.video.ssrc),
    `rtp://127.0.0.1:${videoTransport.tuple.localPort}?pkt_size=1200`,
    '-map', '1:a', '-c:a', 'libopus', '-b:a', '32k', '-ac', '2',
    '-f', 'rtp', '-payload_type', String(RTP_CAMERA.audio.payloadType), '-ssrc', String(RTP_CAMERA.audio.ssrc),
    `rtp://127.0.0.1:${audioTransport.tuple.localPort}`,
    ...talkbackOutput,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return {
    videoProducer,
    audioProducer,
    talkbackProducer,
    ffmpeg,
    async close() {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
        const exited = new Promise((resolve) => ffmpeg.once('close', resolve));
        ffmpeg.kill('SIGKILL');
        await exited;
      }
      videoTransport.close();
      audioTransport.close();
      talkbackTransport.close();
    },
  };
}

/** What ffprobe says about a media file: its streams' codec names and types. */
export async function probeStreams(file: string): Promise<Array<{ codec_name: string; codec_type: string }>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type', '-of', 'json', file]);
  return (JSON.parse(stdout) as { streams: Array<{ codec_name: string; codec_type: string }> }).streams;
}

/** Decodes a file completely: the exit status and the number of video frames or audio packets decoded. */
export async function decodeCheck(file: string): Promise<{ code: number | null; errors: string; frames: number }> {
  const result = await run('ffmpeg', ['-hide_banner', '-v', 'error', '-stats_period', '100', '-i', file, '-f', 'null', '-progress', 'pipe:1', '-']);
  const frames = Math.max(0, ...[...result.stdout.matchAll(/^frame=(\d+)/gm)].map((m) => Number(m[1])));
  const packets = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  return { code: result.code, errors: result.stderr.trim(), frames: frames || Number(packets.stdout.trim().split('\n')[0] ?? 0) };
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
