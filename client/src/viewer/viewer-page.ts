// The clinician's viewer, on whichever page opens it (the watch page from a grant link, the inbox
// from its Join): the officer's picture and sound with their level and the connection's quality,
// full screen, a clear "reconnecting" state, push-to-talk with the microphone's level, who is
// connected, the access countdown, and a prominent message when access ends. The markup is the
// shared part client/parts/viewer.html.
import type { ParticipantInfo } from '../../../signaling/protocol/messages.ts';
import { agencyName } from '../net/agencies.ts';
import { Countdown } from '../ui/countdown.ts';
import { grantChangeNotice } from './grant-change.ts';
import { registerTransports, setErrorState, setState } from '../media/debug-hooks.ts';
import { humanMessage, toSightlineError, type AnyErrorCode } from '../net/errors.ts';
import { LevelMeter } from '../media/media-meter.ts';
import { MediaView, liveMediaElements } from '../ui/media-view.ts';
import { renderPresence } from '../ui/presence-view.ts';
import { TalkbackController, bindPushToTalk } from '../media/push-to-talk.ts';
import { bindFullscreen } from '../ui/fullscreen.ts';
import { afterPaint, byId, formatTime, setStatus, show, toEpochMs } from '../ui/ui.ts';
import type { ViewerEvents, ViewerSession } from './viewer-session.ts';

/** Failures worth a "Try again" button (the link itself may still be good). */
const RETRYABLE: AnyErrorCode[] = [
  'NETWORK', 'DISCONNECTED', 'TIMEOUT', 'SERVER_SHUTTING_DOWN', 'MEDIA_WORKER_DIED', 'AUDIT_UNAVAILABLE', 'INTERNAL', 'UNKNOWN',
];

/** What a page already knows of the incident it joins (the inbox's entry). */
export interface KnownIncident {
  officerName: string;
  agencyId: string;
  recorded: boolean;
}

export class ViewerPage {
  private readonly connecting = byId('connecting');
  private readonly viewerPanel = byId('viewer');
  private readonly talkButton = byId<HTMLButtonElement>('talk');
  private readonly linkState = byId('link-state');
  private readonly endedPanel = byId('ended');
  private readonly rejoinButton = byId<HTMLButtonElement>('rejoin');
  private viewer: ViewerSession | null = null;
  private talk: TalkbackController | null = null;
  private unbind: Array<() => void> = [];
  private countdown: Countdown | null = null;
  private talkLevel: LevelMeter | null = null;
  private readonly parts = liveMediaElements();
  private readonly media = new MediaView(this.parts);

  constructor(private readonly retry: () => void) {
    registerTransports(() => this.viewer?.transports() ?? []);
    this.rejoinButton.addEventListener('click', () => this.retry());
    byId<HTMLButtonElement>('leave').addEventListener('click', () => {
      setState('ended', 'LEFT');
      this.showEnded('You left the incident', 'LEFT', 'You can return while your access lasts.', 'Return to the incident');
    });
    this.unbind.push(bindFullscreen(this.parts.fullscreen, this.parts.videoWrap));
  }

  /**
   * Lays the viewer out unseen, ahead of a join (the inbox, while a seat is ready): its style and
   * layout, the video element's own style sheet and its player (on `video`, the seat's bound
   * receiver) are done then, so that showing it at the join costs the page's main thread little,
   * and the first picture, which needs that thread, does not wait for it. Unseen: out of sight, of
   * the pointer, of the keyboard and of the accessibility tree.
   */
  static stage(video: MediaStreamTrack | null): void {
    const panel = byId('viewer');
    panel.classList.add('backstage');
    panel.inert = true;
    show(panel);
    if (video) MediaView.attachAhead(liveMediaElements().video, video);
  }

  /**
   * Shows "Connecting…", joins with `join`, then shows the incident, or why it could not be opened.
   * With `known` (what the inbox already shows of the incident) on a staged viewer, the viewer is
   * shown at once instead, its picture following as the join brings it.
   */
  async open(join: (events: ViewerEvents) => Promise<ViewerSession>, options: { paintFirst?: boolean; known?: KnownIncident } = {}): Promise<boolean> {
    if (options.known && this.viewerPanel.classList.contains('backstage')) this.showIncident(options.known);
    else show(this.connecting);
    setState('joining');
    setStatus('Connecting to the incident…');
    // "Connecting…" is painted before the join's WebRTC work takes the main thread: the page shows
    // sooner, and the join no longer competes with the page's first layout and paint.
    if (options.paintFirst) await afterPaint();
    try {
      this.viewer = await join({
        trackAdded: (consumer) => this.media.trackAdded(consumer),
        trackRemoved: (consumer) => this.media.trackRemoved(consumer),
        presence: (entries, you) => renderPresence(byId('presence'), entries, you?.userId),
        grantUpdated: (expiresAt) => this.onGrantUpdated(expiresAt),
        ended: (code, message) => this.onEnded(code, message),
        link: (state) => this.onLink(state),
      });
    } catch (error) {
      const e = toSightlineError(error);
      console.error('[watch] join failed', e);
      setErrorState(e.code);
      this.showEnded('Cannot open this incident', e.code, humanMessage(e.code, e.message), RETRYABLE.includes(e.code) ? 'Try again' : null);
      return false;
    }
    const info = this.viewer.info;
    if (!info) return false;
    this.showJoined(this.viewer, info.officer, info.expiresAt);
    setState('joined');
    const viewer = this.viewer;
    void this.media.firstPicture().then(() => viewer.talkTransport());
    return true;
  }

