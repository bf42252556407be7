// Supervisor: the console's inline viewer. `watch` goes over the console's own socket (same reply
// as `join`) and media is received exactly as on watch.html. One incident at a time. Closing the
// viewer sends `incident.leave`, which releases the watch (and its presence entry) while the
// console keeps its socket.
import type { Device, types } from 'mediasoup-client';
import type { IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { describeError, humanMessage, toCode } from '../../net/errors.ts';
import type { LiveSocket } from '../../net/live-socket.ts';
import { asWire, loadDevice } from '../../media/media-device.ts';
import { MediaReceiver, rejoinMedia } from '../../media/media-receiver.ts';
import { MediaView, type MediaViewElements } from '../../ui/media-view.ts';
import { setStatus, show } from '../../ui/ui.ts';

export interface ConsoleViewerElements extends MediaViewElements {
  panel: HTMLElement;
  title: HTMLElement;
  state: HTMLElement;
  closeButton: HTMLButtonElement;
}

type ViewerState = 'connecting' | 'watching' | 'ended' | 'error';

export class ConsoleViewer {
  private readonly media: MediaView;
  private device: Device | null = null;
  private receiver: MediaReceiver | null = null;
  private incidentId: string | null = null;
  /** Whether the server accepted a `watch` on the current socket (closing must then release it). */
  private holdsWatch = false;
  private unsubscribe: Array<() => void> = [];
  private generation = 0;
  /** Focus goes back here when the viewer closes (the Watch button). */
  private opener: HTMLElement | null = null;

  constructor(
    private readonly parts: ConsoleViewerElements,
    private readonly socket: LiveSocket,
    /** The incident shown changed (null: viewer closed). */
    private readonly changed: (incidentId: string | null) => void,
  ) {
    this.media = new MediaView(parts);
    parts.closeButton.addEventListener('click', () => this.close());
  }

  get watching(): string | null {
    return this.incidentId;
  }

  transports(): Array<types.Transport | null> {
    return [this.receiver?.recvTransport ?? null];
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
      const signal = await this.socket.ready();
      this.device ??= await loadDevice();
      const device = this.device;
      if (generation !== this.generation) return;
      this.unsubscribe = [
        signal.on('access.ended', ({ incidentId, code, message }) => {
          if (incidentId === incident.id) this.end(humanMessage(toCode(code), message));
        }),
        signal.onClose(() => {
          this.holdsWatch = false; // the server forgets it with the connection
          this.end(humanMessage('DISCONNECTED'));
        }),
        // The incident's media room was rebuilt after a media-server failure: receive again.
        signal.on('media.reset', ({ incidentId }) => {
          if (incidentId !== incident.id) return;
          void rejoinMedia(signal, device, this.receiver, null).catch((error: unknown) => this.end(`Cannot reconnect: ${describeError(error)}`));
        }),
      ];
      const { receiver } = await MediaReceiver.open(signal, device, this.media, async () => {
        const reply = await signal.request('watch', { incidentId: incident.id, rtpCapabilities: asWire(device.rtpCapabilities) });
        this.holdsWatch = true;
        return reply;
      });
      if (generation !== this.generation) return receiver.close();
      this.receiver = receiver;
      this.setState('watching', 'Live video');
      setStatus(`Watching ${incident.officer.name}.`, 'ok');
    } catch (error) {
      if (generation !== this.generation) return;
      this.stopMedia();
      this.setState('error', `Cannot watch: ${describeError(error)}`);
    }
  }

  /** Close the viewer (close button, or the incident went away). */
  close(): void {
    if (!this.incidentId) return;
    const release = this.holdsWatch;
    this.generation++;
    this.stopMedia();
    this.incidentId = null;
    delete this.parts.panel.dataset.incidentId;
    show(this.parts.panel, false);
    this.changed(null);
    if (this.opener?.isConnected) this.opener.focus();
    this.opener = null;
    // Stop watching on the server; the console keeps its socket (and its live updates).
    if (release) {
      this.holdsWatch = false;
      void this.socket.signal?.request('incident.leave', {}).catch(() => this.socket.restart());
    }
  }

  /** Media stopped on the server's side (or the incident left the console): keep the panel with the reason until closed. */
  end(message: string): void {
    if (!this.incidentId) return;
    this.generation++;
    this.stopMedia();
    this.setState('ended', message);
    setStatus(`Viewer: ${message}`, 'warn');
  }

  private stopMedia(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.receiver?.close();
    this.receiver = null;
    this.media.clear();
  }

  private setState(state: ViewerState, text: string): void {
    this.parts.panel.dataset.state = state;
    this.parts.state.textContent = text;
  }
}
