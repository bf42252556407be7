// What every seat in an incident does the same way, whichever page holds it (the officer's
// camera, a clinician's viewer): how it ends (`access.ended`, a server shutting down, a socket
// that drops for good), how it receives again after the media server under the incident was
// rebuilt (`media.reset`), how it keeps the seat across network trouble (resume, ICE restart),
// and how it releases everything once. The pages' sessions add what is theirs.
import type { Device, types } from 'mediasoup-client';
import { toCode, type AnyErrorCode } from '../net/errors.ts';
import type { SignalClient } from '../net/signal-client.ts';
import { seatResilience, type LinkResilience, type LinkState } from './link-resilience.ts';
import { closeTransport } from './media-device.ts';
import { rejoinMedia, type MediaReceiver } from './media-receiver.ts';
import type { IceServerInfo } from '../../../signaling/protocol/messages.ts';

export interface SeatEndings {
  /** The seat ended without this page asking (access ended, server shut down, link lost). Media is already closed. */
  ended(code: AnyErrorCode, message: string | undefined): void;
  /** The signalling link dropped ('reconnecting') or was resumed ('ok'). */
  link?(state: LinkState): void;
}

export abstract class SeatSession {
  sendTransport: types.Transport | null = null;
  protected receiver: MediaReceiver | null = null;
  protected finished = false;
  /** Until the page's start or join resolves, failures surface as its rejection rather than as `ended`. */
  protected started = false;
  protected endCode: AnyErrorCode = 'DISCONNECTED';
  #resilience: LinkResilience | null = null;

  protected constructor(
    readonly signal: SignalClient,
    protected readonly device: Device,
    private readonly endings: SeatEndings,
  ) {}

  /** Transports, for the debug stats hook and the link upkeep. */
  transports(): Array<types.Transport | null> {
    return [this.receiver?.recvTransport ?? null, this.sendTransport];
  }

  /** Called after a rebuilt media room received this seat again (the camera publishes again). */
  protected afterRejoin(): Promise<void> | void {}

  /** Called once when the seat releases everything (page-owned helpers stop here). */
  protected beforeTeardown(): void {}

  /** Listens for the endings every seat shares; call before the first request, so nothing is missed. */
  protected listenForEnd(): void {
    let shutdownMessage: string | undefined;
    this.signal.on('access.ended', ({ code, message }) => this.finish(toCode(code), message));
    // The media server under the incident failed and the room was rebuilt: the same seat receives (and sends) again.
    this.signal.on('media.reset', () => {
      this.#rejoin().catch((error: unknown) => this.finish(toCode((error as { code?: unknown }).code ?? 'MEDIA_ERROR'), undefined));
    });
    this.signal.on('server.shutdown', ({ message }) => {
      shutdownMessage = message;
    });
    this.signal.onClose(() => {
      if (!shutdownMessage && this.#resilience?.resume()) return;
      this.finish(shutdownMessage ? 'SERVER_SHUTTING_DOWN' : 'DISCONNECTED', shutdownMessage);
    });
  }

  /** Keeps the seat across drops with its resume token; `onMediaRestored` runs after an ICE restart. */
  protected keepSeat(seat: { resumeToken: string; resumeGraceSeconds?: number; iceServers?: IceServerInfo[] }, onMediaRestored?: () => void): void {
    this.#resilience = seatResilience(seat, {
      signal: this.signal,
      transports: () => this.transports(),
      ...(onMediaRestored ? { onMediaRestored } : {}),
      link: this.endings.link,
      onGiveUp: (code) => this.finish(code, undefined),
    });
  }

  /**
   * A receiving seat (a clinician's or a supervisor's) keeps itself across drops; after an ICE
   * restart it asks for a keyframe by resuming its consumers again, so the picture comes back at once.
   */
  protected keepReceivingSeat(seat: { resumeToken?: string; resumeGraceSeconds?: number; iceServers?: IceServerInfo[] }): void {
    if (!seat.resumeToken) return;
    this.keepSeat({ ...seat, resumeToken: seat.resumeToken }, () => {
      const ids = this.receiver?.consumerIds() ?? [];
      if (ids.length) void this.signal.request('consumers.resume', { consumerIds: ids.slice(0, 16) }).catch(() => undefined);
    });
  }

  async #rejoin(): Promise<void> {
    this.sendTransport = await rejoinMedia(this.signal, this.device, this.receiver, this.sendTransport);
    await this.afterRejoin();
  }

  protected finish(code: AnyErrorCode, message: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.endCode = code;
    this.teardown();
    if (this.started) this.endings.ended(code, message);
  }

  /** Releases the seat's media and socket. Idempotent. */
  protected teardown(): void {
    this.finished = true;
    this.#resilience?.stop();
    this.beforeTeardown();
    this.receiver?.close();
    closeTransport(this.sendTransport);
    this.signal.close();
  }
}