  /** Stop all media and forget the session. */
  leave(): void {
    for (const off of this.unbind.splice(0)) off();
    this.talk?.close();
    this.talk = null;
    this.talkLevel?.close();
    this.talkLevel = null;
    this.countdown?.stop();
    this.countdown = null;
    this.viewer?.leave();
    this.viewer = null;
    this.media.clear();
    this.parts.video.remove();
  }

  /** Replace the viewer with a prominent message; `retry` offers a button that tries again. */
  showEnded(title: string, code: string, message: string, retry: string | null): void {
    this.leave();
    show(this.connecting, false);
    this.unstage();
    show(this.viewerPanel, false);
    byId('ended-title').textContent = title;
    const endedMessage = byId('ended-message');
    endedMessage.textContent = message;
    endedMessage.dataset.code = code;
    this.rejoinButton.textContent = retry ?? '';
    show(this.rejoinButton, retry !== null);
    show(this.endedPanel);
    setStatus(`${title}.`, 'error');
    byId('ended-title').focus();
  }

  private onEnded(code: AnyErrorCode, serverMessage: string | undefined): void {
    const retryable = RETRYABLE.includes(code);
    if (retryable) setErrorState(code);
    else setState('ended', code);
    const title = retryable ? 'Connection lost' : 'Access ended';
    this.showEnded(title, code, humanMessage(code, serverMessage), retryable ? 'Reconnect' : null);
  }

  /** The link dropped and is being recovered, or is back: a banner over the picture, and the status line. */
  private onLink(state: 'ok' | 'reconnecting'): void {
    const reconnecting = state === 'reconnecting';
    show(this.linkState, reconnecting);
    this.viewerPanel.dataset.link = state;
    setStatus(reconnecting ? 'Connection lost. Reconnecting…' : 'Reconnected.', reconnecting ? 'warn' : 'ok');
  }

  private onGrantUpdated(expiresAt: number): void {
    const at = toEpochMs(expiresAt);
    const notice = grantChangeNotice(this.countdown?.endsAt ?? null, at, formatTime);
    this.countdown?.update(at);
    setStatus(notice.message, notice.kind);
  }

  private setupTalk(session: ViewerSession): void {
    if (!session.canTalk) return;
    this.talk = new TalkbackController({
      transport: () => session.talkTransport(),
      signal: session.signal,
      onTalking: (talking) => {
        this.talkButton.setAttribute('aria-pressed', String(talking));
        this.talkButton.classList.toggle('talking', talking);
        this.talkButton.textContent = talking ? 'Talking… release to stop' : 'Hold to talk';
      },
      onError: (error) => setStatus(humanMessage(error.code, error.message), 'error'),
      onMicrophone: (track) => {
        this.talkLevel ??= new LevelMeter(byId('talk-level'));
        this.talkLevel.add(track);
      },
    });
    this.unbind.push(bindPushToTalk(this.talkButton, this.talk));
    show(byId('talk-panel'));
  }

  /** The viewer, naming whose camera it shows; the picture comes with the join. */
  private showIncident(known: KnownIncident): void {
    byId('officer-name').textContent = known.officerName;
    byId('officer-meta').textContent = `Officer · ${agencyName(known.agencyId)}`;
    show(byId('recorded-notice'), known.recorded);
    show(this.connecting, false);
    this.unstage();
    show(this.viewerPanel);
  }

  private unstage(): void {
    this.viewerPanel.classList.remove('backstage');
    this.viewerPanel.inert = false;
  }

  private showJoined(session: ViewerSession, officer: ParticipantInfo, expiresAt: number): void {
    this.showIncident({ officerName: officer.name, agencyId: officer.agencyId, recorded: session.info?.recorded ?? false });
    this.countdown = new Countdown(byId('countdown'), toEpochMs(expiresAt), {
      now: () => session.serverNow(),
      announce: (minutes) => `Your access ends in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    });
    this.setupTalk(session);
    const talkHint = session.canTalk ? ' Hold "Hold to talk" or the Space bar to speak to the officer.' : '';
    setStatus(`Connected. You are watching ${officer.name}.${talkHint}`, 'ok');
  }
}
