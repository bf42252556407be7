// Errors raised by the media plane. Codes are stable; the control plane maps them onto its protocol.
export type MediaErrorCode =
  | 'TRANSPORT_NOT_FOUND'
  | 'TRANSPORT_LIMIT'
  | 'PRODUCER_NOT_FOUND'
  | 'CONSUMER_NOT_FOUND'
  | 'CANNOT_CONSUME'
  | 'NODE_AT_CAPACITY'
  | 'PRODUCER_UNSUPPORTED'
  | 'PRODUCER_LIMIT'
  | 'ROOM_CLOSED'
  | 'MEDIA_ERROR';

export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Wraps a mediasoup rejection so callers see one error type with a code. */
export async function mediaCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MediaError) throw error;
    throw new MediaError('MEDIA_ERROR', `${what}: ${(error as Error).message}`);
  }
}
