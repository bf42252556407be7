// What carries a seat to its client (a signalling connection, a WHEP session): the live incident
// sends it messages, cuts its access and moves its end through it.
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { ServerMessage } from '../protocol/messages.ts';

export interface ParticipantChannel {
  send(message: ServerMessage): void;
  /** Cut this participant's access: the connection leaves the incident and is told `code`. */
  endAccess(code: ErrorCode): void;
  /** The participant's grant now ends at `expiresAt`. */
  extendAccess(expiresAt: number): void;
}
