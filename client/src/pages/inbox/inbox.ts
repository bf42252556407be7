// Clinician inbox: sign in, open the signalling socket, and show what the server pushes: `inbox`
// (pending and active grants, and the open help requests this clinician hears) and `alert.help`
// (a new request, with its tone), with Join / Accept. An alert goes when its request does:
// answered, withdrawn, or the incident ended.
import { loadAgencies } from '../../net/agencies.ts';
import { button, runAction } from '../../ui/form-fields.ts';
import { acceptHelp } from '../../net/grants-api.ts';
import { HelpAlerts, type AlertView } from '../../ui/help-alerts.ts';
import { InboxList } from './inbox-list.ts';
import { LiveSocket } from '../../net/live-socket.ts';
import { PushStatus } from '../../ui/push-status.ts';
import { requireSession, sessionLost, showAccount } from '../../ui/session.ts';
import { byId, setStatus, show, showFlash } from '../../ui/ui.ts';

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

  const socket = new LiveSocket(session.token, {
    attach(signal) {
      signal.on('inbox', ({ entries, help }) => {
        list.update(entries);
        alerts.sync(help);
        status.snapshot();
      });
      signal.on('alert.help', ({ alert }) => alerts.add(alert));
    },
    disconnected: (error) => status.disconnected(error),
    sessionLost: (error) => void sessionLost(error),
  });
  const list = new InboxList(byId('inbox-list'), byId('inbox-empty'), () => socket.clock.now());
  const alerts = new HelpAlerts(byId('alerts'), { build: buildAccept });
  showAccount(session, () => socket.stop());
  socket.start();
}

void main();
