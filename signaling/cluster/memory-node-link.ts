// Node links inside one process: a single node (frames to itself) or several test nodes sharing a hub.
import { linkFrame, type LinkFrame, type NodeLink } from './node-link.ts';

export class MemoryLinkHub {
  readonly handlers = new Map<string, (frame: LinkFrame) => void>();

  link(nodeId: string): NodeLink {
    const hub = this;
    return {
      async send(target, frame) {
        const parsed = linkFrame.parse(frame);
        const handler = hub.handlers.get(target);
        if (!handler) throw new Error(`node ${target} is not reachable`);
        queueMicrotask(() => handler(parsed));
      },
      onFrame(handler) {
        hub.handlers.set(nodeId, handler);
      },
      async close() {
        hub.handlers.delete(nodeId);
      },
    };
  }
}
