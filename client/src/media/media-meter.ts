// Audio level meter: WebAudio AnalyserNode over one or more tracks.
// Writes the current RMS level (0..1, 4 decimals) into `data-level` on the element (tests read it),
// a slowly decaying peak into `data-peak`, and, for a <meter>, the peak into its value (scaled so
// that speech fills most of the bar without flickering).

const INTERVAL_MS = 100;
/** Per-sample decay of the displayed peak (about 1.5 s from full to quiet). */
const PEAK_DECAY = 0.85;

export class LevelMeter {
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;
  private readonly sources = new Map<string, MediaStreamAudioSourceNode>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private peak = 0;

  /**
   * Create inside a user gesture (e.g. the Start button's click) where possible, so the
   * AudioContext is allowed to run under autoplay policies.
   */
  constructor(private readonly element: HTMLElement, context?: AudioContext) {
    this.context = context ?? new AudioContext();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.write(0, true);
  }

  /** Start measuring a track (mixed with any others already added). */
  add(track: MediaStreamTrack): void {
    if (this.sources.has(track.id)) return;
    const source = this.context.createMediaStreamSource(new MediaStream([track]));
    source.connect(this.analyser);
    this.sources.set(track.id, source);
    void this.context.resume().catch(() => undefined);
    this.timer ??= setInterval(() => this.sample(), INTERVAL_MS);
  }

  remove(track: MediaStreamTrack): void {
    const source = this.sources.get(track.id);
    if (!source) return;
    source.disconnect();
    this.sources.delete(track.id);
    if (this.sources.size === 0) this.stopTimer();
  }

  /** Resume the AudioContext (call from a user gesture if it was created without one). */
  resume(): Promise<void> {
    return this.context.resume();
  }

  close(): void {
    for (const source of this.sources.values()) source.disconnect();
    this.sources.clear();
    this.stopTimer();
    void this.context.close().catch(() => undefined);
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.write(0, true);
  }

  private sample(): void {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const value of this.samples) sum += value * value;
    this.write(Math.sqrt(sum / this.samples.length));
  }

  private write(rms: number, reset = false): void {
    this.peak = reset ? rms : Math.max(rms, this.peak * PEAK_DECAY);
    this.element.dataset.level = rms.toFixed(4);
    this.element.dataset.peak = this.peak.toFixed(4);
    if (this.element instanceof HTMLMeterElement) {
      // Speech RMS is typically 0.02..0.3; a square-root curve makes quiet talk visible.
      this.element.value = Math.min(1, Math.sqrt(this.peak * 3));
    }
  }
}
