import { describe, expect, it } from 'vitest';
import {
  FIRST_RETRY_S,
  INITIAL_UPLINK_STATE,
  LOWER_AFTER_S,
  MAX_RETRY_S,
  QUEUE_MS,
  nextUplinkStep,
  readTopLayer,
  STEADY_S,
  TRIAL_S,
  type TopLayerReading,
  type UplinkAction,
  type UplinkState,
} from '../../../../../client/src/pages/officer/uplink-guard.ts';

/** The connection's best round trip, read while the top layer flows. */
const BASE: TopLayerReading = { sending: true, bandwidthLimited: false, roundTripMs: 5 };
/** The top layer held back for bandwidth while the link queues (the round trip well above its best). */
const HELD: TopLayerReading = { sending: false, bandwidthLimited: true, roundTripMs: 5 + QUEUE_MS + 20 };
const SENT: TopLayerReading = { sending: true, bandwidthLimited: false };
const OFF: TopLayerReading = { sending: false, bandwidthLimited: false };

/** Runs the guard over one reading a second; returns the final state and the actions taken, with the second each came. */
function run(readings: TopLayerReading[], from: UplinkState = BASELINE): { state: UplinkState; actions: Array<[number, UplinkAction]> } {
  let state = from;
  const actions: Array<[number, UplinkAction]> = [];
  readings.forEach((reading, second) => {
    const step = nextUplinkStep(state, reading);
    state = step.state;
    if (step.action !== 'none') actions.push([second + 1, step.action]);
  });
  return { state, actions };
}
/** A guard that has seen the connection's best round trip. */
const BASELINE: UplinkState = nextUplinkStep(INITIAL_UPLINK_STATE, BASE).state;
const repeat = (reading: TopLayerReading, n: number) => Array.from({ length: n }, () => reading);

describe('uplink guard', () => {
  it('switches the top layer off once it has been held back for bandwidth for LOWER_AFTER_S seconds', () => {
    expect(run(repeat(HELD, LOWER_AFTER_S - 1)).actions).toEqual([]);
    expect(run(repeat(HELD, LOWER_AFTER_S)).actions).toEqual([[LOWER_AFTER_S, 'top-off']]);
  });

  it('leaves a top layer alone that is sent, or held back for something other than bandwidth', () => {
    expect(run(repeat(SENT, 120)).actions).toEqual([]);
    expect(run(repeat({ sending: false, bandwidthLimited: false }, 120)).actions).toEqual([]);
    // Held back for bandwidth on a link that does not queue: the padding costs nothing there.
    expect(run(repeat({ ...HELD, roundTripMs: 5 + QUEUE_MS - 1 }, 120)).actions).toEqual([]);
    // Only a round trip above one seen before counts: the guard learns the best from its readings.
    expect(run(repeat(HELD, 120), INITIAL_UPLINK_STATE).actions).toEqual([]);
    // A break in the hold starts the count again.
    expect(run([...repeat(HELD, LOWER_AFTER_S - 1), SENT, ...repeat(HELD, LOWER_AFTER_S - 1)]).actions).toEqual([]);
  });

  it('tries the layer again after FIRST_RETRY_S, and keeps it when the browser sends it', () => {
    const { state, actions } = run([...repeat(HELD, LOWER_AFTER_S), ...repeat(OFF, FIRST_RETRY_S), SENT, SENT, ...repeat(SENT, 10)]);
    expect(actions).toEqual([
      [LOWER_AFTER_S, 'top-off'],
      [LOWER_AFTER_S + FIRST_RETRY_S, 'top-on'],
    ]);
    expect(state.mode).toBe('full');
  });

  it('a single frame during a trial is not a layer: the trial fails unless the layer is sent for seconds', () => {
    const trial = [...repeat(HELD, LOWER_AFTER_S), ...repeat(OFF, FIRST_RETRY_S)];
    const { actions } = run([...trial, SENT, ...repeat(HELD, TRIAL_S)]);
    expect(actions.at(-1)![1]).toBe('top-off');
  });

  it('a trial ends early when the round trip grows: the padding queues on a link still too thin', () => {
    const trial = [...repeat(HELD, LOWER_AFTER_S), ...repeat(OFF, FIRST_RETRY_S)];
    const rtt = (ms: number): TopLayerReading => ({ ...HELD, roundTripMs: ms });
    const { actions } = run([...trial, rtt(20), rtt(10), rtt(40), rtt(10 + QUEUE_MS)]);
    expect(actions.at(-1)).toEqual([trial.length + 4, 'top-off']);
    // A round trip that stays near its best lets the trial run its course.
    expect(run([...trial, ...repeat(rtt(15), 6)]).actions.at(-1)![1]).toBe('top-on');
  });

  it('a failed trial doubles the wait, up to MAX_RETRY_S', () => {
    let { state } = run(repeat(HELD, LOWER_AFTER_S));
    const waits: number[] = [];
    for (let trial = 0; trial < 8; trial++) {
      const before = state;
      if (before.mode !== 'lowered') throw new Error('expected lowered');
      waits.push(before.retryS);
      ({ state } = run([...repeat(OFF, before.retryS), ...repeat(HELD, TRIAL_S)], state));
    }
    expect(waits).toEqual([15, 30, 60, 120, 120, 120, 120, 120].map((w) => Math.min(w, MAX_RETRY_S)));
    expect(waits[0]).toBe(FIRST_RETRY_S);
  });

  it('a top layer sent steadily for STEADY_S seconds earns back the shortest wait', () => {
    // Lowered, one failed trial (wait doubles), then a trial that succeeds.
    let { state } = run([...repeat(HELD, LOWER_AFTER_S), ...repeat(OFF, FIRST_RETRY_S), ...repeat(HELD, TRIAL_S)]);
    expect(state).toMatchObject({ mode: 'lowered', retryS: FIRST_RETRY_S * 2 });
    ({ state } = run([...repeat(OFF, FIRST_RETRY_S * 2), ...repeat(SENT, 3)], state));
    expect(state).toMatchObject({ mode: 'full', retryS: FIRST_RETRY_S * 2 });
    ({ state } = run(repeat(SENT, STEADY_S), state));
    expect(state).toMatchObject({ mode: 'full', retryS: FIRST_RETRY_S });
  });
});

