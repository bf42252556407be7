import { describe, expect, it } from 'vitest';
import { KeyFrameGate } from '../../../server/keyframe-gate.ts';

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
    gate.keyFrame(90); // a keyframe from before the request does not answer it
    expect(gate.firstFor(130)).toBe('coming');
  });

  it('is forced when the delay runs and its keyframe already came (a plain request would wait for the delay)', () => {
    const gate = new KeyFrameGate(1000);
    gate.requested(100);
    gate.keyFrame(160);
    expect(gate.firstFor(400)).toBe('force');
  });

  it('is never held back without a delay', () => {
    const gate = new KeyFrameGate(0);
    gate.requested(100);
    expect(gate.firstFor(110)).toBe('plain');
  });
});
