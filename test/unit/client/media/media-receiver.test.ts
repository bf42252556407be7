import type { Device } from 'mediasoup-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaReceiver } from '../../../../client/src/media/media-receiver.ts';
import type { SignalClient } from '../../../../client/src/net/signal-client.ts';
import type { ConsumerInfo, ParticipantInfo } from '../../../../signaling/protocol/messages.ts';

const officer: ParticipantInfo = { peerId: 'p-officer', userId: 'u-officer', name: 'Officer', role: 'officer', agencyId: 'metro' };
const consumerInfo = (id: string, kind: 'audio' | 'video'): ConsumerInfo => ({ id, producerId: `producer-${id}`, kind, rtpParameters: {}, source: 'camera', from: officer });
const transportInfo = { id: 'recv-1', iceParameters: {}, iceCandidates: [], dtlsParameters: {} };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A mediasoup-client receive transport that consumes when told to. */
class FakeTransport {
  readonly id = transportInfo.id;
  closed = false;
  connectionState = 'new';
  readonly listeners = new Map<string, (...args: never[]) => void>();
  readonly consumes: Array<{ id: string; kind: string; done: ReturnType<typeof deferred<unknown>> }> = [];

  on(event: string, listener: (...args: never[]) => void): void {
    this.listeners.set(event, listener);
  }

  consume(options: { id: string; kind: string }): Promise<unknown> {
    const done = deferred<unknown>();
    this.consumes.push({ id: options.id, kind: options.kind, done });
    return done.promise;
  }

  close(): void {
    this.closed = true;
  }
}

const fakeConsumer = (id: string, kind: string) => ({ id, kind, track: { stop() {} }, on() {}, close() {} });

function setup() {
  const transport = new FakeTransport();
  const device = { createRecvTransport: () => transport } as unknown as Device;
  const requests: Array<{ type: string; body: unknown; reply: ReturnType<typeof deferred<unknown>> }> = [];
  const signal = {
    on: () => () => undefined,
    request: (type: string, body: unknown) => {
      const reply = deferred<unknown>();
      requests.push({ type, body, reply });
      return reply.promise;
    },
  } as unknown as SignalClient;
  const added: string[] = [];
  const receiver = new MediaReceiver(signal, { trackAdded: (c) => added.push(c.id), trackRemoved: () => undefined });
  return { transport, device, requests, receiver, added };
}

describe('MediaReceiver', () => {
  afterEach(() => vi.restoreAllMocks());

  it("hands all of a reply's consumers to the transport at once (one negotiation), then resumes them in one request", async () => {
    const { transport, device, requests, receiver, added } = setup();
    const started = receiver.start(device, transportInfo, [consumerInfo('a', 'audio'), consumerInfo('v', 'video')]);
    // Both are asked for before either is ready: mediasoup-client batches them into one offer.
    expect(transport.consumes.map((c) => c.id)).toEqual(['a', 'v']);
    for (const c of transport.consumes) c.done.resolve(fakeConsumer(c.id, c.kind));
    await vi.waitFor(() => expect(requests.map((r) => r.type)).toEqual(['consumers.resume']));
    expect(requests[0]!.body).toEqual({ consumerIds: ['a', 'v'] });
    expect(added).toEqual(['a', 'v']);
    requests[0]!.reply.resolve({});
    await started;
  });

  it('keeps the consumers that could be made when another fails', async () => {
    const { transport, device, requests, receiver, added } = setup();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const started = receiver.start(device, transportInfo, [consumerInfo('a', 'audio'), consumerInfo('v', 'video')]);
    transport.consumes[0]!.done.reject(new Error('cannot consume this Producer'));
    transport.consumes[1]!.done.resolve(fakeConsumer('v', 'video'));
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.body).toEqual({ consumerIds: ['v'] });
    expect(added).toEqual(['v']);
    requests[0]!.reply.resolve({});
    await started;
  });

  it('lets the receive transport go on at once when it connects; transport.connect is sent, its reply not awaited', async () => {
    const { transport, device, requests, receiver } = setup();
    void receiver.start(device, transportInfo, []);
    const connect = transport.listeners.get('connect') as unknown as (params: { dtlsParameters: unknown }, callback: () => void, errback: (e: Error) => void) => void;
    const callback = vi.fn();
    const errback = vi.fn();
    connect({ dtlsParameters: { role: 'client', fingerprints: [] } }, callback, errback);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => [r.type, r.body])).toEqual([['transport.connect', { transportId: 'recv-1', dtlsParameters: { role: 'client', fingerprints: [] } }]]);
    // A refusal arriving later is reported, not thrown into mediasoup-client.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    requests[0]!.reply.reject(new Error('TRANSPORT_NOT_FOUND'));
    await vi.waitFor(() => expect(logged).toHaveBeenCalled());
    expect(errback).not.toHaveBeenCalled();
  });
});
