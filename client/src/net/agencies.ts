// Agency names for display (GET /api/agencies, any signed-in user). Until loaded, or for an
// agency the list does not have, the id is shown instead.
import type { AgencyInfo } from '../../../signaling/protocol/http.ts';
import { api } from './api.ts';

const names = new Map<string, string>();
let list: AgencyInfo[] = [];

/** Fetch the agencies; failures leave ids on screen rather than breaking the page, unless `strict`. */
export async function loadAgencies(strict = false): Promise<AgencyInfo[]> {
  try {
    list = await api.get<AgencyInfo[]>('/api/agencies');
    names.clear();
    for (const agency of list) names.set(agency.id, agency.name);
  } catch (error) {
    if (strict) throw error;
    console.warn('[agencies] cannot load the agency list', error);
  }
  return list;
}

export const agencies = (): readonly AgencyInfo[] => list;

export const agencyName = (id: string): string => names.get(id) ?? id;
