// The officer's live stream: signalling + mediasoup for one incident (camera out, talk-back in).
import type { Device, types } from 'mediasoup-client';
import type { GeoLocation, PresenceEntry } from '../../../../signaling/protocol/messages.ts';
import { SightlineError, toCode, type AnyErrorCode } from '../../net/errors.ts';
import { asWire, closeTransport, createSendTransport, deviceAndSocket, type ProduceAppData } from '../../media/media-device.ts';
import { MediaReceiver, rejoinMedia } from '../../media/media-receiver.ts';
import { SignalClient } from '../../net/signal-client.ts';
import { iceOptions } from '../../media/ice-config.ts';
import { seatResilience, type LinkResilience, type LinkState } from '../../media/link-resilience.ts';
import { CAMERA_VOICE_CODEC_OPTIONS, cameraVideoEncodings, VIDEO_CODEC_OPTIONS, voiceEncodings } from '../../media/send-encodings.ts';
import { guardUplink } from './uplink-guard.ts';

export interface OfficerStreamEvents {
  presence(entries: PresenceEntry[]): void;
  /** A clinician is watching in answer to the help request, which has cleared. */
  helpAnswered?(clinician: { userId: string; name: string }): void;
  /** A clinician's talk-back audio arrived (already resumed) or went away. */
  talkbackAdded(consumer: types.Consumer): void;
  talkbackRemoved(consumer: types.Consumer): void;
  /** The stream ended without the officer pressing Stop (server ended it, disconnect, ...). */
  ended(code: AnyErrorCode, message: string | undefined): void;
  /** The signalling link dropped ('reconnecting') or was resumed ('ok'). */
  link?(state: LinkState): void;
}

export class OfficerStream {
  incidentId = '';
  /** Evidence recording runs for the incident (from the start reply). */
  recorded = false;
  private sendTransport: types.Transport | null = null;
  private readonly receiver: MediaReceiver;
  private finished = false;
  /** Until start() resolves, failures surface as its rejection rather than as `ended`. */
  private started = false;
  private endCode: AnyErrorCode = 'DISCONNECTED';
  private media: MediaStream | null = null;
  private resilience: LinkResilience | null = null;
  private uplinkGuard: { stop(): void } | null = null;

  private constructor(
    private readonly signal: SignalClient,
    private readonly device: Device,
    private readonly events: OfficerStreamEvents,
  ) {
    // Only clinicians' talk-back comes to the officer.
    this.receiver = new MediaReceiver(
      signal,
      { trackAdded: (consumer) => events.talkbackAdded(consumer), trackRemoved: (consumer) => events.talkbackRemoved(consumer) },
      (info) => info.kind === 'audio',
    );
  }

  /** Connect, authenticate, start the incident and publish the camera + microphone tracks. */
  static async start(sessionToken: string, media: MediaStream, events: OfficerStreamEvents): Promise<OfficerStream> {
    const [device, signal] = await deviceAndSocket(() => SignalClient.connect());
    // Listen before starting so that no notification sent right after the reply is missed.
    const stream = new OfficerStream(signal, device, events);
    stream.listen();
    try {
      await signal.request('auth', { token: sessionToken });
      const started = await signal.request('incident.start', { rtpCapabilities: asWire(device.rtpCapabilities) });
      stream.incidentId = started.incidentId;
      stream.recorded = started.recorded;
      await stream.receiver.start(device, started.recvTransport, [], iceOptions(started.iceServers));
      stream.sendTransport = createSendTransport(device, signal, started.sendTransport, iceOptions(started.iceServers));
      stream.media = media;
      await stream.publish(media);
      if (started.resumeToken) {
        stream.resilience = seatResilience(
          { ...started, resumeToken: started.resumeToken },
          { signal, transports: () => stream.transports(), link: events.link, onGiveUp: (code) => stream.finish(code, undefined) },
        );
      }
    } catch (error) {
      // Do not leave a half-started incident live on the server.
      if (stream.incidentId) await signal.request('incident.end', {}).catch(() => undefined);
      stream.teardown();
      throw error;
    }
    if (stream.finished) throw new SightlineError(stream.endCode, 'Stream ended while starting');
    stream.started = true;
    return stream;
  }

