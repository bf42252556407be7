import { describe, expect, it } from 'vitest';
import { CAMERA_KEYFRAME_INTERVAL_MS, KeyFrameGate } from '../../../server/keyframe-gate.ts';

describe('a new viewer’s first keyframe', () => {
  it('is a plain request when none is in its delay', () => {
    const gate = new KeyFrameGate(1000);
    expect(gate.firstFor(0)).toBe('plain');
    gate.requested(100);
    gate.keyFrame(150);
    expect(gate.firstFor(1100)).toBe('plain');
  });

  it('waits for the keyframe already asked for, while it is on its way', () => {
    const gate = new KeyFrameGate(1000);
    gate.requested(100);
    expect(gate.firstFor(120)).toBe('coming');
  });

  it('does not take a keyframe from before the request for its answer', () => {
    const gate = new KeyFrameGate(1000);
    gate.keyFrame(-400);
    gate.requested(100);
    expect(gate.firstFor(130)).toBe('coming');
  });

  it('is forced, once the camera will hear it, when the camera dropped the request made for others', () => {
    // The camera answers one request in 300 ms: one made 50 ms after its last keyframe is dropped.
    const gate = new KeyFrameGate(1000);
    gate.requested(0);
    gate.keyFrame(50);
    gate.requested(100);
    expect(gate.firstFor(120)).toBe('force');
    expect(gate.waitBeforeForce(120)).toBe(CAMERA_KEYFRAME_INTERVAL_MS - 70);
    expect(gate.waitBeforeForce(400)).toBe(0);
  });

  it('is forced, not plain, so soon after a keyframe that a plain request would be dropped', () => {
    const gate = new KeyFrameGate(0);
    gate.requested(0);
    gate.keyFrame(40);
    expect(gate.firstFor(100)).toBe('force');
    expect(gate.waitBeforeForce(100)).toBe(240);
    expect(gate.firstFor(400)).toBe('plain');
  });

  it('is forced when the delay runs and its keyframe already came (a plain request would wait for the delay)', () => {
    const gate = new KeyFrameGate(1000);
    gate.requested(100);
    gate.keyFrame(160);
    expect(gate.firstFor(400)).toBe('force');
    expect(gate.waitBeforeForce(400), 'the camera hears it at once').toBe(60);
    expect(gate.firstFor(500)).toBe('force');
    expect(gate.waitBeforeForce(500)).toBe(0);
  });

  it('is never held back without a delay', () => {
    const gate = new KeyFrameGate(0);
    gate.requested(100);
    expect(gate.firstFor(110)).toBe('plain');
  });
});
