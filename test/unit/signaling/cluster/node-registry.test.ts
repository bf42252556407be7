import { describe, expect, it } from 'vitest';
import { placeIncident, type NodeInfo } from '../../../../signaling/cluster/node-registry.ts';

const node = (nodeId: string, incidents: number, consumers: number, draining = false): NodeInfo => ({
  nodeId,
  startedAt: 0,
  heartbeatAt: 0,
  draining,
  load: { incidents, consumers, workers: 1 },
});

describe('placeIncident', () => {
  it('picks the least loaded node, an incident weighing ten consumers', () => {
    expect(placeIncident([node('a', 1, 0), node('b', 0, 9)], 'a')).toBe('b');
    expect(placeIncident([node('a', 1, 0), node('b', 0, 11)], 'a')).toBe('a');
  });

  it('prefers this node on a tie, then the lower id', () => {
    expect(placeIncident([node('a', 0, 0), node('b', 0, 0)], 'b')).toBe('b');
    expect(placeIncident([node('c', 0, 0), node('b', 0, 0), node('a', 1, 0)], 'a')).toBe('b');
  });

  it('skips draining nodes, and stays here when every node drains', () => {
    expect(placeIncident([node('a', 5, 5), node('b', 0, 0, true)], 'a')).toBe('a');
    expect(placeIncident([node('a', 0, 0, true)], 'a')).toBe('a');
    expect(placeIncident([], 'a')).toBe('a');
  });
});
