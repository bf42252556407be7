// A minimal signalling client for integration tests: request/response plus a notification log.
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../signaling/protocol/messages.ts';

type Notification = Exclude<ServerMessage, { type: 'response' }>;
export interface Failure {
  code: string;
  message: string;
}

export class TestSocket {
  readonly notifications: Notification[] = [];
  readonly responses: Extract<ServerMessage, { type: 'response' }>[] = [];
  #nextId = 1;
  readonly #waiters: Array<() => void> = [];
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'response') this.responses.push(message);
      else this.notifications.push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new TestSocket(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  /** Sends a request and resolves with its reply: `{ok:true,data}` or `{ok:false,error}`. */
  async send(type: string, body: Record<string, unknown> = {}): Promise<{ ok: true; data: any } | { ok: false; error: Failure }> {
    const id = this.#nextId++;
    this.ws.send(JSON.stringify({ id, type, ...body }));
    const reply = await this.waitFor(() => this.responses.find((r) => r.id === id));
    return reply.ok ? { ok: true, data: reply.data } : { ok: false, error: reply.error };
  }

  /** Sends a request that must succeed and returns its data. */
  async request(type: string, body: Record<string, unknown> = {}): Promise<any> {
    const reply = await this.send(type, body);
    if (!reply.ok) throw new Error(`${type} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.data;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  notification<T extends Notification['type']>(type: T): Promise<Extract<Notification, { type: T }>> {
    return this.waitFor(() => this.notifications.find((n) => n.type === type) as Extract<Notification, { type: T }> | undefined);
  }

  /** Resolves when `probe` returns a value; rejects after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      const loop = () => {
        if (!check()) this.#waiters.push(loop);
      };
      loop();
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** RTP parameters a real sender would announce, enough for mediasoup to create producers without a browser. */
export const FAKE_RTP = {
  audio: {
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
    encodings: [{ ssrc: 11111111 }],
    headerExtensions: [],
    rtcp: { cname: 'test-audio' },
  },
  video: {
    codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }] }],
    encodings: [{ ssrc: 22222222 }],
    headerExtensions: [],
    rtcp: { cname: 'test-video' },
  },
};
