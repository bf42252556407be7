// The incident history keeps each incident's metadata from its start to its end (access reports
// read it after the live record is gone). A failed write is logged; the incident goes on.
import type { FastifyBaseLogger } from 'fastify';
import type { IncidentLifecycleObserver } from './incident-lifecycle.ts';
import type { IncidentHistory } from '../incident-records/incident-history.ts';

export function keepIncidentHistory(history: IncidentHistory, log: FastifyBaseLogger): IncidentLifecycleObserver {
  const failed = (error: unknown) => log.error({ err: error }, 'could not store incident metadata');
  return {
    started(incident) {
      void history.started(incident).catch(failed);
    },
    async ended(incidentId, code) {
      await history.ended(incidentId, Date.now(), code).catch(failed);
    },
  };
}
