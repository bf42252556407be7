// The pages each role works in, so that every page links to the others (a supervisor moves
// between the console and the audit without signing in again). Pure.
import type { UserInfo } from '../../../signaling/protocol/messages.ts';

export interface PageLink {
  href: string;
  label: string;
}

const PAGES: Record<UserInfo['role'], readonly PageLink[]> = {
  officer: [{ href: './officer.html', label: 'Camera' }],
  supervisor: [
    { href: './supervisor.html', label: 'Console' },
    { href: './audit.html', label: 'Audit and access reports' },
  ],
  clinician: [{ href: './inbox.html', label: 'Inbox' }],
  admin: [{ href: './admin.html', label: 'Administration' }],
  'platform-admin': [{ href: './admin.html', label: 'Administration' }],
};

/** The role's pages other than the one at `path` (a location's pathname). */
export function pageLinks(role: UserInfo['role'], path: string): PageLink[] {
  const current = path.split('/').pop() || 'index.html';
  return PAGES[role].filter((page) => page.href.slice(2) !== current);
}
