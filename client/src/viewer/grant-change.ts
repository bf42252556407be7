// What a clinician is told when a supervisor moves the end of their access: the message follows
// what happened (a later end, an earlier one, the same), never a fixed "extended".

export interface GrantChangeNotice {
  message: string;
  kind: 'ok' | 'warn' | 'info';
}

/** The notice for access that ended at `previousEndMs` and now ends at `newEndMs`. */
export function grantChangeNotice(previousEndMs: number | null, newEndMs: number, formatTime: (ms: number) => string): GrantChangeNotice {
  const at = formatTime(newEndMs);
  if (previousEndMs === null || newEndMs > previousEndMs) return { message: `Your access was extended until ${at}.`, kind: 'ok' };
  if (newEndMs < previousEndMs) return { message: `Your access was shortened: it now ends at ${at}.`, kind: 'warn' };
  return { message: `Your access still ends at ${at}.`, kind: 'info' };
}
