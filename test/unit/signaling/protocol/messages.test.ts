import { describe, expect, it } from 'vitest';
import { clientMessage, mediaSource, permission } from '../../../../signaling/protocol/messages.ts';

const caps = { codecs: [{ kind: 'audio', mimeType: 'audio/opus' }], headerExtensions: [] };

const valid: Record<string, Record<string, unknown>> = {
  auth: { id: 1, type: 'auth', token: 'session-token' },
  'incident.start': { id: 2, type: 'incident.start', rtpCapabilities: caps, note: 'near the station' },
  'incident.end': { id: 3, type: 'incident.end' },
  'incident.help': { id: 4, type: 'incident.help', requested: true },
  join: { id: 5, type: 'join', incidentId: 'inc-1', grantToken: 'a.b.c', rtpCapabilities: caps },
  prepare: { id: 21, type: 'prepare', incidentId: 'inc-1', grantId: 'g-1', session: 's', sctpCapabilities: { numStreams: { OS: 1024, MIS: 1024 } } },
  'transport.connect': { id: 6, type: 'transport.connect', transportId: 't-1', dtlsParameters: { role: 'client', fingerprints: [] } },
  produce: { id: 7, type: 'produce', transportId: 't-1', kind: 'video', rtpParameters: { codecs: [] }, source: 'camera', paused: true },
  'producer.pause': { id: 8, type: 'producer.pause', producerId: 'p-1' },
  'producer.resume': { id: 9, type: 'producer.resume', producerId: 'p-1' },
  'consumers.resume': { id: 10, type: 'consumers.resume', consumerIds: ['c-1', 'c-2'] },
  'consumer.renew': { id: 21, type: 'consumer.renew', consumerId: 'c-1' },
  'incident.location': { id: 11, type: 'incident.location', location: { lat: 43.65, lon: -79.38, accuracy: 12 } },
  watch: { id: 12, type: 'watch', incidentId: 'inc-1', rtpCapabilities: caps },
  'media.rejoin': { id: 13, type: 'media.rejoin', rtpCapabilities: caps },
  'incident.leave': { id: 14, type: 'incident.leave' },
  ping: { id: 0, type: 'ping' },
  resume: { id: 15, type: 'resume', resumeToken: 'r'.repeat(43), restartIce: ['t-1'] },
  'transport.restartIce': { id: 16, type: 'transport.restartIce', transportId: 't-1' },
};

const refused = (value: unknown) => expect(clientMessage.safeParse(value).success).toBe(false);

