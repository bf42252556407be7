// Plays the chosen tracks of a recording side by side on the recording's wall clock: the
// camera's picture and sound and each clinician's talk-back, each in its own element, each
// element loading the segment that covers the shared position and kept within half a second of
// it. Segments are fetched with the session and the play's ticket (every fetch is checked by the
// relay against the audited play), and handed to the elements as blobs.
import { PLAY_TICKET_HEADER, type ManifestTrack, type PlayResponse } from '../../../../signaling/protocol/recordings.ts';
import { SightlineError, toCode } from '../../net/errors.ts';
import { el } from '../../ui/ui.ts';
import { formatPosition, segmentAt, timelineOf, trackLabel, type Timeline } from './recording-timeline.ts';

const TICK_MS = 250;
const MAX_DRIFT_MS = 500;

interface Lane {
  track: ManifestTrack;
  element: HTMLMediaElement;
  state: HTMLElement;
  /** The segment the element holds (or is loading), and the element's time at its start. */
  loaded: number | null;
  baseSeconds: number;
  ready: boolean;
}

export interface PlayerOptions {
  incidentId: string;
  play: PlayResponse;
  token: string;
  trackIds: readonly string[];
  names: Readonly<Record<string, string>>;
  onError(error: SightlineError): void;
}

export class RecordingPlayer {
  readonly root = el('div', 'recording-player');
  readonly #timeline: Timeline;
  readonly #lanes: Lane[];
  readonly #segments = new Map<number, Promise<string>>();
  readonly #button = el('button', 'primary', 'Play');
  readonly #scrub = el('input');
  readonly #clock = el('span', 'recording-clock');
  #positionMs = 0;
  #playing = false;
  #lastTick = 0;
  #timer: number | undefined;

