// Turns anything thrown while handling a request into a SightlineError with a protocol code.
import { MediaError } from '../../server/media-errors.ts';
import { SightlineError } from '../errors.ts';

export function toSightlineError(error: unknown): SightlineError {
  if (error instanceof SightlineError) return error;
  if (error instanceof MediaError) {
    switch (error.code) {
      case 'ROOM_CLOSED':
        return new SightlineError('INCIDENT_NOT_FOUND', 'the incident is no longer live');
      case 'MEDIA_ERROR':
        return new SightlineError('MEDIA_ERROR', error.message);
      default:
        return new SightlineError(error.code, error.message);
    }
  }
  return new SightlineError('INTERNAL');
}
