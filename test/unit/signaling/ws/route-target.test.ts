import { describe, expect, it } from 'vitest';
import { routeTargetOf } from '../../../../signaling/ws/client-session.ts';

describe('routeTargetOf', () => {
  it('routes seating requests by incident, seat or placement', () => {
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'join', incidentId: 'i1', token: 't' }))).toEqual({ incident: 'i1' });
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'prepare', incidentId: 'i1', grantId: 'g1' }))).toEqual({ incident: 'i1' });
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'watch', incidentId: 'i2' }))).toEqual({ incident: 'i2' });
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'resume', resumeToken: 'n~x' }))).toEqual({ seat: 'n~x' });
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'incident.start' }))).toEqual({ new: 'incident' });
  });

  it('serves everything else here, including what is not a request at all', () => {
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'ping' }))).toBeNull();
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'join' }))).toBeNull();
    expect(routeTargetOf(JSON.stringify({ id: 1, type: 'resume', resumeToken: '' }))).toBeNull();
    expect(routeTargetOf('not json')).toBeNull();
    expect(routeTargetOf('[1,2]')).toBeNull();
    expect(routeTargetOf('null')).toBeNull();
  });
});
