import { describe, expect, it } from 'vitest';
import { MediaError, type MediaErrorCode } from '../../../../server/media-errors.ts';
import { SightlineError } from '../../../../signaling/errors.ts';
import type { ErrorCode } from '../../../../signaling/protocol/error-codes.ts';
import { toSightlineError } from '../../../../signaling/ws/error-mapping.ts';

describe('toSightlineError', () => {
  it('passes a SightlineError through unchanged', () => {
    const original = new SightlineError('PERMISSION_DENIED', 'custom');
    expect(toSightlineError(original)).toBe(original);
  });

  it.each<[MediaErrorCode, ErrorCode, number]>([
    ['TRANSPORT_NOT_FOUND', 'TRANSPORT_NOT_FOUND', 400],
    ['TRANSPORT_LIMIT', 'TRANSPORT_LIMIT', 400],
    ['PRODUCER_NOT_FOUND', 'PRODUCER_NOT_FOUND', 400],
    ['CONSUMER_NOT_FOUND', 'CONSUMER_NOT_FOUND', 400],
    ['CANNOT_CONSUME', 'CANNOT_CONSUME', 400],
    ['MEDIA_ERROR', 'MEDIA_ERROR', 400],
  ])('maps MediaError %s to %s keeping its message', (mediaCode, code, status) => {
    const mapped = toSightlineError(new MediaError(mediaCode, `detail for ${mediaCode}`));
    expect(mapped).toBeInstanceOf(SightlineError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toBe(`detail for ${mediaCode}`);
    expect(mapped.httpStatus).toBe(status);
  });

  it('maps ROOM_CLOSED to INCIDENT_NOT_FOUND', () => {
    const mapped = toSightlineError(new MediaError('ROOM_CLOSED', 'router closed'));
    expect(mapped.code).toBe('INCIDENT_NOT_FOUND');
    expect(mapped.message).toBe('the incident is no longer live');
    expect(mapped.httpStatus).toBe(404);
  });

  it.each([
    ['an Error', new Error('secret internal detail')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a code', { code: 'TOKEN_EXPIRED', message: 'fake' }],
  ])('maps %s to INTERNAL without leaking its message', (_name, error) => {
    const mapped = toSightlineError(error);
    expect(mapped).toBeInstanceOf(SightlineError);
    expect(mapped.code).toBe('INTERNAL');
    expect(mapped.message).toBe('Unexpected server error.');
    expect(mapped.httpStatus).toBe(500);
  });
});
