// Push-to-talk: the talk-back producer and its bindings (hold the button, or hold Space).
// The microphone is opened on the first press; the producer is created paused on the server
// and then resumed/paused to follow the button. Requests are serialised so fast taps stay consistent.
import type { types } from 'mediasoup-client';
import { toSightlineError, type SightlineError } from '../net/errors.ts';
import { getMedia, type ProduceAppData } from './media-device.ts';
import type { SignalClient } from '../net/signal-client.ts';
import { TALKBACK_CODEC_OPTIONS, voiceEncodings } from './send-encodings.ts';

export interface TalkOptions {
  /** The current send transport (it changes when the media room is rebuilt). */
  transport: () => types.Transport | null;
  signal: SignalClient;
  /** Talking really started (true) or stopped (false). */
  onTalking(talking: boolean): void;
  onError(error: SightlineError): void;
  /** The microphone opened (for a level meter). */
  onMicrophone?(track: MediaStreamTrack): void;
}

export class TalkbackController {
  private wanted = false;
  private talking = false;
  private busy = false;
  private closed = false;
  private producer: types.Producer | null = null;
  private track: MediaStreamTrack | null = null;

  constructor(private readonly options: TalkOptions) {}

  press(): void {
    this.wanted = true;
    void this.sync();
  }

  release(): void {
    this.wanted = false;
    void this.sync();
  }

  close(): void {
    this.closed = true;
    this.wanted = false;
    this.producer?.close();
    this.track?.stop();
    this.producer = null;
    this.track = null;
    if (this.talking) this.options.onTalking(false);
    this.talking = false;
  }

  private async sync(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed && this.talking !== this.wanted) {
        if (this.wanted) await this.startTalking();
        else await this.stopTalking();
      }
    } catch (error) {
      this.wanted = false;
      this.options.onError(toSightlineError(error));
      // Make sure nothing is left sending after a failure.
      if (this.producer && !this.producer.closed) this.producer.pause();
      if (this.talking) this.options.onTalking(false);
      this.talking = false;
    } finally {
      this.busy = false;
    }
  }

  private async startTalking(): Promise<void> {
    // After a media reset the old producer went with its transport: make a new one.
    const producer = this.producer && !this.producer.closed ? this.producer : await this.createProducer();
    if (!this.wanted || this.closed) return; // released while the microphone was opening
    await this.options.signal.request('producer.resume', { producerId: producer.id });
    producer.resume();
    this.talking = true;
    this.options.onTalking(true);
  }

  private async stopTalking(): Promise<void> {
    const producer = this.producer;
    this.talking = false;
    this.options.onTalking(false);
    if (!producer) return;
    producer.pause(); // stop sending at once, then tell the server
    await this.options.signal.request('producer.pause', { producerId: producer.id });
  }

  private async createProducer(): Promise<types.Producer> {
    const stream = await getMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    const track = stream.getAudioTracks()[0];
    if (!track) throw new Error('No microphone track');
    if (this.closed) {
      track.stop();
      throw new Error('Closed while opening the microphone');
    }
    this.track = track;
    this.options.onMicrophone?.(track);
    const appData: ProduceAppData = { source: 'talkback', paused: true };
    const transport = this.options.transport();
    if (!transport) throw new Error('No send transport');
    const producer = await transport.produce({ track, appData, stopTracks: true, encodings: voiceEncodings(), codecOptions: TALKBACK_CODEC_OPTIONS });
    producer.pause(); // match the server, which created it paused
    this.producer = producer;
    return producer;
  }
}

/**
 * Hold-to-talk on a button (pointer) and on Space (only when the button or the page body has
 * focus, never while typing). Releases if the window loses focus so talk cannot get stuck on.
 */
export function bindPushToTalk(button: HTMLButtonElement, talk: TalkbackController): () => void {
  let pointerHeld = false;
  let keyHeld = false;
  const update = () => (pointerHeld || keyHeld ? talk.press() : talk.release());

  const down = (event: PointerEvent) => {
    if (event.button !== 0 || button.disabled) return;
    event.preventDefault();
    try {
      button.setPointerCapture(event.pointerId); // keep receiving pointerup if the finger slides off
    } catch {
      // Synthetic or already-released pointer: fine without capture.
    }
    pointerHeld = true;
    update();
  };
  const up = () => {
    if (!pointerHeld) return;
    pointerHeld = false;
    update();
  };
  const spaceTarget = () => {
    const active = document.activeElement;
    return active === button || active === document.body || active === null;
  };
  const keyDown = (event: KeyboardEvent) => {
    if (event.code !== 'Space' || !spaceTarget() || button.disabled) return;
    event.preventDefault(); // no page scroll, no button "click"
    if (event.repeat || keyHeld) return;
    keyHeld = true;
    update();
  };
  const keyUp = (event: KeyboardEvent) => {
    if (event.code !== 'Space' || !keyHeld) return;
    event.preventDefault();
    keyHeld = false;
    update();
  };
  const reset = () => {
    pointerHeld = false;
    keyHeld = false;
    update();
  };
  const noMenu = (event: Event) => event.preventDefault();

  button.addEventListener('pointerdown', down);
  button.addEventListener('pointerup', up);
  button.addEventListener('pointercancel', up);
  button.addEventListener('lostpointercapture', up);
  button.addEventListener('contextmenu', noMenu);
  document.addEventListener('keydown', keyDown);
  document.addEventListener('keyup', keyUp);
  window.addEventListener('blur', reset);
  return () => {
    button.removeEventListener('pointerdown', down);
    button.removeEventListener('pointerup', up);
    button.removeEventListener('pointercancel', up);
    button.removeEventListener('lostpointercapture', up);
    button.removeEventListener('contextmenu', noMenu);
    document.removeEventListener('keydown', keyDown);
    document.removeEventListener('keyup', keyUp);
    window.removeEventListener('blur', reset);
    reset();
  };
}
