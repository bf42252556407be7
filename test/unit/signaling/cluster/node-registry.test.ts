import { describe, expect, it } from 'vitest';
import { NodeRegistry, placeIncident, type NodeInfo } from '../../../../signaling/cluster/node-registry.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

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

describe('NodeRegistry', () => {
  it('announces the node as its description says at each beat, and leaves at stop', async () => {
    const store = new MemoryStore();
    const registry = new NodeRegistry(store, 'a', { heartbeatMs: 60_000, timeoutMs: 60_000 }, (error) => {
      throw error;
    });
    let incidents = 1;
    expect(await registry.isLive('a'), 'not announced before it starts').toBe(false);
    await registry.start(() => ({ draining: false, load: { incidents, consumers: 2, workers: 1 } }));
    expect(await registry.isLive('a')).toBe(true);
    expect((await registry.live())[0]?.load.incidents).toBe(1);
    incidents = 3;
    await registry.beat();
    expect((await registry.live())[0]?.load.incidents).toBe(3);
    await registry.stop();
    expect(await registry.isLive('a')).toBe(false);
    await store.close();
  });
});
