// Clinician inbox: sign in, open the signalling socket, and show what the server pushes: `inbox`
// (pending and active grants, and the open help requests this clinician hears) and `alert.help`
// (a new request, with its tone), with Join / Accept. An alert goes when its request does:
// answered, withdrawn, or the incident ended. While a grant can be joined, a seat is kept ready
// for it (join-ahead.ts); Join opens the viewer in this page on that seat, in one message.
import { loadAgencies } from '../../net/agencies.ts';
import { button, runAction } from '../../ui/form-fields.ts';
import { acceptHelp } from '../../net/grants-api.ts';
import { HelpAlerts, type AlertView } from '../../ui/help-alerts.ts';
import { InboxList } from './inbox-list.ts';
import { LiveSocket } from '../../net/live-socket.ts';
import { PushStatus } from '../../ui/push-status.ts';
import { requireSession, sessionLost, showAccount } from '../../ui/session.ts';
import { byId, setStatus, show, showFlash } from '../../ui/ui.ts';
import type { InboxEntry } from '../../../../signaling/protocol/messages.ts';
import type { Session } from '../../ui/session.ts';
import { ViewerPage } from '../../viewer/viewer-page.ts';
import { ViewerSession } from '../../viewer/viewer-session.ts';
import { JoinAhead } from './join-ahead.ts';

/** Accept: the server creates the grant; go straight to the viewer. */
function buildAccept(view: AlertView): void {
  const accept = button('Accept and watch', 'help-accept', 'primary');
  // The spoken name starts with the visible words, so that voice control ("click Accept and watch") finds it.
  accept.setAttribute('aria-label', `Accept and watch: help request from ${view.alert.officerName}`);
  accept.addEventListener('click', () =>
    void runAction(accept, view.errors, async () => {
      const grant = await acceptHelp(view.alert.incidentId);
      setStatus('Opening the incident…');
      location.assign(grant.link);
    }),
  );
  view.actions.append(accept);
}

async function main(): Promise<void> {
  showFlash();
  const session = await requireSession('clinician');
  show(byId('inbox'));
  const status = new PushStatus('inbox');
  await loadAgencies();

  const watching = { page: null as ViewerPage | null };
  const socket = new LiveSocket(session.token, {
    attach(signal) {
      signal.on('inbox', ({ entries, help }) => {
        list.update(entries);
        ahead.sync(entries);
        // While the viewer is open, the page's state and status line are the viewer's.
        if (watching.page) return;
        alerts.sync(help);
        status.snapshot();
      });
      signal.on('alert.help', ({ alert }) => {
        if (!watching.page) alerts.add(alert);
      });
    },
    disconnected: (error) => {
      if (!watching.page) status.disconnected(error);
    },
    sessionLost: (error) => void sessionLost(error),
  });
  const ahead = new JoinAhead(session.token, () => socket.clock.now(), (grantId, state) => {
    list.mark(grantId, state);
    // A seat is ready: the viewer is laid out unseen now, its video on the seat's bound receiver, so
    // that Join only has to show it.
    if (state === 'ready' && !watching.page) ViewerPage.stage(ahead.boundVideo(grantId));
  });
  const list = new InboxList(byId('inbox-list'), byId('inbox-empty'), () => socket.clock.now(), (entry) => watch(entry, session, ahead, watching));
  const alerts = new HelpAlerts(byId('alerts'), { build: buildAccept });
  showAccount(session, () => {
    ahead.stop();
    watching.page?.leave();
    socket.stop();
  });
  socket.start();
}

/**
 * Join: the viewer opens in this page, on the seat prepared for the grant when one is connected
 * (one message), otherwise with the whole join. The inbox stops preparing seats while watching.
 */
async function watch(entry: InboxEntry, session: Session, ahead: JoinAhead, watching: { page: ViewerPage | null }): Promise<void> {
  const prepared = ahead.take(entry.grant.id);
  ahead.stop();
  show(byId('inbox'), false);
  show(byId('alerts'), false);
  const page = new ViewerPage(() => location.reload());
  watching.page = page;
  await page.open(
    (events) => (prepared ? ViewerSession.joinPrepared(prepared, session.token, events) : ViewerSession.joinGrant(entry.grant.incidentId, entry.grant.id, session.token, events)),
    entry.incident ? { known: entry.incident } : {},
  );
}

void main();
