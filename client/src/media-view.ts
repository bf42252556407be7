// Shows an incident's received media: the camera video, the camera audio, and any other
// participants' talk-back, with a "Turn on sound" button when the browser blocks autoplay.
// Used by the clinician viewer (watch.html) and the supervisor console's inline viewer.
import type { types } from 'mediasoup-client';
import { el, setStatus, show } from './ui.ts';

export interface MediaViewElements {
  video: HTMLVideoElement;
  /** Shown over the video while there is none. */
  videoWaiting: HTMLElement;
  cameraAudio: HTMLAudioElement;
  /** Container for extra <audio> elements (others' talk-back). */
  otherAudio: HTMLElement;
  startAudioButton: HTMLButtonElement;
}

export class MediaView {
  private readonly audioElements = new Map<string, HTMLAudioElement>();

  constructor(private readonly parts: MediaViewElements) {
    parts.startAudioButton.addEventListener('click', () => {
      for (const audio of this.allAudio()) void audio.play().catch(() => undefined);
      show(parts.startAudioButton, false);
      setStatus('Sound is on.', 'ok');
    });
  }

  trackAdded(consumer: types.Consumer): void {
    const { video, videoWaiting, cameraAudio, otherAudio } = this.parts;
    if (consumer.kind === 'video') {
      video.srcObject = new MediaStream([consumer.track]);
      show(videoWaiting, false);
      void video.play().catch(() => undefined);
      return;
    }
    let audio = cameraAudio;
    if (consumer.appData.source !== 'camera') {
      // Someone else's talk-back.
      audio = el('audio');
      audio.autoplay = true;
      audio.dataset.testid = 'remote-audio';
      otherAudio.append(audio);
    }
    audio.srcObject = new MediaStream([consumer.track]);
    this.audioElements.set(consumer.id, audio);
    audio.play().catch(() => {
      show(this.parts.startAudioButton);
      setStatus('Select "Turn on sound" to hear the officer.', 'warn');
    });
  }

  trackRemoved(consumer: types.Consumer): void {
    const { video, videoWaiting, cameraAudio } = this.parts;
    if (consumer.kind === 'video') {
      video.srcObject = null;
      videoWaiting.textContent = "The officer's camera is off.";
      show(videoWaiting);
      return;
    }
    const audio = this.audioElements.get(consumer.id);
    this.audioElements.delete(consumer.id);
    if (!audio) return;
    audio.srcObject = null;
    if (audio !== cameraAudio) audio.remove();
  }

  /** Stop and detach everything. */
  clear(): void {
    const { video, cameraAudio, otherAudio, startAudioButton } = this.parts;
    for (const media of [video, cameraAudio, ...this.audioElements.values()]) {
      if (media.srcObject instanceof MediaStream) for (const track of media.srcObject.getTracks()) track.stop();
      media.srcObject = null;
    }
    this.audioElements.clear();
    otherAudio.replaceChildren();
    show(startAudioButton, false);
  }

  private allAudio(): HTMLAudioElement[] {
    return [this.parts.cameraAudio, ...this.parts.otherAudio.querySelectorAll('audio')];
  }
}
