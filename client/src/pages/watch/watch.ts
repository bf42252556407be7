// Clinician viewer from a grant link (#incident=...&token=...): watch, push-to-talk. A link is
// redeemed only by the clinician it names: sign in first (once per browser), then the page joins
// with the link and that session. A clinician already signed in starts the join's network work
// (the socket, the media capabilities, the browser's own) while the page checks the session.
import { loadAgencies } from '../../net/agencies.ts';
import { setErrorState } from '../../media/debug-hooks.ts';
import { humanMessage } from '../../net/errors.ts';
import { requireSession, showAccount, storedSessionFor } from '../../ui/session.ts';
import { startSeatConnection } from '../../media/seat-connection.ts';
import { ViewerPage } from '../../viewer/viewer-page.ts';
import { ViewerSession } from '../../viewer/viewer-session.ts';

async function main(): Promise<void> {
  const params = new URLSearchParams(location.hash.slice(1));
  const incidentId = params.get('incident');
  const grantToken = params.get('token');
  // Another grant link opened in this tab changes only the hash: start afresh for it, so nothing
  // of the previous link (its message, its seat) stays on screen.
  window.addEventListener('hashchange', () => location.reload());
  const page = new ViewerPage(() => location.reload());

  if (!incidentId || !grantToken) {
    setErrorState('BAD_LINK');
    page.showEnded('Cannot open this incident', 'BAD_LINK', humanMessage('BAD_LINK'), null);
    return;
  }

  const early = storedSessionFor('clinician') ? startSeatConnection() : null;
  const session = await requireSession('clinician');
  showAccount(session, () => page.leave());
  void loadAgencies();
  await page.open((events) => ViewerSession.join(incidentId, grantToken, session.token, events, early ?? undefined), { paintFirst: early === null });
}

void main();
