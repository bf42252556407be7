// The control plane's way into the audit trail. Allowed actions are recorded before they take
// effect and fail closed; refusals are recorded too, and a failure to record one is logged loudly.
import type { FastifyBaseLogger } from 'fastify';
import { SightlineError } from '../errors.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { AuditEvent } from './audit-entry.ts';
import type { AuditLog } from './audit-log.ts';

export class Auditor {
  constructor(
    readonly log: AuditLog,
    private readonly logger: FastifyBaseLogger,
    /** Told how long each durable write took, in seconds. */
    private readonly observeWrite: (seconds: number) => void = () => undefined,
  ) {}

  async #record(event: AuditEvent): Promise<void> {
    const started = performance.now();
    await this.log.record(event);
    this.observeWrite((performance.now() - started) / 1000);
  }

  /** Records an action about to be allowed; throws AUDIT_UNAVAILABLE when it cannot be made durable. */
  async allow(event: Omit<AuditEvent, 'outcome'>): Promise<void> {
    try {
      await this.#record({ ...event, outcome: 'allowed' });
    } catch (error) {
      this.logger.error({ err: error, action: event.action }, 'audit write failed; refusing the action');
      throw new SightlineError('AUDIT_UNAVAILABLE');
    }
  }

  /**
   * The one enforcement path: a refused decision is recorded as denied with its stable code, then
   * thrown as that code; an allowed one is handed back for the caller to act on (recording the
   * action with `allow` once its own remaining checks pass).
   */
  async enforce<D extends { allowed: true } | { allowed: false; code: ErrorCode }>(decision: D, event: Omit<AuditEvent, 'outcome' | 'reason'>): Promise<Extract<D, { allowed: true }>> {
    if (decision.allowed) return decision as Extract<D, { allowed: true }>;
    return this.refuse(event, decision.code);
  }

  /**
   * Refuses an action: recorded as denied with the stable code (the error's, or `refusal` itself),
   * then thrown. Every refusal goes this way, except those anyone can cause in bulk, which the
   * RefusalSampler samples.
   */
  async refuse(event: Omit<AuditEvent, 'outcome' | 'reason'>, refusal: SightlineError | ErrorCode, message?: string): Promise<never> {
    const error = typeof refusal === 'string' ? new SightlineError(refusal, message) : refusal;
    await this.note({ ...event, outcome: 'denied', reason: error.code });
    throw error;
  }

  /** Records something that already happened (an ending, an expiry) or a refusal. Never throws. */
  async note(event: AuditEvent): Promise<void> {
    try {
      await this.#record(event);
    } catch (error) {
      this.logger.error({ err: error, audit: event }, 'audit write failed for an entry that could not be refused');
    }
  }
}
