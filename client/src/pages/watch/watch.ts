// Clinician viewer: join from a grant link (#incident=...&token=...), watch, push-to-talk. A link
// is redeemed only by the clinician it names: sign in first (once per browser), then the page
// joins with the link and that session.
import type { ParticipantInfo } from '../../../../signaling/protocol/messages.ts';
import { agencyName, loadAgencies } from '../../net/agencies.ts';
import { Countdown } from '../../ui/countdown.ts';
import { grantChangeNotice } from './grant-change.ts';
import { registerTransports, setErrorState, setState } from '../../media/debug-hooks.ts';
import { humanMessage, toSightlineError, type AnyErrorCode } from '../../net/errors.ts';
import { MediaView } from '../../ui/media-view.ts';
import { renderPresence } from '../../ui/presence-view.ts';
import { TalkbackController, bindPushToTalk } from '../../media/push-to-talk.ts';
import { requireSession, showAccount } from '../../ui/session.ts';
import { afterPaint, byId, formatTime, setStatus, show, toEpochMs } from '../../ui/ui.ts';
import { ViewerSession } from './viewer-session.ts';

const connecting = byId('connecting');
const viewerPanel = byId('viewer');
const video = byId<HTMLVideoElement>('video');
const talkPanel = byId('talk-panel');
const talkButton = byId<HTMLButtonElement>('talk');
const leaveButton = byId<HTMLButtonElement>('leave');
const presenceList = byId('presence');
const endedPanel = byId('ended');
const endedTitle = byId('ended-title');
const endedMessage = byId('ended-message');
const rejoinButton = byId<HTMLButtonElement>('rejoin');

/** Failures worth a "Try again" button (the link itself may still be good). */
const RETRYABLE: AnyErrorCode[] = [
  'NETWORK', 'DISCONNECTED', 'TIMEOUT', 'SERVER_SHUTTING_DOWN', 'MEDIA_WORKER_DIED', 'AUDIT_UNAVAILABLE', 'INTERNAL', 'UNKNOWN',
];

let viewer: ViewerSession | null = null;
let talk: TalkbackController | null = null;
let unbindTalk: (() => void) | null = null;
let countdown: Countdown | null = null;
const media = new MediaView({
  video,
  videoWaiting: byId('video-waiting'),
  cameraAudio: byId<HTMLAudioElement>('audio'),
  otherAudio: byId('remote-audio'),
  startAudioButton: byId<HTMLButtonElement>('start-audio'),
  quality: byId('link-quality'),
});

registerTransports(() => viewer?.transports() ?? []);

/** Stop all media and forget the session. */
function stopEverything(): void {
  unbindTalk?.();
  unbindTalk = null;
  talk?.close();
  talk = null;
  countdown?.stop();
  countdown = null;
  viewer?.leave();
  viewer = null;
  media.clear();
  video.remove();
}

/** Replace the viewer with a prominent message; `retry` offers a button that reloads the link. */
function showEnded(title: string, code: string, message: string, retry: string | null): void {
  stopEverything();
  show(connecting, false);
  show(viewerPanel, false);
  endedTitle.textContent = title;
  endedMessage.textContent = message;
  endedMessage.dataset.code = code;
  rejoinButton.textContent = retry ?? '';
  show(rejoinButton, retry !== null);
  show(endedPanel);
  setStatus(`${title}.`, 'error');
  endedTitle.focus();
}

function onEnded(code: AnyErrorCode, serverMessage: string | undefined): void {
  const retryable = RETRYABLE.includes(code);
  if (retryable) setErrorState(code);
  else setState('ended', code);
  const title = retryable ? 'Connection lost' : 'Access ended';
  showEnded(title, code, humanMessage(code, serverMessage), retryable ? 'Reconnect' : null);
}

function onGrantUpdated(expiresAt: number): void {
  const at = toEpochMs(expiresAt);
  const notice = grantChangeNotice(countdown?.endsAt ?? null, at, formatTime);
  countdown?.update(at);
  setStatus(notice.message, notice.kind);
}

function setupTalk(session: ViewerSession): void {
  if (!session.canTalk || !session.sendTransport) return;
  talk = new TalkbackController({
    transport: () => session.sendTransport,
    signal: session.signal,
    onTalking: (talking) => {
      talkButton.setAttribute('aria-pressed', String(talking));
      talkButton.classList.toggle('talking', talking);
      talkButton.textContent = talking ? 'Talking… release to stop' : 'Hold to talk';
    },
    onError: (error) => setStatus(humanMessage(error.code, error.message), 'error'),
  });
  unbindTalk = bindPushToTalk(talkButton, talk);
  show(talkPanel);
}

function showJoined(session: ViewerSession, officer: ParticipantInfo, expiresAt: number): void {
  byId('officer-name').textContent = officer.name;
  byId('officer-meta').textContent = `Officer · ${agencyName(officer.agencyId)}`;
  countdown = new Countdown(byId('countdown'), toEpochMs(expiresAt), {
    now: () => session.serverNow(),
    announce: (minutes) => `Your access ends in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  });
  setupTalk(session);
  show(byId('recorded-notice'), session.info?.recorded ?? false);
  show(connecting, false);
  show(viewerPanel);
  const talkHint = session.canTalk ? ' Hold "Hold to talk" or the Space bar to speak to the officer.' : '';
  setStatus(`Connected. You are watching ${officer.name}.${talkHint}`, 'ok');
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.hash.slice(1));
  const incidentId = params.get('incident');
  const grantToken = params.get('token');

  rejoinButton.addEventListener('click', () => location.reload());
  // Another grant link opened in this tab changes only the hash: start afresh for it, so nothing
  // of the previous link (its message, its seat) stays on screen.
  window.addEventListener('hashchange', () => location.reload());
  leaveButton.addEventListener('click', () => {
    setState('ended', 'LEFT');
    showEnded('You left the incident', 'LEFT', 'You can return while your access lasts.', 'Return to the incident');
  });

  if (!incidentId || !grantToken) {
    setErrorState('BAD_LINK');
    showEnded('Cannot open this incident', 'BAD_LINK', humanMessage('BAD_LINK'), null);
    return;
  }

  show(connecting, false);
  const session = await requireSession('clinician');
  showAccount(session, () => viewer?.leave());
  void loadAgencies();
  show(connecting);
  setState('joining');
  setStatus('Connecting to the incident…');
  // "Connecting…" is painted before the join's WebRTC work takes the main thread: the page shows
  // sooner, and the join no longer competes with the page's first layout and paint.
  await afterPaint();
  try {
    viewer = await ViewerSession.join(incidentId, grantToken, session.token, {
      trackAdded: (consumer) => media.trackAdded(consumer),
      trackRemoved: (consumer) => media.trackRemoved(consumer),
      presence: (entries, you) => renderPresence(presenceList, entries, you?.userId),
      grantUpdated: onGrantUpdated,
      ended: onEnded,
      link: (state) => setStatus(state === 'ok' ? 'Reconnected.' : 'Connection lost. Reconnecting…', state === 'ok' ? 'ok' : 'warn'),
    });
  } catch (error) {
    const e = toSightlineError(error);
    console.error('[watch] join failed', e);
    setErrorState(e.code);
    showEnded('Cannot open this incident', e.code, humanMessage(e.code, e.message), RETRYABLE.includes(e.code) ? 'Try again' : null);
    return;
  }
  const info = viewer.info;
  if (!info) return;
  showJoined(viewer, info.officer, info.expiresAt);
  setState('joined');
}

void main();
