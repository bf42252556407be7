// The GStreamer pipeline that writes one RTP stream into ~N-second Matroska segments, as
// gst-launch-1.0 arguments (no shell), and the reading of its bus messages. Pure.

export interface TapCodec {
  kind: 'audio' | 'video';
  /** e.g. `video/VP8`, `audio/opus`. */
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
}

export interface MuxerPipelineSpec {
  codec: TapCodec;
  ports: { rtp: number; rtcp: number };
  /** `location` pattern of splitmuxsink, e.g. `/rec/inc-1/t1/r0-%05d.mkv`. */
  location: string;
  segmentSeconds: number;
}

/** Depayloader (and parser) per codec; the muxer's pad is `video` or `audio_0`. */
const DEPAY: Record<string, { encoding: string; elements: string[] }> = {
  'video/vp8': { encoding: 'VP8', elements: ['rtpvp8depay', 'wait-for-keyframe=true'] },
  'video/h264': { encoding: 'H264', elements: ['rtph264depay', '!', 'h264parse'] },
  'audio/opus': { encoding: 'OPUS', elements: ['rtpopusdepay', '!', 'opusparse'] },
};

export function isRecordableCodec(mimeType: string): boolean {
  return mimeType.toLowerCase() in DEPAY;
}

/**
 * `gst-launch-1.0 -e -m …`: `-e` turns SIGINT into end-of-stream, so the open segment is
 * finished properly on a stop; `-m` prints bus messages, among them splitmuxsink's
 * fragment-opened / fragment-closed. RTCP from the relay is read and dropped on its own port.
 */
export function muxerArguments(spec: MuxerPipelineSpec): string[] {
  const depay = DEPAY[spec.codec.mimeType.toLowerCase()];
  if (!depay) throw new Error(`no recorder for ${spec.codec.mimeType}`);
  const caps = [
    'application/x-rtp',
    `media=${spec.codec.kind}`,
    `encoding-name=${depay.encoding}`,
    `payload=${spec.codec.payloadType}`,
    `clock-rate=${spec.codec.clockRate}`,
  ].join(',');
  const pad = spec.codec.kind === 'video' ? 'mux.video' : 'mux.audio_0';
  return [
    '-e', '-m',
    'splitmuxsink', 'name=mux', 'muxer=matroskamux', `max-size-time=${spec.segmentSeconds * 1_000_000_000}`, `location=${spec.location}`,
    'udpsrc', 'address=127.0.0.1', `port=${spec.ports.rtp}`, `caps=${caps}`,
    '!', 'rtpjitterbuffer', 'latency=200',
    '!', ...depay.elements,
    '!', 'queue',
    '!', pad,
    'udpsrc', 'address=127.0.0.1', `port=${spec.ports.rtcp}`, '!', 'fakesink', 'sync=false', 'async=false',
  ];
}

export type MuxerMessage =
  | { type: 'playing' }
  | { type: 'opened' | 'closed'; location: string; runningTimeNs: number };

const FRAGMENT = /splitmuxsink-fragment-(opened|closed), location=\(string\)(.+?), running-time=\(guint64\)(\d+)/;

/** One line of gst-launch's output, if it says something the recorder acts on. */
export function parseMuxerLine(line: string): MuxerMessage | null {
  if (line.startsWith('Setting pipeline to PLAYING')) return { type: 'playing' };
  const match = FRAGMENT.exec(line);
  if (!match) return null;
  // gst-launch escapes spaces and some punctuation in strings; recording paths never contain them.
  return { type: match[1] as 'opened' | 'closed', location: match[2]!.replace(/^"|"$/g, ''), runningTimeNs: Number(match[3]) };
}
