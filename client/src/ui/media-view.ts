// Shows an incident's received media: the camera video, the camera audio, and any other
// participants' talk-back, with a "Turn on sound" button when the browser blocks autoplay.
// Used by the clinician viewer (watch.html) and the supervisor console's inline viewer.
import type { types } from 'mediasoup-client';
import { LevelMeter } from '../media/media-meter.ts';
import { describeLinkQuality, linkQuality, videoCounters, type VideoCounters } from '../media/link-quality.ts';
import { byId, el, setStatus, show } from './ui.ts';

export interface MediaViewElements {
  video: HTMLVideoElement;
  /** Shown over the video while there is none. */
  videoWaiting: HTMLElement;
  cameraAudio: HTMLAudioElement;
  /** Container for extra <audio> elements (others' talk-back). */
  otherAudio: HTMLElement;
  startAudioButton: HTMLButtonElement;
  /** Where the received layer and connection quality are shown (optional). */
  quality?: HTMLElement;
  /** A meter of the camera's sound level (optional). */
  level?: HTMLElement;
}

/** The shared live-media part's elements (client/parts/live-media.html), and its full-screen button and frame. */
export function liveMediaElements(): Required<MediaViewElements> & { fullscreen: HTMLButtonElement; videoWrap: HTMLElement } {
  return {
    video: byId<HTMLVideoElement>('video'),
    videoWaiting: byId('video-waiting'),
    cameraAudio: byId<HTMLAudioElement>('audio'),
    otherAudio: byId('remote-audio'),
    startAudioButton: byId<HTMLButtonElement>('start-audio'),
    quality: byId('link-quality'),
    level: byId('officer-level'),
    fullscreen: byId<HTMLButtonElement>('fullscreen'),
    videoWrap: byId('video-wrap'),
  };
}

/** How often the connection-quality line is refreshed. */
const QUALITY_EVERY_MS = 2000;
/** The longest the work that waits for the first picture waits (there may be no camera picture). */
const PICTURE_WAIT_MS = 1500;
/** The longest the camera's sound waits for the first picture. */
const SOUND_WAIT_MS = 300;

export class MediaView {
  private readonly audioElements = new Map<string, HTMLAudioElement>();
  private videoConsumer: types.Consumer | null = null;
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private lastCounters: VideoCounters | null = null;
  private meter: LevelMeter | null = null;
  private picture: Promise<void> | null = null;

  constructor(private readonly parts: MediaViewElements) {
    parts.startAudioButton.addEventListener('click', () => {
      for (const audio of this.allAudio()) void audio.play().catch(() => undefined);
      void this.meter?.resume().catch(() => undefined);
      show(parts.startAudioButton, false);
      setStatus('Sound is on.', 'ok');
    });
  }

  /** Plays `track` on `video` ahead of its stream (a receiver bound ahead): its player is made now, not with the first picture. */
  static attachAhead(video: HTMLVideoElement, track: MediaStreamTrack): void {
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined);
  }

  trackAdded(consumer: types.Consumer): void {
    const { video, videoWaiting, cameraAudio, otherAudio } = this.parts;
    if (consumer.kind === 'video') {
      // A track attached ahead keeps its player.
      const attached = video.srcObject instanceof MediaStream && video.srcObject.getVideoTracks()[0] === consumer.track;
      if (!attached) video.srcObject = new MediaStream([consumer.track]);
      show(videoWaiting, false);
      void video.play().catch(() => undefined);
      this.watchQuality(consumer);
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
    this.audioElements.set(consumer.id, audio);
    const track = consumer.track;
    /** Plays the stream, if it is still this element's; says whether it did. */
    const play = (): boolean => {
      if (this.audioElements.get(consumer.id) !== audio || track.readyState === 'ended') return false;
      audio.srcObject = new MediaStream([track]);
      audio.play().catch(() => {
        show(this.parts.startAudioButton);
        setStatus('Select "Turn on sound" to hear the officer.', 'warn');
      });
      return true;
    };
    if (audio !== cameraAudio) {
      play();
      return;
    }
    // The camera's sound and its meter (an AudioContext) each take the page's main thread for
    // tens of milliseconds, which the first picture needs: they start once it is shown, or
    // SOUND_WAIT_MS after the stream came, whichever is first.
    void Promise.race([this.firstPicture(), new Promise((resolve) => setTimeout(resolve, SOUND_WAIT_MS))]).then(() => {
      const level = this.parts.level;
      if (!play() || !level) return;
      this.meter ??= new LevelMeter(level);
      this.meter.add(track);
    });
  }

  /**
   * Settles once the video has shown its first picture, or after PICTURE_WAIT_MS. Work the viewer
   * does not need to show the picture waits for it: the first frame needs the page's main thread.
   */
  firstPicture(): Promise<void> {
    this.picture ??= new Promise((resolve) => {
      const timer = setTimeout(resolve, PICTURE_WAIT_MS);
      this.parts.video.requestVideoFrameCallback(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.picture;
  }

  trackRemoved(consumer: types.Consumer): void {
    const { video, videoWaiting, cameraAudio } = this.parts;
    if (consumer.kind === 'video') {
      this.watchQuality(null);
      video.srcObject = null;
      videoWaiting.textContent = "The officer's camera is off.";
      show(videoWaiting);
      return;
    }
    const audio = this.audioElements.get(consumer.id);
    this.audioElements.delete(consumer.id);
    if (!audio) return;
    if (audio === cameraAudio) this.meter?.remove(consumer.track);
    audio.srcObject = null;
    if (audio !== cameraAudio) audio.remove();
  }

  /** Shows the received layer and connection quality of `consumer`'s video (null: stop). */
  private watchQuality(consumer: types.Consumer | null): void {
    const element = this.parts.quality;
    if (!element) return;
    this.videoConsumer = consumer;
    this.lastCounters = null;
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    show(element, consumer !== null);
    if (!consumer) return;
    element.textContent = 'Measuring the connection…';
    this.qualityTimer = setInterval(() => void this.refreshQuality(element), QUALITY_EVERY_MS);
  }

  private async refreshQuality(element: HTMLElement): Promise<void> {
    const consumer = this.videoConsumer;
    if (!consumer || consumer.closed) return;
    const now = videoCounters(await consumer.getStats().catch(() => new Map() as unknown as RTCStatsReport), Date.now());
    if (!now || consumer !== this.videoConsumer) return;
    const before = this.lastCounters;
    this.lastCounters = now;
    if (!before) return;
    const link = linkQuality(before, now);
    element.textContent = describeLinkQuality(link);
    element.dataset.quality = link.quality;
    element.dataset.height = String(link.height ?? '');
  }

  /** Stop and detach everything. */
  clear(): void {
    this.watchQuality(null);
    this.meter?.close();
    this.meter = null;
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