  /** Transports, for the debug stats hook. */
  transports(): Array<types.Transport | null> {
    return [this.sendTransport, this.receiver.recvTransport];
  }

  async setHelp(requested: boolean): Promise<boolean> {
    const { helpRequested } = await this.signal.request('incident.help', { requested });
    return helpRequested;
  }

  /** Share the camera's position with those who may see the incident (null: stop sharing). */
  async setLocation(location: GeoLocation | null): Promise<void> {
    await this.signal.request('incident.location', { location });
  }

  /** Officer pressed Stop: end the incident on the server (best effort) and release everything. */
  async stop(): Promise<void> {
    if (this.finished) return;
    try {
      await this.signal.request('incident.end', {});
    } catch (error) {
      console.warn('[officer] incident.end failed', error);
    }
    this.teardown();
  }

  private async publish(media: MediaStream): Promise<void> {
    const transport = this.sendTransport;
    if (!transport) return;
    const appData: ProduceAppData = { source: 'camera' };
    const audio = media.getAudioTracks()[0];
    const video = media.getVideoTracks()[0];
    // stopTracks: false — the page owns the capture tracks (it shows a local preview).
    if (audio && this.device.canProduce('audio')) {
      await transport.produce({ track: audio, stopTracks: false, appData, encodings: voiceEncodings(), codecOptions: CAMERA_VOICE_CODEC_OPTIONS });
    }
    if (video && this.device.canProduce('video')) {
      const producer = await transport.produce({
        track: video,
        stopTracks: false,
        appData,
        // Simulcast: each viewer gets the layer its own downlink carries (send-encodings.ts).
        encodings: cameraVideoEncodings(video.getSettings().height ?? 480),
        codecOptions: VIDEO_CODEC_OPTIONS,
      });
      // A thin uplink keeps the lower layers moving (uplink-guard.ts).
      this.uplinkGuard?.stop();
      this.uplinkGuard = guardUplink(producer);
    }
  }

  private listen(): void {
    const { signal, events } = this;
    let shutdownMessage: string | undefined;
    signal.on('presence', (message) => {
      if (!this.incidentId || message.incidentId === this.incidentId) events.presence(message.participants);
    });
    signal.on('help.answered', (message) => {
      if (!this.incidentId || message.incidentId === this.incidentId) events.helpAnswered?.(message.clinician);
    });
    signal.on('access.ended', ({ code, message }) => this.finish(toCode(code), message));
    // The media server under the incident failed and the room was rebuilt: publish again, same incident.
    signal.on('media.reset', () => {
      this.rejoin().catch((error: unknown) => this.finish(toCode((error as { code?: unknown }).code ?? 'MEDIA_ERROR'), undefined));
    });
    signal.on('server.shutdown', ({ message }) => {
      shutdownMessage = message;
    });
    signal.onClose(() => {
      if (!shutdownMessage && this.started && this.resilience?.resume()) return;
      this.finish(shutdownMessage ? 'SERVER_SHUTTING_DOWN' : 'DISCONNECTED', shutdownMessage);
    });
  }

  private async rejoin(): Promise<void> {
    this.sendTransport = await rejoinMedia(this.signal, this.device, this.receiver, this.sendTransport);
    if (this.media) await this.publish(this.media);
  }

  private finish(code: AnyErrorCode, message: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.endCode = code;
    this.teardown();
    if (this.started) this.events.ended(code, message);
  }

  private teardown(): void {
    this.finished = true;
    this.resilience?.stop();
    this.uplinkGuard?.stop();
    this.receiver.close();
    closeTransport(this.sendTransport);
    this.signal.close();
  }
}
