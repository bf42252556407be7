// Renders the `presence` notification: who is connected to the incident and what they are doing.
import type { PresenceEntry } from '../../../signaling/protocol/messages.ts';
import { agencyName } from '../net/agencies.ts';
import { el } from './ui.ts';

export const ROLE_LABELS: Record<PresenceEntry['role'], string> = {
  officer: 'Officer',
  clinician: 'Clinician',
  supervisor: 'Supervisor',
  admin: 'Administrator',
  'platform-admin': 'Platform administrator',
};

/**
 * Replace the list's items. Each <li data-testid="presence-entry"> carries data-user-id,
 * data-role, data-watching and data-talking for tests.
 */
export function renderPresence(list: HTMLElement, entries: PresenceEntry[], selfUserId?: string): void {
  const items = entries.map((entry) => {
    const item = el('li', 'presence-entry');
    item.dataset.testid = 'presence-entry';
    item.dataset.userId = entry.userId;
    item.dataset.role = entry.role;
    item.dataset.agencyId = entry.agencyId;
    item.dataset.watching = String(entry.watching);
    item.dataset.talking = String(entry.talking);

    const who = el('div', 'presence-who');
    const self = entry.userId === selfUserId ? ' (you)' : '';
    who.append(el('strong', 'presence-name', entry.name + self));
    who.append(el('span', 'presence-meta', [ROLE_LABELS[entry.role], agencyName(entry.agencyId), entry.device].filter(Boolean).join(' · ')));
    item.append(who);

    const badges = el('div', 'badges');
    if (entry.role === 'officer') badges.append(el('span', 'badge badge-streaming', 'Streaming'));
    if (entry.watching) badges.append(el('span', 'badge badge-watching', 'Watching'));
    if (entry.talking) badges.append(el('span', 'badge badge-talking', 'Talking'));
    item.append(badges);
    return item;
  });
  if (items.length === 0) {
    const empty = el('li', 'presence-empty', 'Nobody else is connected.');
    items.push(empty);
  }
  list.replaceChildren(...items);
}

/**
 * The officer's one-line summary beside LIVE, on the first screen: how many others are watching,
 * and who is talking now ("2 watching · Dr. Amara Okafor talking"); empty when nobody else is.
 */
export function watcherSummary(entries: readonly PresenceEntry[], selfUserId?: string): string {
  const others = entries.filter((entry) => entry.userId !== selfUserId);
  const watching = others.filter((entry) => entry.watching).length;
  const talking = others.filter((entry) => entry.talking).map((entry) => `${entry.name} talking`);
  return [...(watching > 0 ? [`${watching} watching`] : []), ...talking].join(' · ');
}

/** What changed between two presence lists that the officer should hear: who came in, who started talking. */
export function presenceChanges(before: readonly PresenceEntry[], after: readonly PresenceEntry[]): { joined: PresenceEntry[]; startedTalking: PresenceEntry[] } {
  const earlier = new Map(before.map((entry) => [entry.peerId, entry]));
  return {
    joined: after.filter((entry) => !earlier.has(entry.peerId)),
    startedTalking: after.filter((entry) => entry.talking && !earlier.get(entry.peerId)?.talking),
  };
}
