// Supervisor: the console's inline viewer. Watching takes a seat of its own (watch-session.ts:
// its own socket, resumed across drops like every seat) while the console's socket keeps the
// live list; media is received exactly as on watch.html. One incident at a time. Closing the
// viewer releases the seat (and its presence entry) at once.
import type { types } from 'mediasoup-client';
import type { IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { describeError, humanMessage } from '../../net/errors.ts';
import { bindFullscreen } from '../../ui/fullscreen.ts';
import { MediaView, type MediaViewElements } from '../../ui/media-view.ts';
import { setStatus, show } from '../../ui/ui.ts';
import { WatchSession } from './watch-session.ts';

export interface ConsoleViewerElements extends MediaViewElements {
  panel: HTMLElement;
  title: HTMLElement;
  state: HTMLElement;
  closeButton: HTMLButtonElement;
  fullscreen: HTMLButtonElement;
  /** What goes full screen: the video with its overlays. */
  videoWrap: HTMLElement;
}

type ViewerState = 'connecting' | 'watching' | 'reconnecting' | 'ended' | 'error';

export class ConsoleViewer {
  private readonly media: MediaView;
  private session: WatchSession | null = null;
  private incidentId: string | null = null;
  private generation = 0;
  /** Focus goes back here when the viewer closes (the Watch button). */
  private opener: HTMLElement | null = null;
  /** The next seat's socket (signed in) and Device, made ready while the console is open. */
  private warm: ReturnType<typeof WatchSession.warm> | null = null;

  constructor(
    private readonly parts: ConsoleViewerElements,
    /** The supervisor's session token: the seat's socket signs in with it. */
    private readonly sessionToken: string,
    /** The incident shown changed (null: viewer closed). */
    private readonly changed: (incidentId: string | null) => void,
  ) {
    this.media = new MediaView(parts);
    parts.closeButton.addEventListener('click', () => this.close());
    this.warm = WatchSession.warm(sessionToken);
    bindFullscreen(parts.fullscreen, parts.videoWrap);
  }

  get watching(): string | null {
    return this.incidentId;
  }

  transports(): Array<types.Transport | null> {
    return this.session?.transports() ?? [];
  }

  async open(incident: IncidentSummary): Promise<void> {
    if (this.incidentId) this.close();
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const generation = ++this.generation;
    this.incidentId = incident.id;
    this.changed(incident.id);
    this.parts.title.textContent = `Watching ${incident.officer.name}`;
    this.parts.panel.dataset.incidentId = incident.id;
    this.setState('connecting', 'Connecting to the live video…');
    this.parts.videoWaiting.textContent = "Waiting for the officer's camera…";
    show(this.parts.videoWaiting);
    show(this.parts.panel);
    this.parts.title.focus();
    try {
      const warm = this.warm ?? undefined;
      this.warm = WatchSession.warm(this.sessionToken);
      const session = await WatchSession.open(incident.id, this.sessionToken, {
        trackAdded: (consumer) => this.media.trackAdded(consumer),
        trackRemoved: (consumer) => this.media.trackRemoved(consumer),
        ended: (code, message) => {
          if (generation === this.generation) this.end(humanMessage(code, message));
        },
        link: (state) => {
          if (generation !== this.generation) return;
          if (state === 'ok') this.setState('watching', 'Live video');
          else this.setState('reconnecting', 'Connection lost. Reconnecting…');
        },
      }, warm);
      if (generation !== this.generation) return void session.leave();
      this.session = session;
      this.setState('watching', 'Live video');
      setStatus(`Watching ${incident.officer.name}.`, 'ok');
    } catch (error) {
      if (generation !== this.generation) return;
      this.media.clear();
      this.setState('error', `Cannot watch: ${describeError(error)}`);
    }
  }

  /** Close the viewer (close button, or the incident went away). */
  close(): void {
    if (!this.incidentId) return;
    this.generation++;
    this.stopMedia();
    this.incidentId = null;
    delete this.parts.panel.dataset.incidentId;
    show(this.parts.panel, false);
    this.changed(null);
    if (this.opener?.isConnected) this.opener.focus();
    this.opener = null;
  }

  /** Media stopped on the server's side (or the incident left the console): keep the panel with the reason until closed. */
  end(message: string): void {
    if (!this.incidentId) return;
    this.generation++;
    this.stopMedia();
    this.setState('ended', message);
    setStatus(`Viewer: ${message}`, 'warn');
  }

  /** Releases the seat (the server is told at once) and clears the picture. */
  private stopMedia(): void {
    void this.session?.leave();
    this.session = null;
    this.media.clear();
  }

  private setState(state: ViewerState, text: string): void {
    this.parts.panel.dataset.state = state;
    this.parts.state.textContent = text;
  }
}
