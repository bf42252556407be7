// Which node serves a request, and how a proxied session travels between two nodes in one process
// (memory store and memory node links: the real classes, one process).
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientSocket } from '../../../../signaling/cluster/client-socket.ts';
import { Cluster, type ServedSession } from '../../../../signaling/cluster/cluster.ts';
import { MemoryLinkHub } from '../../../../signaling/cluster/memory-node-link.ts';
import { NodeRegistry, type NodeDescription, type NodeInfo } from '../../../../signaling/cluster/node-registry.ts';
import { ResumeRegistry } from '../../../../signaling/cluster/resume-registry.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';
import { until } from '../../../helpers/until.ts';

const log = pino({ level: 'silent' });
const source = { ip: '127.0.0.1', userAgent: 'test', node: 'a' };

interface TestNode {
  cluster: Cluster;
  registry: NodeRegistry;
  describe: NodeDescription;
  served: { socket: ClientSocket; received: string[]; ended: string[] }[];
}

function startNodes(store: MemoryStore, hub: MemoryLinkHub, incidents: Map<string, string>, load: Record<string, NodeInfo['load']>) {
  const make = (nodeId: string): TestNode => {
    const served: TestNode['served'] = [];
    const registry = new NodeRegistry(store, nodeId, { heartbeatMs: 60_000, timeoutMs: 60_000 }, () => undefined);
    const describe = () => ({ draining: false, load: load[nodeId]! });
    const cluster = new Cluster({
      nodeId,
      registry,
      link: hub.link(nodeId),
      incidentNode: async (id) => incidents.get(id),
      log,
    });
    cluster.serveWith(async (socket): Promise<ServedSession> => {
        const entry = { socket, received: [] as string[], ended: [] as string[] };
        served.push(entry);
        return {
          receive: (text) => {
            entry.received.push(text);
            socket.send(`echo:${text}`);
          },
          close: () => undefined,
          endSession: async (cause) => void entry.ended.push(cause),
        };
    });
    return { cluster, registry, describe, served };
  };
  return { a: make('a'), b: make('b') };
}

describe('Cluster', () => {
  const idle = { incidents: 0, consumers: 0, workers: 1 };
  const busy = { incidents: 3, consumers: 40, workers: 1 };
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  async function twoNodes(incidents = new Map<string, string>(), load = { a: busy, b: idle }) {
    const nodes = startNodes(new MemoryStore(), new MemoryLinkHub(), incidents, load);
    await nodes.a.cluster.start(60_000, nodes.a.describe);
    await nodes.b.cluster.start(60_000, nodes.b.describe);
    stop = async () => {
      await nodes.a.cluster.stop();
      await nodes.b.cluster.stop();
    };
    return nodes;
  }

  it('serves an incident on the node hosting it, and here when that node is gone or the incident unknown', async () => {
    const { a, b } = await twoNodes(new Map([['inc-b', 'b'], ['inc-gone', 'c']]));
    expect(await a.cluster.servingNode({ incident: 'inc-b' })).toBe('b');
    expect(await b.cluster.servingNode({ incident: 'inc-b' })).toBe('b');
    expect(await a.cluster.servingNode({ incident: 'inc-gone' })).toBe('a');
    expect(await a.cluster.servingNode({ incident: 'unknown' })).toBe('a');
  });

  it("serves a resume on the seat's node, named by its token", async () => {
    const { a } = await twoNodes();
    const token = new ResumeRegistry<object>('b').issue({});
    expect(await a.cluster.servingNode({ seat: token })).toBe('b');
    expect(await a.cluster.servingNode({ seat: new ResumeRegistry<object>('c').issue({}) })).toBe('a');
    expect(await a.cluster.servingNode({ seat: 'no-node-in-this-token' })).toBe('a');
  });

  it('places a new incident on the least loaded node', async () => {
    const { a } = await twoNodes();
    expect(await a.cluster.servingNode({ new: 'incident' })).toBe('b');
  });

  it('carries a client session to the serving node and its replies back, then closes both ends', async () => {
    const { a, b } = await twoNodes();
    const delivered: string[] = [];
    const closed: string[] = [];
    const sessionId = await a.cluster.openProxy('b', 'user-1', source, {
      deliver: (text) => delivered.push(text),
      closed: (code, reason) => closed.push(`${code} ${reason}`),
    });
    await a.cluster.forward(sessionId, 'hello');
    await until(() => delivered.length === 1, 2000);
    expect(b.served[0]!.received).toEqual(['hello']);
    expect(delivered).toEqual(['echo:hello']);

    await a.cluster.endProxiedSession(sessionId, 'logout');
    await until(() => b.served[0]!.ended.length === 1, 2000);
    expect(b.served[0]!.ended).toEqual(['logout']);

    b.served[0]!.socket.close(1000, 'done');
    await until(() => closed.length === 1, 2000);
    expect(closed).toEqual(['1000 done']);
    expect(b.served[0]!.socket.isOpen).toBe(false);
  });
});
