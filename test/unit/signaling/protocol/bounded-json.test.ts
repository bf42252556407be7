import { describe, expect, it } from 'vitest';
import { boundedJsonObject, jsonBoundsProblem, MEDIA_OBJECT_BOUNDS, type JsonBounds } from '../../../../signaling/protocol/bounded-json.ts';
import { clientMessage } from '../../../../signaling/protocol/messages.ts';

const SMALL: JsonBounds = { maxDepth: 3, maxValues: 10, maxStringLength: 8 };

/** `{ a: { a: ... { a: 1 } } }`, `levels` objects deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('jsonBoundsProblem', () => {
  it('accepts values within the bounds', () => {
    expect(jsonBoundsProblem({ a: [1, 'x', null], b: { c: true } }, SMALL)).toBeNull();
    expect(jsonBoundsProblem({}, SMALL)).toBeNull();
  });

  it('refuses nesting deeper than maxDepth, with the path', () => {
    expect(jsonBoundsProblem(nested(3), SMALL)).toBeNull();
    expect(jsonBoundsProblem(nested(4), SMALL)).toBe('is nested deeper than 3 levels at a.a.a');
    expect(jsonBoundsProblem({ list: [[[[]]]] }, SMALL)).toBe('is nested deeper than 3 levels at list.0.0');
  });

  it('refuses too many values, long strings and long keys', () => {
    expect(jsonBoundsProblem({ list: Array.from({ length: 8 }, () => 0) }, SMALL)).toBeNull();
    expect(jsonBoundsProblem({ list: Array.from({ length: 9 }, () => 0) }, SMALL)).toBe('has more than 10 values');
    expect(jsonBoundsProblem({ s: 'x'.repeat(9) }, SMALL)).toBe('has a string longer than 8 characters at s');
    expect(jsonBoundsProblem({ ['k'.repeat(9)]: 1 }, SMALL)).toBe('has a key longer than 8 characters at (top)');
  });

  it('rejects a 100,000-deep object cheaply, without recursion', () => {
    const started = performance.now();
    expect(jsonBoundsProblem(nested(100_000), MEDIA_OBJECT_BOUNDS)).toMatch(/^is nested deeper than 8 levels/);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('boundedJsonObject', () => {
  const schema = boundedJsonObject(SMALL);

  it('takes objects within the bounds and keeps them as they are', () => {
    expect(schema.parse({ a: { b: [1] } })).toEqual({ a: { b: [1] } });
  });

  it('refuses non-objects and objects out of bounds', () => {
    for (const value of [null, 1, 'x', [1]]) expect(schema.safeParse(value).success).toBe(false);
    const result = schema.safeParse(nested(5));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('the object is nested deeper than 3 levels at a.a.a');
  });
});

describe('media objects in the protocol', () => {
  /** Capabilities the size of a browser's: 60 codecs with parameters and feedback, 20 extensions. */
  const browserCaps = {
    codecs: Array.from({ length: 60 }, (_, i) => ({
      kind: i % 2 ? 'audio' : 'video',
      mimeType: 'video/H264',
      preferredPayloadType: 96 + i,
      clockRate: 90000,
      parameters: { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '42e01f' },
      rtcpFeedback: [{ type: 'nack', parameter: '' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb', parameter: '' }, { type: 'transport-cc', parameter: '' }],
    })),
    headerExtensions: Array.from({ length: 20 }, (_, i) => ({ kind: 'video', uri: `urn:ietf:params:rtp-hdrext:${i}`, preferredId: i + 1, direction: 'sendrecv' })),
  };

  it('takes a browser-sized rtpCapabilities', () => {
    expect(clientMessage.safeParse({ id: 1, type: 'join', incidentId: 'inc-1', grantToken: 'a.b.c', rtpCapabilities: browserCaps }).success).toBe(true);
  });

  it.each([
    ['join', { incidentId: 'inc-1', grantToken: 'a.b.c', rtpCapabilities: nested(2500) }, 'rtpCapabilities'],
    ['incident.start', { rtpCapabilities: nested(2500) }, 'rtpCapabilities'],
    ['watch', { incidentId: 'inc-1', rtpCapabilities: nested(20) }, 'rtpCapabilities'],
    ['media.rejoin', { rtpCapabilities: nested(20) }, 'rtpCapabilities'],
    ['transport.connect', { transportId: 't-1', dtlsParameters: nested(20) }, 'dtlsParameters'],
    ['produce', { transportId: 't-1', kind: 'video', source: 'camera', rtpParameters: { encodings: Array.from({ length: 6000 }, () => 1) } }, 'rtpParameters'],
  ])('refuses an unbounded %s', (type, body, field) => {
    const result = clientMessage.safeParse({ id: 1, type, ...body });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });
});