  constructor(private readonly options: PlayerOptions) {
    this.#timeline = timelineOf(options.play.manifest);
    const tracks = options.play.manifest.tracks.filter((track) => options.trackIds.includes(track.id));
    this.#lanes = tracks.map((track) => this.#lane(track));
    const screens = el('div', 'recording-screens');
    const sounds = el('ul', 'recording-sounds');
    for (const lane of this.#lanes) {
      if (lane.track.kind === 'video') screens.append(lane.element);
      const item = el('li', undefined, `${trackLabel(lane.track, options.names)}: `);
      item.append(lane.state);
      sounds.append(item);
      if (lane.track.kind === 'audio') item.append(lane.element);
    }
    this.#button.type = 'button';
    this.#button.dataset.testid = 'recording-toggle';
    this.#button.addEventListener('click', () => (this.#playing ? this.pause() : this.play()));
    Object.assign(this.#scrub, { type: 'range', min: '0', max: String(this.#timeline.durationMs), step: '100', value: '0' });
    this.#scrub.setAttribute('aria-label', 'Position in the recording');
    this.#scrub.dataset.testid = 'recording-position';
    this.#scrub.addEventListener('input', () => this.seek(Number(this.#scrub.value)));
    this.#clock.setAttribute('aria-live', 'off');
    const controls = el('div', 'recording-controls');
    controls.append(this.#button, this.#scrub, this.#clock);
    this.root.append(screens, controls, sounds);
    this.#render();
    this.#timer = window.setInterval(() => this.#tick(), TICK_MS);
  }

  get positionMs(): number {
    return this.#positionMs;
  }

  play(): void {
    if (this.#positionMs >= this.#timeline.durationMs) this.#positionMs = 0;
    this.#playing = true;
    this.#lastTick = performance.now();
    this.#tick();
  }

  pause(): void {
    this.#playing = false;
    for (const lane of this.#lanes) lane.element.pause();
    this.#render();
  }

  seek(positionMs: number): void {
    this.#positionMs = Math.min(Math.max(0, positionMs), this.#timeline.durationMs);
    for (const lane of this.#lanes) this.#align(lane, true);
    this.#render();
  }

  close(): void {
    window.clearInterval(this.#timer);
    for (const lane of this.#lanes) {
      lane.element.pause();
      lane.element.removeAttribute('src');
    }
    for (const url of this.#segments.values()) void url.then((value) => URL.revokeObjectURL(value), () => undefined);
    this.root.remove();
  }

  #lane(track: ManifestTrack): Lane {
    const element = track.kind === 'video' ? el('video') : el('audio');
    element.dataset.testid = track.kind === 'video' ? 'recording-video' : 'recording-audio';
    element.dataset.track = track.id;
    element.setAttribute('aria-label', trackLabel(track, this.options.names));
    element.preload = 'auto';
    if (element instanceof HTMLVideoElement) element.playsInline = true;
    const state = el('span', 'recording-lane-state', 'waiting');
    state.dataset.testid = 'recording-lane-state';
    state.dataset.track = track.id;
    return { track, element, state, loaded: null, baseSeconds: 0, ready: false };
  }

  #tick(): void {
    const now = performance.now();
    if (this.#playing) {
      this.#positionMs += now - this.#lastTick;
      if (this.#positionMs >= this.#timeline.durationMs) {
        this.#positionMs = this.#timeline.durationMs;
        this.pause();
      }
    }
    this.#lastTick = now;
    for (const lane of this.#lanes) this.#align(lane, false);
    this.#render();
  }

  /** Puts the lane's element on the segment covering the position, at the right time in it. */
  #align(lane: Lane, seeking: boolean): void {
    const at = segmentAt(this.#timeline, lane.track.id, this.#positionMs);
    if (!at) {
      lane.element.pause();
      lane.state.textContent = 'nothing recorded here';
      return;
    }
    if (lane.loaded !== at.segment.n) {
      this.#load(lane, at.segment.n);
      return;
    }
    if (!lane.ready) return;
    const expected = lane.baseSeconds + at.offsetMs / 1000;
    if (seeking || Math.abs(lane.element.currentTime - expected) * 1000 > MAX_DRIFT_MS) lane.element.currentTime = expected;
    if (this.#playing && lane.element.paused) void lane.element.play().catch(() => undefined);
    if (!this.#playing && !lane.element.paused) lane.element.pause();
    lane.state.textContent = this.#playing ? `playing segment ${at.segment.n}` : `segment ${at.segment.n}`;
  }

  #load(lane: Lane, n: number): void {
    lane.loaded = n;
    lane.ready = false;
    lane.state.textContent = `loading segment ${n}`;
    void this.#segment(n).then(
      (url) => {
        if (lane.loaded !== n) return;
        lane.element.addEventListener(
          'loadedmetadata',
          () => {
            if (lane.loaded !== n) return;
            // A segment's media time may not start at zero: positions are counted from where it does.
            lane.baseSeconds = lane.element.seekable.length > 0 ? lane.element.seekable.start(0) : 0;
            lane.ready = true;
            this.#align(lane, true);
          },
          { once: true },
        );
        lane.element.src = url;
      },
      (error: unknown) => {
        lane.state.textContent = `segment ${n} could not be loaded`;
        this.options.onError(error instanceof SightlineError ? error : new SightlineError('UNKNOWN', String(error)));
      },
    );
  }

  #segment(n: number): Promise<string> {
    let url = this.#segments.get(n);
    if (!url) {
      url = fetchSegment(this.options, n);
      this.#segments.set(n, url);
      void url.catch(() => this.#segments.delete(n));
    }
    return url;
  }

  #render(): void {
    this.#button.textContent = this.#playing ? 'Pause' : 'Play';
    this.#scrub.value = String(Math.round(this.#positionMs));
    this.#clock.textContent = `${formatPosition(this.#positionMs)} / ${formatPosition(this.#timeline.durationMs)}`;
    this.root.dataset.position = String(Math.round(this.#positionMs));
  }
}

async function fetchSegment(options: PlayerOptions, n: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`/api/incidents/${encodeURIComponent(options.incidentId)}/recordings/segments/${n}`, {
      headers: { Authorization: `Bearer ${options.token}`, [PLAY_TICKET_HEADER]: options.play.ticket },
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new SightlineError('NETWORK', error instanceof Error ? error.message : 'fetch failed');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
    throw new SightlineError(toCode(body?.error?.code), String(body?.error?.message ?? `HTTP ${response.status}`), response.status);
  }
  return URL.createObjectURL(await response.blob());
}
