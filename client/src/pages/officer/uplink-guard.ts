// Keeps a thin uplink for the picture. While the camera's top simulcast layer cannot be sent,
// the browser still pads its connection up to that layer's minimum rate, so that its estimate
// can grow into it. On an uplink that cannot carry the top layer (400 kbit/s, say) that padding
// fills the link's queue: the lower layer's packets wait behind it (a standing 150–200 ms), the
// queue overflows, and viewers see the lower layer freeze again and again. Measured with
// `npm run bench:network` at 400 kbit/s: 350 kbit/s sent for 150 kbit/s of media, round trip
// 0.2 s, 23.5 s frozen a minute; with the top layer switched off, 74 kbit/s sent and a round
// trip of 1 ms.
//
// The guard reads the camera's sender once a second. When the top layer has been held back (for
// bandwidth, or CPU on a busy phone) for LOWER_AFTER_S seconds while the connection's round trip stood QUEUE_MS or
// more above its best (the padding is queueing on the link; on a link with room to spare, padding
// costs nothing and the layer is left to the browser) it switches that layer off (no padding, the
// lower layers flow freely), and later tries it again. A trial lasts while the browser's estimate
// climbs towards the layer (up to TRIAL_S seconds): it succeeds once the browser sends the layer
// for TRIAL_SENDING_S seconds, and fails early when the round trip grows by QUEUE_MS over the
// trial's best (the padding is queueing: the link is still too thin). A failed trial switches the
// layer off for twice as long as before (up to MAX_RETRY_S), so that a link that recovers gets its
// full picture back and one that does not pays for a short trial only now and then. The
// decisions are pure (`nextUplinkStep`).
import type { types } from 'mediasoup-client';

export const CHECK_EVERY_MS = 1000;
/** Seconds the top layer must be held back while the link queues before it is switched off. */
export const LOWER_AFTER_S = 4;
/** Seconds a switched-off top layer waits before its first trial. */
export const FIRST_RETRY_S = 15;
/** The longest wait between trials. */
export const MAX_RETRY_S = 120;
/** Seconds a trial lasts at most before the layer goes off again unless the browser sends it. */
export const TRIAL_S = 15;
/** Growth of the round trip (ms) over the trial's best that ends a trial: the link queues. */
export const QUEUE_MS = 60;
/** Seconds the top layer must be sent without a break for a trial to succeed (one frame is not a layer). */
export const TRIAL_SENDING_S = 2;
/** Seconds of the top layer sent without a break after which a later loss waits FIRST_RETRY_S again. */
export const STEADY_S = 30;

/** What one reading of the sender says about its top layer. */
export interface TopLayerReading {
  /** The browser encodes and sends the top layer now. */
  sending: boolean;
  /** The browser names bandwidth as what limits the stream. */
  bandwidthLimited: boolean;
  /** The connection's current round trip (ms), when known. */
  roundTripMs?: number | null;
}

export type UplinkState =
  | { mode: 'full'; heldFor: number; sendingFor: number; bestRoundTripMs: number | null; retryS: number }
  | { mode: 'lowered'; offFor: number; retryS: number }
  | { mode: 'trial'; trialFor: number; sendingFor: number; bestRoundTripMs: number | null; retryS: number };

export type UplinkAction = 'none' | 'top-off' | 'top-on';

export const INITIAL_UPLINK_STATE: UplinkState = { mode: 'full', heldFor: 0, sendingFor: 0, bestRoundTripMs: null, retryS: FIRST_RETRY_S };

/** The lower of a best round trip so far and a new reading. */
const best = (so: number | null, now: number | null | undefined): number | null => (now === null || now === undefined ? so : Math.min(now, so ?? now));
/** The round trip stands QUEUE_MS or more above its best: the link queues. */
const queues = (so: number | null, now: number | null | undefined): boolean => now !== null && now !== undefined && so !== null && now - so >= QUEUE_MS;

