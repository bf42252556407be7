// Nodes announce themselves in the shared Store with a heartbeat and their load. A node whose
// heartbeat stops disappears from the registry by TTL, and its incidents are then taken as lost.
import { z } from 'zod';
import type { Collection, Store } from '../state/store.ts';

const nodeSchema = z.object({
  nodeId: z.string(),
  startedAt: z.number(),
  heartbeatAt: z.number(),
  draining: z.boolean(),
  load: z.object({ incidents: z.number(), consumers: z.number(), workers: z.number() }),
});
export type NodeInfo = z.infer<typeof nodeSchema>;

/** What a node says of itself at each heartbeat. */
export type NodeDescription = () => Pick<NodeInfo, 'draining' | 'load'>;

export interface NodeRegistryOptions {
  heartbeatMs: number;
  /** A node missing this long is dead. */
  timeoutMs: number;
}

export class NodeRegistry {
  readonly #nodes: Collection<NodeInfo>;
  #timer: NodeJS.Timeout | null = null;
  readonly #startedAt = Date.now();
  #describe: NodeDescription | null = null;

  constructor(
    store: Store,
    readonly nodeId: string,
    private readonly options: NodeRegistryOptions,
    private readonly onError: (error: Error) => void,
  ) {
    this.#nodes = store.collection('nodes', nodeSchema);
  }

  /** Announces this node now and then every heartbeat, as `describe` says it is at each beat. */
  async start(describe: NodeDescription): Promise<void> {
    this.#describe = describe;
    await this.beat();
    this.#timer = setInterval(() => void this.beat().catch(this.onError), this.options.heartbeatMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    if (!this.#describe) return;
    await this.#nodes.put(this.nodeId, { nodeId: this.nodeId, startedAt: this.#startedAt, heartbeatAt: Date.now(), ...this.#describe() }, { ttlMs: this.options.timeoutMs });
  }

  live(): Promise<NodeInfo[]> {
    return this.#nodes.list();
  }

  async isLive(nodeId: string): Promise<boolean> {
    return (await this.#nodes.get(nodeId)) !== undefined;
  }

  /** Stops the heartbeat and leaves the registry at once (a clean exit). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#nodes.delete(this.nodeId).catch(this.onError);
  }
}

/** The node a new incident goes to: the least loaded live node that is not draining. Pure. */
export function placeIncident(nodes: readonly NodeInfo[], self: string): string {
  const candidates = nodes.filter((n) => !n.draining);
  if (candidates.length === 0) return self;
  const score = (n: NodeInfo) => n.load.consumers + n.load.incidents * 10;
  return [...candidates].sort((a, b) => score(a) - score(b) || (a.nodeId === self ? -1 : b.nodeId === self ? 1 : a.nodeId.localeCompare(b.nodeId)))[0]!.nodeId;
}
