// The control plane's way into the audit trail. Allowed actions are recorded before they take
// effect and fail closed; refusals are recorded too, and a failure to record one is logged loudly.
import type { FastifyBaseLogger } from 'fastify';
import { SightlineError } from '../errors.ts';
import type { AuditEvent } from './audit-entry.ts';
import type { AuditLog } from './audit-log.ts';

export class Auditor {
  constructor(
    readonly log: AuditLog,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /** Records an action about to be allowed; throws AUDIT_UNAVAILABLE when it cannot be made durable. */
  async allow(event: Omit<AuditEvent, 'outcome'>): Promise<void> {
    try {
      await this.log.record({ ...event, outcome: 'allowed' });
    } catch (error) {
      this.logger.error({ err: error, action: event.action }, 'audit write failed; refusing the action');
      throw new SightlineError('AUDIT_UNAVAILABLE');
    }
  }

  /** Records something that already happened (an ending, an expiry) or a refusal. Never throws. */
  async note(event: AuditEvent): Promise<void> {
    try {
      await this.log.record(event);
    } catch (error) {
      this.logger.error({ err: error, audit: event }, 'audit write failed for an entry that could not be refused');
    }
  }
}
