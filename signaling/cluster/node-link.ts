// Node-to-node signalling: a client connected to one node may be served by another (the node
// hosting its incident). Frames carry the client's raw messages one way and replies the other;
// `http-*` frames carry an HTTP request to the node holding what it asks for (a recording) and
// its response back in chunks, acknowledged so that no more than a window is in flight.
import { z } from 'zod';

/** Where a client connected: its address and agent, and the node it connected to. */
const linkSource = z.object({ ip: z.string().nullable(), userAgent: z.string().nullable(), node: z.string() });
export type LinkSource = z.infer<typeof linkSource>;
/** Why a client's signed-in session ended. */
const linkSessionEnd = z.enum(['logout', 'idle', 'lifetime', 'locked']);
export type LinkSessionEnd = z.infer<typeof linkSessionEnd>;

export const linkFrame = z.discriminatedUnion('kind', [
  /** Opens a session on the target node for a client connected to `from`. */
  z.object({
    kind: z.literal('open'),
    sessionId: z.string(),
    from: z.string(),
    userId: z.string().nullable(),
    source: linkSource,
  }),
  /** A client message (to the serving node) or a server message (back to the client's node). */
  z.object({ kind: z.literal('data'), sessionId: z.string(), data: z.string() }),
  z.object({ kind: z.literal('close'), sessionId: z.string(), code: z.number(), reason: z.string() }),
  /** The client's signed-in session ended: the serving node ends the seat, then closes the session. */
  z.object({ kind: z.literal('session-ended'), sessionId: z.string(), cause: linkSessionEnd }),
  z.object({
    kind: z.literal('http-request'),
    requestId: z.string(),
    from: z.string(),
    request: z.object({
      method: z.string(),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      body: z.string().nullable(),
      remoteAddress: z.string(),
    }),
  }),
  z.object({ kind: z.literal('http-head'), requestId: z.string(), status: z.number(), headers: z.record(z.string(), z.string()) }),
  /** Part `seq` (1, 2, …) of the body, base64. */
  z.object({ kind: z.literal('http-chunk'), requestId: z.string(), seq: z.number(), data: z.string() }),
  z.object({ kind: z.literal('http-end'), requestId: z.string(), error: z.string().nullable() }),
  /** The requesting node has taken the body up to part `seq`. */
  z.object({ kind: z.literal('http-ack'), requestId: z.string(), seq: z.number() }),
]);
export type LinkFrame = z.infer<typeof linkFrame>;

export interface NodeLink {
  send(nodeId: string, frame: LinkFrame): Promise<void>;
  /** Frames addressed to this node. */
  onFrame(handler: (frame: LinkFrame) => void): void;
  close(): Promise<void>;
}
