// What the relay takes from a sender: stream parameters every viewer can be given. A producer
// that no consumer could be made of (too many encodings, a scalability mode mediasoup cannot
// layer, duplicate or missing stream ids) is refused when it is offered, instead of breaking
// every later join. Pure.

/** Simulcast layers a camera may send (browsers send up to three; four leaves room for one more). */
export const MAX_VIDEO_ENCODINGS = 4;
/** Spatial and temporal layers of one encoding (L3T3 is the largest mode browsers offer). */
const MAX_LAYERS = 4;

interface Encoding {
  rid?: unknown;
  ssrc?: unknown;
  scalabilityMode?: unknown;
}

/** Why these parameters cannot be relayed, or null when they can. */
export function producerParametersProblem(kind: 'audio' | 'video', rtpParameters: unknown): string | null {
  const encodings = (rtpParameters as { encodings?: unknown } | null)?.encodings;
  if (encodings === undefined) return null;
  if (!Array.isArray(encodings)) return 'encodings must be a list';
  const most = kind === 'audio' ? 1 : MAX_VIDEO_ENCODINGS;
  if (encodings.length > most) return `a ${kind} stream may have at most ${most} encoding${most === 1 ? '' : 's'} (got ${encodings.length})`;
  const ids = new Set<string>();
  for (const [index, raw] of encodings.entries()) {
    if (raw === null || typeof raw !== 'object') return `encoding ${index} is not an object`;
    const encoding = raw as Encoding;
    if (encodings.length > 1) {
      const id = typeof encoding.rid === 'string' ? `rid:${encoding.rid}` : typeof encoding.ssrc === 'number' ? `ssrc:${encoding.ssrc}` : null;
      if (!id) return `simulcast encoding ${index} names neither a rid nor an ssrc`;
      if (ids.has(id)) return `simulcast encodings repeat ${id}`;
      ids.add(id);
    }
    if (encoding.scalabilityMode !== undefined) {
      const mode = typeof encoding.scalabilityMode === 'string' ? /^[LS]([1-9])T([1-9])(_KEY)?(_SHIFT)?$/.exec(encoding.scalabilityMode) : null;
      if (!mode) return `encoding ${index} has an unknown scalabilityMode`;
      if (Number(mode[1]) > MAX_LAYERS || Number(mode[2]) > MAX_LAYERS) return `encoding ${index} has more than ${MAX_LAYERS} spatial or temporal layers`;
      if (encodings.length > 1 && Number(mode[1]) > 1) return 'simulcast encodings cannot also carry spatial layers';
    }
  }
  return null;
}
