// The officer's live stream: signalling + mediasoup for one incident (camera out, talk-back in).
import type { Device, types } from 'mediasoup-client';
import type { GeoLocation, PresenceEntry } from '../../../../signaling/protocol/messages.ts';
import { SightlineError, type AnyErrorCode } from '../../net/errors.ts';
import { asWire, createSendTransport, deviceAndSocket, type ProduceAppData } from '../../media/media-device.ts';
import { MediaReceiver } from '../../media/media-receiver.ts';
import { SignalClient } from '../../net/signal-client.ts';
import { iceOptions } from '../../media/ice-config.ts';
import type { LinkState } from '../../media/link-resilience.ts';
import { SeatSession } from '../../media/seat-session.ts';
import { CAMERA_VOICE_CODEC_OPTIONS, cameraVideoEncodings, VIDEO_CODEC_OPTIONS, voiceEncodings } from '../../media/send-encodings.ts';
import { guardUplink } from './uplink-guard.ts';
import { watchUplink } from './uplink-view.ts';
import type { UplinkQuality } from '../../media/uplink-quality.ts';

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
  /** The camera's own uplink, every few seconds while it sends video. */
  uplink?(uplink: UplinkQuality): void;
}

export class OfficerStream extends SeatSession {
  incidentId = '';
  /** The incident's short reference people read out, e.g. MP-1204-07. */
  reference = '';
  /** Evidence recording runs for the incident (from the start reply). */
  recorded = false;
  private media: MediaStream | null = null;
  private uplinkGuard: { stop(): void } | null = null;
  private uplinkWatch: { stop(): void } | null = null;

  private constructor(
    signal: SignalClient,
    device: Device,
    private readonly events: OfficerStreamEvents,
  ) {
    super(signal, device, events);
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
      stream.reference = started.reference;
      stream.recorded = started.recorded;
      await stream.receiver!.start(device, started.recvTransport, [], iceOptions(started.iceServers));
      stream.sendTransport = createSendTransport(device, signal, started.sendTransport, iceOptions(started.iceServers));
      stream.media = media;
      await stream.publish(media);
      if (started.resumeToken) stream.keepSeat({ ...started, resumeToken: started.resumeToken });
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
  override transports(): Array<types.Transport | null> {
    return [this.sendTransport, this.receiver?.recvTransport ?? null];
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
      this.uplinkWatch?.stop();
      this.uplinkWatch = watchUplink(producer, (uplink) => this.events.uplink?.(uplink));
    }
  }

  private listen(): void {
    const { signal, events } = this;
    signal.on('presence', (message) => {
      if (!this.incidentId || message.incidentId === this.incidentId) events.presence(message.participants);
    });
    signal.on('help.answered', (message) => {
      if (!this.incidentId || message.incidentId === this.incidentId) events.helpAnswered?.(message.clinician);
    });
    this.listenForEnd();
  }

  /** After the media room was rebuilt: publish the camera again, same incident. */
  protected override async afterRejoin(): Promise<void> {
    if (this.media) await this.publish(this.media);
  }

  protected override beforeTeardown(): void {
    this.uplinkGuard?.stop();
    this.uplinkWatch?.stop();
  }
}