/** One second later: the new state, and what to do to the top layer. */
export function nextUplinkStep(state: UplinkState, reading: TopLayerReading): { state: UplinkState; action: UplinkAction } {
  switch (state.mode) {
    case 'full': {
      const held = !reading.sending && reading.bandwidthLimited && queues(state.bestRoundTripMs, reading.roundTripMs);
      const heldFor = held ? state.heldFor + 1 : 0;
      if (heldFor >= LOWER_AFTER_S) return { state: { mode: 'lowered', offFor: 0, retryS: state.retryS }, action: 'top-off' };
      const sendingFor = reading.sending ? state.sendingFor + 1 : 0;
      // A top layer sent steadily earns back the shortest wait for the next time it is lost.
      const retryS = sendingFor >= STEADY_S ? FIRST_RETRY_S : state.retryS;
      return { state: { mode: 'full', heldFor, sendingFor, bestRoundTripMs: best(state.bestRoundTripMs, reading.roundTripMs), retryS }, action: 'none' };
    }
    case 'lowered': {
      const offFor = state.offFor + 1;
      if (offFor >= state.retryS) return { state: { mode: 'trial', trialFor: 0, sendingFor: 0, bestRoundTripMs: null, retryS: state.retryS }, action: 'top-on' };
      return { state: { ...state, offFor }, action: 'none' };
    }
    case 'trial': {
      const sendingFor = reading.sending ? state.sendingFor + 1 : 0;
      if (sendingFor >= TRIAL_SENDING_S) return { state: { mode: 'full', heldFor: 0, sendingFor, bestRoundTripMs: state.bestRoundTripMs, retryS: state.retryS }, action: 'none' };
      const trialFor = state.trialFor + 1;
      if ((trialFor >= TRIAL_S || queues(state.bestRoundTripMs, reading.roundTripMs)) && sendingFor === 0) {
        return { state: { mode: 'lowered', offFor: 0, retryS: Math.min(state.retryS * 2, MAX_RETRY_S) }, action: 'top-off' };
      }
      return { state: { ...state, trialFor, sendingFor, bestRoundTripMs: best(state.bestRoundTripMs, reading.roundTripMs) }, action: 'none' };
    }
  }
}

/** The top layer's reading from the sender's statistics (outbound-rtp per RID). */
export function readTopLayer(stats: ReadonlyArray<Record<string, unknown>>, topRid: string): TopLayerReading | null {
  const outbound = stats.filter((s) => s.type === 'outbound-rtp' && s.kind === 'video');
  const top = outbound.find((s) => s.rid === topRid);
  if (!top) return null;
  const sending = typeof top.framesPerSecond === 'number' && top.framesPerSecond > 0;
  // Bandwidth, or CPU on a busy phone: either way the layer is held back while the browser pads
  // for it; whether that padding hurts is the round trip's to say.
  const bandwidthLimited = outbound.some((s) => s.qualityLimitationReason === 'bandwidth' || s.qualityLimitationReason === 'cpu');
  const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && typeof s.currentRoundTripTime === 'number');
  const roundTripMs = pair ? (pair.currentRoundTripTime as number) * 1000 : null;
  return { sending, bandwidthLimited, roundTripMs };
}

/** Runs the guard on a simulcast video producer until stopped. */
export function guardUplink(producer: types.Producer): { stop(): void } {
  const sender = producer.rtpSender;
  const topRid = producer.rtpParameters.encodings?.at(-1)?.rid;
  if (!sender || !topRid || (producer.rtpParameters.encodings?.length ?? 0) < 2) return { stop() {} };
  let state = INITIAL_UPLINK_STATE;
  let busy = false;
  const setTop = async (active: boolean) => {
    const parameters = sender.getParameters();
    const top = parameters.encodings.find((e) => e.rid === topRid);
    if (!top || top.active === active) return;
    top.active = active;
    await sender.setParameters(parameters);
  };
  const timer = setInterval(() => {
    if (busy || producer.closed) return;
    busy = true;
    void (async () => {
      const rows: Record<string, unknown>[] = [];
      (await sender.getStats()).forEach((s: Record<string, unknown>) => rows.push(s));
      // While the layer is off the browser reports nothing for it: it is neither sent nor limited.
      const reading = readTopLayer(rows, topRid) ?? { sending: false, bandwidthLimited: false, roundTripMs: null };
      const step = nextUplinkStep(state, reading);
      state = step.state;
      if (step.action !== 'none') await setTop(step.action === 'top-on');
    })()
      .catch((error: unknown) => console.warn('[uplink] check failed', error))
      .finally(() => {
        busy = false;
      });
  }, CHECK_EVERY_MS);
  return { stop: () => clearInterval(timer) };
}
