import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../signaling/audit/audit-entry.ts';
import type { Auditor } from '../../../../signaling/audit/auditor.ts';
import { RefusalSampler } from '../../../../signaling/audit/refusal-sampler.ts';
import { MemoryStore } from '../../../../signaling/state/memory-store.ts';

const refusal = (ip: string, reason = 'NOT_AUTHENTICATED'): AuditEvent => ({
  action: 'http GET /api/incidents',
  outcome: 'denied',
  actor: null,
  target: {},
  source: { ip, userAgent: null, node: 'n' },
  reason,
});

function sampler(options: { anonymousPerMinute?: number } = {}) {
  let now = 0;
  const noted: AuditEvent[] = [];
  const auditor = { note: async (event: AuditEvent) => void noted.push(event) } as unknown as Auditor;
  const store = new MemoryStore(() => now);
  const refusals = new RefusalSampler(auditor, store.counters, { windowMs: 1000, anonymousPerMinute: options.anonymousPerMinute ?? 1000, now: () => now });
  return { refusals, noted, advance: (ms: number) => (now += ms) };
}

describe('RefusalSampler', () => {
  it('audits the first refusal of a kind per window and counts the rest into one summary', async () => {
    const { refusals, noted, advance } = sampler();
    for (let i = 0; i < 5; i++) await refusals.refuse(refusal('192.0.2.1'));
    await refusals.refuse(refusal('192.0.2.2'));
    expect(noted.map((e) => e.source.ip)).toEqual(['192.0.2.1', '192.0.2.2']);
    advance(1000);
    await refusals.flush(false);
    expect(noted[2]).toMatchObject({ source: { ip: '192.0.2.1' }, reason: 'NOT_AUTHENTICATED', detail: { repeated: 4 } });
    expect(noted).toHaveLength(3);
    await refusals.close();
  });

  it('answers RATE_LIMITED beyond the per-address limit, and still accounts for every refusal', async () => {
    const { refusals, noted } = sampler({ anonymousPerMinute: 2 });
    const limited = [];
    for (let i = 0; i < 5; i++) limited.push(await refusals.anonymous(refusal('192.0.2.1')));
    expect(limited).toEqual([false, false, true, true, true]);
    await refusals.close();
    const counted = noted.reduce((n, e) => n + (e.detail?.repeated === undefined ? 1 : Number(e.detail.repeated)), 0);
    expect(counted).toBe(5);
    expect(noted.find((e) => e.reason === 'RATE_LIMITED')).toMatchObject({ detail: { refused: 'NOT_AUTHENTICATED' } });
  });
});
