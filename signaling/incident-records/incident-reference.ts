// A short reference people can read out on a call or write in a report, instead of an incident's
// id: the agency's initials, the day it started (UTC, month and day) and its number among the
// agency's incidents that day, e.g. "MP-1204-07". Pure; the day's count comes from the shared store.

/** The initials of an agency id's words: metro-police → MP. */
export function agencyInitials(agencyId: string): string {
  const initials = agencyId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase())
    .join('');
  return initials.slice(0, 4) || 'INC';
}

/** The day an incident started, as its reference names it (UTC): MMDD. */
export function referenceDay(startedAt: number): string {
  const day = new Date(startedAt);
  return `${String(day.getUTCMonth() + 1).padStart(2, '0')}${String(day.getUTCDate()).padStart(2, '0')}`;
}

export function incidentReference(agencyId: string, startedAt: number, numberThatDay: number): string {
  return `${agencyInitials(agencyId)}-${referenceDay(startedAt)}-${String(numberThatDay).padStart(2, '0')}`;
}

/** An incident's reference; a record from before references were kept gets one from its id. */
export function referenceOf(incident: { id: string; agencyId: string; startedAt: number; reference?: string | undefined }): string {
  return incident.reference ?? `${agencyInitials(incident.agencyId)}-${referenceDay(incident.startedAt)}-${incident.id.replace(/^inc-/, '').slice(0, 4).toUpperCase()}`;
}