describe('clientMessage', () => {
  it('covers every message type', () => {
    expect(Object.keys(valid).sort()).toEqual(clientMessage.options.map((o) => o.shape.type.value).sort());
  });

  it.each(Object.entries(valid))('accepts a valid %s', (_type, message) => {
    const parsed = clientMessage.safeParse(message);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    expect(parsed.data).toEqual(message);
  });

  it('defaults produce.paused to false and accepts talkback audio', () => {
    const { paused: _paused, ...rest } = valid.produce!;
    expect(clientMessage.parse({ ...rest, kind: 'audio', source: 'talkback' })).toMatchObject({ paused: false, source: 'talkback' });
  });

  it('keeps unknown keys inside mediasoup parameter objects', () => {
    const parsed = clientMessage.parse({ ...valid.join, rtpCapabilities: { codecs: [], vendorThing: 1 } });
    expect(parsed).toMatchObject({ rtpCapabilities: { codecs: [], vendorThing: 1 } });
  });

  it('the optional note on incident.start may be omitted', () => {
    const { note: _note, ...rest } = valid['incident.start']!;
    expect(clientMessage.safeParse(rest).success).toBe(true);
    refused({ ...rest, note: 'x'.repeat(201) });
    expect(clientMessage.safeParse({ ...rest, note: 'x'.repeat(200) }).success).toBe(true);
  });

  it('refuses unknown or missing types', () => {
    refused({ id: 1, type: 'admin.shutdown' });
    refused({ id: 1, type: 'PING' });
    refused({ id: 1 });
    refused({ id: 1, type: 42 });
    refused(null);
    refused('ping');
    refused([valid.ping]);
  });

  it.each(Object.entries(valid))('refuses extra keys on %s (strict)', (_type, message) => {
    refused({ ...message, extra: true });
  });

  it('resume takes a token of 16-256 characters; restartIce is optional', () => {
    const { restartIce: _restartIce, ...plain } = valid.resume!;
    expect(clientMessage.safeParse(plain).success).toBe(true);
    refused({ ...plain, resumeToken: 'short' });
    refused({ ...plain, resumeToken: 'x'.repeat(257) });
    refused({ ...plain, restartIce: Array.from({ length: 9 }, (_, i) => `t-${i}`) });
  });

  it('refuses a role smuggled into auth', () => {
    refused({ ...valid.auth, role: 'supervisor' });
  });

  it.each([
    ['string', '1'],
    ['negative', -1],
    ['fractional', 1.5],
    ['null', null],
    ['missing', undefined],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses a %s request id', (_name, id) => {
    refused({ ...valid.ping, id });
  });

  it('refuses wrong id-field types and lengths', () => {
    refused({ ...valid['producer.pause'], producerId: 5 });
    refused({ ...valid['producer.pause'], producerId: '' });
    refused({ ...valid['producer.pause'], producerId: 'p'.repeat(129) });
    expect(clientMessage.safeParse({ ...valid['producer.pause'], producerId: 'p'.repeat(128) }).success).toBe(true);
    refused({ ...valid.join, incidentId: ['inc-1'] });
    refused({ ...valid['transport.connect'], transportId: null });
    refused({ ...valid['consumers.resume'], consumerIds: ['c-1', 7] });
    refused({ ...valid['consumers.resume'], consumerIds: ['c-1', ''] });
  });

  it('refuses oversize and empty consumer id arrays', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `c-${i}`);
    expect(clientMessage.safeParse({ ...valid['consumers.resume'], consumerIds: ids(16) }).success).toBe(true);
    refused({ ...valid['consumers.resume'], consumerIds: ids(17) });
    refused({ ...valid['consumers.resume'], consumerIds: ids(1000) });
    refused({ ...valid['consumers.resume'], consumerIds: [] });
    refused({ ...valid['consumers.resume'], consumerIds: 'c-1' });
  });

  it('refuses oversize or empty tokens', () => {
    refused({ ...valid.auth, token: '' });
    refused({ ...valid.auth, token: 'x'.repeat(513) });
    expect(clientMessage.safeParse({ ...valid.auth, token: 'x'.repeat(512) }).success).toBe(true);
    refused({ ...valid.join, grantToken: 'x'.repeat(4097) });
    refused({ ...valid.join, grantToken: '' });
  });

  it('takes the receivers a prepared seat bound ahead only as letter MIDs, distinct, by kind', () => {
    expect(clientMessage.safeParse({ ...valid.join, bound: { video: 'bv', audio: 'ba' } }).success).toBe(true);
    expect(clientMessage.safeParse({ ...valid.join, bound: { video: 'bv' } }).success).toBe(true);
    refused({ ...valid.join, bound: { video: '0' } });
    refused({ ...valid.join, bound: { video: 'bv', audio: 'bv' } });
    refused({ ...valid.join, bound: { video: 'b'.repeat(9) } });
    refused({ ...valid.join, bound: { screen: 'bs' } });
    refused({ ...valid.join, bound: { video: '' } });
  });

  it('refuses bad enums, booleans and parameter objects', () => {
    refused({ ...valid.produce, kind: 'data' });
    refused({ ...valid.produce, source: 'screen' });
    refused({ ...valid.produce, paused: 'yes' });
    refused({ ...valid['incident.help'], requested: 'true' });
    refused({ ...valid.join, rtpCapabilities: 'caps' });
    refused({ ...valid.join, rtpCapabilities: null });
    refused({ ...valid['transport.connect'], dtlsParameters: undefined });
    refused({ ...valid.produce, rtpParameters: 1 });
  });
});

describe('incident.location', () => {
  const location = (value: unknown) => ({ ...valid['incident.location'], location: value });

  it('accepts null (stop sharing) and the coordinate limits', () => {
    expect(clientMessage.safeParse(location(null)).success).toBe(true);
    for (const [lat, lon] of [[90, 180], [-90, -180], [0, 0]]) {
      expect(clientMessage.safeParse(location({ lat, lon, accuracy: 0 })).success, `${lat},${lon}`).toBe(true);
    }
    expect(clientMessage.safeParse(location({ lat: 0, lon: 0, accuracy: 100_000 })).success).toBe(true);
  });

  it('refuses out-of-range, missing or extra fields', () => {
    refused(location({ lat: 90.1, lon: 0, accuracy: 1 }));
    refused(location({ lat: -90.1, lon: 0, accuracy: 1 }));
    refused(location({ lat: 0, lon: 180.1, accuracy: 1 }));
    refused(location({ lat: 0, lon: -180.1, accuracy: 1 }));
    refused(location({ lat: 0, lon: 0, accuracy: -1 }));
    refused(location({ lat: 0, lon: 0, accuracy: 100_001 }));
    refused(location({ lat: 0, lon: 0 }));
    refused(location({ lat: '0', lon: 0, accuracy: 1 }));
    refused(location({ lat: 0, lon: 0, accuracy: 1, altitude: 3 }));
    refused(location(undefined));
  });
});

describe('watch', () => {
  it('needs an incident id and rtpCapabilities', () => {
    refused({ ...valid.watch, incidentId: '' });
    refused({ ...valid.watch, incidentId: 'i'.repeat(129) });
    refused({ ...valid.watch, rtpCapabilities: undefined });
    refused({ ...valid.watch, grantToken: 'a.b.c' });
  });
});

describe('permission and mediaSource', () => {
  it('list exactly the protocol values', () => {
    expect(permission.options).toEqual(['view', 'talk']);
    expect(mediaSource.options).toEqual(['camera', 'talkback']);
  });
});
