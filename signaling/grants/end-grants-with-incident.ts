// A grant is access to one incident: when the incident ends, its active grants end with it
// (revoked by the system with INCIDENT_ENDED, so links opened later say the incident ended).
import type { IncidentLifecycleObserver } from '../live/incident-lifecycle.ts';
import type { GrantService } from './grant-service.ts';

export function endGrantsWithIncident(grantService: GrantService): IncidentLifecycleObserver {
  return {
    async ended(incidentId) {
      await grantService.endAllForIncident(incidentId);
    },
  };
}
