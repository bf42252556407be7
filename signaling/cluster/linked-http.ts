// HTTP between nodes over the node link: a node that does not hold what a request asks for (an
// evidence recording lives on the node that recorded it) hands the request to the node that does,
// which answers it as if it had come in itself; the response streams back in chunks. At most
// WINDOW chunks are in flight: the holder waits for the requester to take them, so a slow
// download never piles a whole export up in a node's memory.
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { LinkFrame } from './node-link.ts';

export interface LinkedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** The client's address, as the node it connected to saw it. */
  remoteAddress: string;
}

export interface LinkedResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

export type ServeLinkedHttp = (request: LinkedRequest) => Promise<LinkedResponse>;

type HttpFrame = Extract<LinkFrame, { kind: `http-${string}` }>;

const CHUNK_BYTES = 192 * 1024;
const WINDOW = 16;
const HEAD_TIMEOUT_MS = 15_000;
const STALL_TIMEOUT_MS = 30_000;

export class LinkedHttp {
  readonly #waiting = new Map<string, { head: (response: LinkedResponse) => void; fail: (error: Error) => void; body: PassThrough; timer: NodeJS.Timeout; from: string }>();
  readonly #sending = new Map<string, { acked: number; wake: () => void }>();
  #serve: ServeLinkedHttp | null = null;

  constructor(
    private readonly nodeId: string,
    private readonly send: (nodeId: string, frame: LinkFrame) => Promise<void>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** How this node answers requests handed to it (the HTTP app, without a socket). */
  serveWith(serve: ServeLinkedHttp): void {
    this.#serve = serve;
  }

  /** Hands `request` to `nodeId`; resolves with its response, whose body streams in. */
  async request(nodeId: string, request: LinkedRequest): Promise<LinkedResponse> {
    const requestId = randomUUID();
    const body = new PassThrough({ highWaterMark: CHUNK_BYTES });
    const response = new Promise<LinkedResponse>((head, fail) => {
      const timer = setTimeout(() => this.#fail(requestId, new Error(`node ${nodeId} did not answer in ${HEAD_TIMEOUT_MS / 1000} s`)), HEAD_TIMEOUT_MS);
      this.#waiting.set(requestId, { head, fail, body, timer, from: nodeId });
    });
    await this.send(nodeId, { kind: 'http-request', requestId, from: this.nodeId, request }).catch((error: Error) => this.#fail(requestId, error));
    return response;
  }

  onFrame(frame: HttpFrame): void {
    switch (frame.kind) {
      case 'http-request':
        void this.#answer(frame.requestId, frame.from, frame.request);
        return;
      case 'http-head': {
        const waiting = this.#waiting.get(frame.requestId);
        if (!waiting) return;
        clearTimeout(waiting.timer);
        waiting.head({ status: frame.status, headers: frame.headers, body: waiting.body });
        return;
      }
      case 'http-chunk': {
        const waiting = this.#waiting.get(frame.requestId);
        if (!waiting) return;
        waiting.body.write(Buffer.from(frame.data, 'base64'), () => void this.send(waiting.from, { kind: 'http-ack', requestId: frame.requestId, seq: frame.seq }).catch(() => undefined));
        return;
      }
      case 'http-end': {
        if (frame.error) return this.#fail(frame.requestId, new Error(frame.error));
        const waiting = this.#waiting.get(frame.requestId);
        if (!waiting) return;
        this.#waiting.delete(frame.requestId);
        clearTimeout(waiting.timer);
        waiting.body.end();
        return;
      }
      case 'http-ack': {
        const sending = this.#sending.get(frame.requestId);
        if (!sending) return;
        sending.acked = Math.max(sending.acked, frame.seq);
        sending.wake();
      }
    }
  }

  /** Requests still waiting for their answer fail; bodies being sent stop. */
  close(): void {
    for (const requestId of [...this.#waiting.keys()]) this.#fail(requestId, new Error('this node is shutting down'));
    for (const sending of this.#sending.values()) {
      sending.acked = Infinity;
      sending.wake();
    }
  }

  #fail(requestId: string, error: Error): void {
    const waiting = this.#waiting.get(requestId);
    if (!waiting) return;
    this.#waiting.delete(requestId);
    clearTimeout(waiting.timer);
    waiting.fail(error);
    waiting.body.destroy(error);
  }

  async #answer(requestId: string, from: string, request: LinkedRequest): Promise<void> {
    const sending = { acked: 0, wake: () => undefined as void };
    this.#sending.set(requestId, sending);
    let sent = 0;
    try {
      if (!this.#serve) throw new Error('this node does not answer linked requests yet');
      const response = await this.#serve(request);
      await this.send(from, { kind: 'http-head', requestId, status: response.status, headers: response.headers });
      for await (const piece of response.body as AsyncIterable<Buffer | string>) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
        for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
          while (sent - sending.acked >= WINDOW) {
            const taken = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), STALL_TIMEOUT_MS);
              sending.wake = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
            if (!taken) throw new Error(`node ${from} took nothing for ${STALL_TIMEOUT_MS / 1000} s`);
          }
          if (sending.acked === Infinity) throw new Error('this node is shutting down');
          await this.send(from, { kind: 'http-chunk', requestId, seq: ++sent, data: bytes.subarray(offset, offset + CHUNK_BYTES).toString('base64') });
        }
      }
      await this.send(from, { kind: 'http-end', requestId, error: null });
    } catch (error) {
      this.log.warn({ err: error, from, url: request.url }, 'a linked HTTP request failed');
      await this.send(from, { kind: 'http-end', requestId, error: (error as Error).message }).catch(() => undefined);
    } finally {
      this.#sending.delete(requestId);
    }
  }
}
