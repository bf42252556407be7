// Supervisor console: sign in, open the signalling socket, and render what the server pushes
// (`console.incidents`, `alert.help`). No polling: every change arrives as a full snapshot.
import { liveMediaElements } from '../../ui/media-view.ts';
import type { SiteInfo } from '../../../../signaling/protocol/http.ts';
import { api } from '../../net/api.ts';
import type { IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { loadAgencies } from '../../net/agencies.ts';
import { ConsoleHelp } from './console-help.ts';
import { ConsoleViewer } from './console-viewer.ts';
import { registerTransports } from '../../media/debug-hooks.ts';
import { humanMessage } from '../../net/errors.ts';
import { IncidentList } from './incident-list.ts';
import { LiveSocket } from '../../net/live-socket.ts';
import { PushStatus } from '../../ui/push-status.ts';
import { requireSession, sessionLost, showAccount } from '../../ui/session.ts';
import { byId, show, showFlash } from '../../ui/ui.ts';

// Built in main(); the socket's handlers only run after socket.start(), when all of them exist.
let list: IncidentList;
let help: ConsoleHelp;
let viewer: ConsoleViewer;
let status: PushStatus;

function onSnapshot(incidents: IncidentSummary[]): void {
  list.update(incidents);
  help.sync(incidents);
  const watched = viewer.watching;
  if (watched && !incidents.some((incident) => incident.id === watched)) viewer.end(humanMessage('INCIDENT_ENDED'));
  status.snapshot();
}

async function main(): Promise<void> {
  showFlash();
  const session = await requireSession('supervisor');
  show(byId('dashboard'));
  status = new PushStatus('console');
  const [, info] = await Promise.all([loadAgencies(), api.get<SiteInfo>('/api/info').catch(() => null)]);

  const socket = new LiveSocket(session.token, {
    attach(signal) {
      signal.on('console.incidents', ({ incidents }) => onSnapshot(incidents));
      signal.on('alert.help', ({ alert }) => help.onAlert(alert));
    },
    disconnected: (error) => status.disconnected(error),
    sessionLost: (error) => void sessionLost(error),
  });

  list = new IncidentList(byId('incidents'), byId('no-incidents'), () => socket.clock.now(), {
    watch: (incident) => void viewer.open(incident),
  }, info?.map ?? null);
  help = new ConsoleHelp(byId('alerts'), (incidentId, opener) => list.card(incidentId)?.openGrant(opener));
  viewer = new ConsoleViewer(
    {
      panel: byId('console-viewer'),
      title: byId('viewer-title'),
      state: byId('viewer-state'),
      closeButton: byId<HTMLButtonElement>('viewer-close'),
      ...liveMediaElements(),
    },
    session.token,
    (incidentId) => list.setWatching(incidentId),
  );
  registerTransports(() => viewer.transports());
  showAccount(session, () => {
    viewer.close();
    socket.stop();
  });
  socket.start();
}

void main();
