import { describe, expect, it } from 'vitest';
import { ResumeRegistry, resumeTokenNode } from '../../../../signaling/cluster/resume-registry.ts';

describe('ResumeRegistry', () => {
  it("issues tokens that name the seat's node and work once", () => {
    const registry = new ResumeRegistry<{ id: number }>('node-a');
    const seat = { id: 1 };
    const token = registry.issue(seat);
    expect(resumeTokenNode(token)).toBe('node-a');
    expect(registry.size).toBe(1);
    expect(registry.take(token)).toBe(seat);
    expect(registry.take(token)).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it('a fresh token replaces the earlier one of the same seat; forget drops it', () => {
    const registry = new ResumeRegistry<{ id: number }>('n');
    const seat = { id: 1 };
    const first = registry.issue(seat);
    const second = registry.issue(seat);
    expect(registry.take(first)).toBeUndefined();
    expect(registry.seats()).toEqual([seat]);
    registry.forget(seat);
    expect(registry.take(second)).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it('reads no node from a token without one', () => {
    expect(resumeTokenNode('abc')).toBeUndefined();
    expect(resumeTokenNode('~abc')).toBeUndefined();
  });
});