describe('reading the sender', () => {
  const stats = (top: Record<string, unknown>, low: Record<string, unknown> = {}) => [
    { type: 'outbound-rtp', kind: 'video', rid: 'r0', framesPerSecond: 30, qualityLimitationReason: 'none', ...low },
    { type: 'outbound-rtp', kind: 'video', rid: 'r1', ...top },
    { type: 'outbound-rtp', kind: 'audio' },
    { type: 'candidate-pair' },
  ];

  it('a top layer with no frame rate is not sent; bandwidth or CPU named on any layer limits the stream', () => {
    expect(readTopLayer(stats({ qualityLimitationReason: 'bandwidth' }), 'r1')).toEqual({ sending: false, bandwidthLimited: true, roundTripMs: null });
    expect(readTopLayer(stats({ framesPerSecond: 0 }, { qualityLimitationReason: 'bandwidth' }), 'r1')).toEqual({ sending: false, bandwidthLimited: true, roundTripMs: null });
    expect(readTopLayer(stats({ framesPerSecond: 24, qualityLimitationReason: 'none' }), 'r1')).toEqual({ sending: true, bandwidthLimited: false, roundTripMs: null });
    expect(readTopLayer(stats({ qualityLimitationReason: 'cpu' }), 'r1')).toEqual({ sending: false, bandwidthLimited: true, roundTripMs: null });
    expect(readTopLayer(stats({ qualityLimitationReason: 'none' }), 'r1')).toEqual({ sending: false, bandwidthLimited: false, roundTripMs: null });
  });

  it('the round trip comes from the nominated candidate pair', () => {
    const rows = [...stats({ framesPerSecond: 24 }), { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.042 }];
    expect(readTopLayer(rows, 'r1')?.roundTripMs).toBeCloseTo(42);
  });

  it('no reading when the sender has no such layer', () => {
    expect(readTopLayer(stats({}), 'r2')).toBeNull();
  });
});
