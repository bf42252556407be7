// Evidence recording follows the live incidents: a recording starts with an incident whose agency
// records (the incident is then marked recorded), follows its media onto a rebuilt room, and is
// sealed when the incident ends.
import type { FastifyBaseLogger } from 'fastify';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { IncidentLifecycleObserver } from '../live/incident-lifecycle.ts';
import type { LiveIncident } from '../live/live-incident.ts';
import type { PeerIdentity } from './incident-recording.ts';
import type { Recordings } from './recordings.ts';

/** Who sends a producer of the incident, for the recording's manifest. */
const identityIn = (live: LiveIncident): PeerIdentity => (peerId) => {
  const info = live.participant(peerId)?.info;
  return info ? { userId: info.userId, role: info.role } : undefined;
};

export function recordLiveIncidents(recordings: Recordings, incidents: IncidentRepository, log: FastifyBaseLogger): IncidentLifecycleObserver {
  return {
    async started(incident, live) {
      if (!(await recordings.start(incident, live.room, identityIn(live)))) return;
      live.recorded = true;
      await incidents.update(incident.id, () => ({ recorded: true })).catch((error) => log.error({ err: error }, 'could not mark the incident recorded'));
    },
    recovered(live) {
      recordings.attach(live.incident.id, live.room, identityIn(live));
    },
    async ended(incidentId) {
      await recordings.seal(incidentId);
    },
  };
}
