// Node links over Redis pub/sub: one channel per node.
import { linkFrame, type LinkFrame, type NodeLink } from './node-link.ts';
import { closeRedisClient, type RedisClient } from '../infra/redis-client.ts';

const channelOf = (nodeId: string) => `sightline:node:${nodeId}`;

export class RedisNodeLink implements NodeLink {
  #handler: (frame: LinkFrame) => void = () => undefined;
  #closed = false;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
  ) {}

  static async connect(client: RedisClient, nodeId: string): Promise<RedisNodeLink> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    const link = new RedisNodeLink(client, subscriber);
    await subscriber.subscribe(channelOf(nodeId), (message) => {
      const parsed = linkFrame.safeParse(JSON.parse(message));
      if (parsed.success) link.#handler(parsed.data);
    });
    return link;
  }

  async send(nodeId: string, frame: LinkFrame): Promise<void> {
    const receivers = await this.publisher.publish(channelOf(nodeId), JSON.stringify(linkFrame.parse(frame)));
    if (Number(receivers) === 0) throw new Error(`node ${nodeId} is not reachable`);
  }

  onFrame(handler: (frame: LinkFrame) => void): void {
    this.#handler = handler;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeRedisClient(this.subscriber);
  }
}
