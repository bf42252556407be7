import { describe, expect, it } from 'vitest';
import { grantsToPrepare, PREPARE_RETRY_DELAYS_MS, prepareRetryDelay } from '../../../../../client/src/pages/inbox/join-ahead.ts';
import type { InboxEntry } from '../../../../../signaling/protocol/messages.ts';

const entry = (id: string, expiresAt: number, options: { help?: boolean; ended?: boolean } = {}): InboxEntry =>
  ({
    grant: { id, incidentId: `inc-${id}`, expiresAt },
    incident: options.ended ? null : { id: `inc-${id}`, reference: 'MP-1204-01', agencyId: 'metro-police', officerName: 'Cst. Reyes', startedAt: 0, helpRequested: options.help ?? false, recorded: false },
    state: 'pending',
  }) as unknown as InboxEntry;

describe('the grants the inbox keeps a seat ready for', () => {
  it('are the joinable ones, help requests first, then those ending soonest, two at most', () => {
    const entries = [entry('late', 9000), entry('soon', 5000), entry('help', 9500, { help: true }), entry('sooner', 4000)];
    expect(grantsToPrepare(entries, 1000, new Set()).map((e) => e.grant.id)).toEqual(['help', 'sooner']);
  });

  it('leave out ended incidents, expired access and grants another window prepared', () => {
    const entries = [entry('ended', 9000, { ended: true }), entry('expired', 500), entry('elsewhere', 9000), entry('ok', 9000)];
    expect(grantsToPrepare(entries, 1000, new Set(['elsewhere'])).map((e) => e.grant.id)).toEqual(['ok']);
  });
});

describe('a seat that failed to be made ready', () => {
  it('is tried again after a failure that may pass, further apart each time, and left after the last try', () => {
    for (const code of ['TIMEOUT', 'DISCONNECTED', 'MEDIA_ERROR', 'MEDIA_WORKER_DIED', 'RATE_LIMITED', 'SERVER_SHUTTING_DOWN', 'INTERNAL'] as const) {
      const delays = [1, 2, 3].map((failures) => prepareRetryDelay(code, failures));
      expect(delays, code).toEqual([...PREPARE_RETRY_DELAYS_MS]);
      expect(prepareRetryDelay(code, PREPARE_RETRY_DELAYS_MS.length + 1), code).toBeNull();
    }
    expect(PREPARE_RETRY_DELAYS_MS[0]).toBeLessThan(PREPARE_RETRY_DELAYS_MS[1]!);
    expect(PREPARE_RETRY_DELAYS_MS[1]).toBeLessThan(PREPARE_RETRY_DELAYS_MS[2]!);
  });

  it('is not asked again after a refusal for the grant or the session itself', () => {
    for (const code of ['GRANT_NOT_ACTIVE', 'GRANT_REVOKED', 'GRANT_EXPIRED', 'GRANT_NOT_YOURS', 'SESSION_EXPIRED', 'PERMISSION_DENIED', 'INCIDENT_NOT_FOUND', 'INCIDENT_ENDED', 'SEAT_TAKEN_OVER', 'ALREADY_JOINED', 'TRANSPORT_LIMIT'] as const) {
      expect(prepareRetryDelay(code, 1), code).toBeNull();
    }
  });
});
