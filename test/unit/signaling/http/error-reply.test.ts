import { describe, expect, it } from 'vitest';
import { MediaError } from '../../../../server/media-errors.ts';
import { SightlineError } from '../../../../signaling/errors.ts';
import { errorReply } from '../../../../signaling/http/error-reply.ts';

describe('errorReply', () => {
  it('answers a SightlineError with its own status and code', () => {
    const error = new SightlineError('SDP_UNSUPPORTED', 'no codec');
    expect(errorReply(error)).toEqual({ status: 422, error, log: 'none' });
  });

  it('maps media-plane refusals as the WebSocket path does, never INTERNAL', () => {
    const media = errorReply(new MediaError('MEDIA_ERROR', 'connect: invalid fingerprint'));
    expect(media).toMatchObject({ status: 400, log: 'warn' });
    expect(media.error.toJSON()).toEqual({ code: 'MEDIA_ERROR', message: 'connect: invalid fingerprint' });
    expect(errorReply(new MediaError('ROOM_CLOSED', 'router closed')).error.code).toBe('INCIDENT_NOT_FOUND');
    expect(errorReply(new MediaError('CANNOT_CONSUME', 'no codec')).error.code).toBe('CANNOT_CONSUME');
  });

  it('answers fastify’s client errors as BAD_REQUEST or MESSAGE_TOO_LARGE, anything else as INTERNAL', () => {
    expect(errorReply(Object.assign(new Error('body too large'), { statusCode: 413 }))).toMatchObject({ status: 413, error: { code: 'MESSAGE_TOO_LARGE' } });
    expect(errorReply(Object.assign(new Error('bad json'), { statusCode: 400 }))).toMatchObject({ status: 400, error: { code: 'BAD_REQUEST', message: 'bad json' } });
    expect(errorReply(new TypeError('x is undefined'))).toMatchObject({ status: 500, error: { code: 'INTERNAL' }, log: 'error' });
  });
});
