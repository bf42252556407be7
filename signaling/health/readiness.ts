// Readiness: a node takes new work only while it can keep its promises. Its shared state (Redis)
// and its audit store must take a write now (access fails closed without the audit), the media
// plane must have workers, and the node must not be draining. Each problem is one short reason.
import type { AuditLog } from '../audit/audit-log.ts';
import type { Store } from '../state/store.ts';

export interface ReadinessInputs {
  draining: boolean;
  mediaClosed: boolean;
  workers: number;
  store: Store;
  /** "memory" or "redis": whether the store is worth naming. */
  storeKind: 'memory' | 'redis';
  audit: AuditLog;
}

/** A probe that does not answer in this long counts as failed. */
export const PROBE_TIMEOUT_MS = 1000;

async function within(probe: () => Promise<void>, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** The reasons this node is not ready; empty when it is. */
export async function readinessProblems(inputs: ReadinessInputs, timeoutMs = PROBE_TIMEOUT_MS): Promise<string[]> {
  const problems: string[] = [];
  if (inputs.draining) problems.push('draining: shutting down');
  if (inputs.mediaClosed || inputs.workers === 0) problems.push('media: no mediasoup worker');
  const [store, audit] = await Promise.all([
    inputs.storeKind === 'redis' ? within(() => inputs.store.probe(), timeoutMs) : Promise.resolve(null),
    within(() => inputs.audit.probe?.() ?? Promise.resolve(), timeoutMs),
  ]);
  if (store) problems.push(`redis: cannot write (${store})`);
  if (audit) problems.push(`audit: cannot write (${audit})`);
  return problems;
}
