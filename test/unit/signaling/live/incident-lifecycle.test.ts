import { describe, expect, it } from 'vitest';
import { IncidentLifecycle } from '../../../../signaling/live/incident-lifecycle.ts';
import type { Incident } from '../../../../signaling/incident-records/incident-repository.ts';
import type { LiveIncident } from '../../../../signaling/live/live-incident.ts';

describe('IncidentLifecycle', () => {
  it('tells every observer, in the order they registered, and waits for each before the next', async () => {
    const lifecycle = new IncidentLifecycle();
    const heard: string[] = [];
    lifecycle.observe({
      async ended(incidentId, code) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        heard.push(`seal ${incidentId} ${code}`);
      },
    });
    lifecycle.observe({ started: (incident) => void heard.push(`history ${incident.id}`) });
    lifecycle.observe({
      ended: (incidentId, _code, by) => void heard.push(`audit ${incidentId} by ${by?.actor?.id ?? 'the system'}`),
    });
    await lifecycle.started({ id: 'i1' } as Incident, {} as LiveIncident);
    await lifecycle.ended('i1', 'NODE_LOST', null);
    lifecycle.recovered({} as LiveIncident); // nobody listens: nothing happens
    expect(heard).toEqual(['history i1', 'seal i1 NODE_LOST', 'audit i1 by the system']);
  });

  it('a failing observer fails the step, so the caller reports it', async () => {
    const lifecycle = new IncidentLifecycle();
    lifecycle.observe({ ended: () => Promise.reject(new Error('store gone')) });
    await expect(lifecycle.ended('i1', 'INCIDENT_ENDED', null)).rejects.toThrow('store gone');
  });
});
