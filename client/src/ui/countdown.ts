// Countdown to the end of a clinician's access, on the server's clock. The element's text is the
// label, its data-remaining holds whole seconds left and data-urgent turns true in the last minute.
import { formatDuration, setStatus } from './ui.ts';

export interface CountdownOptions {
  /** Current time on the server clock. */
  now?: () => number;
  /** Text for the seconds left (0 = time is up). */
  label?: (secondsLeft: number) => string;
  /** Announce (politely) at 5 and 1 minutes left, with this wording. */
  announce?: (minutesLeft: number) => string;
  /** Called once when the time is up. */
  expired?: () => void;
}

const WARN_AT_SECONDS = [300, 60];

export const accessLabel = (left: number): string =>
  left > 0 ? `Access ends in ${formatDuration(left)}` : 'Access time is up';

export class Countdown {
  private timer: ReturnType<typeof setInterval> | null = null;
  private done = false;
  private readonly warned = new Set<number>();
  private readonly now: () => number;

  /**
   * @param element shows the label; data-remaining holds whole seconds left.
   * @param expiresAtMs end of access, epoch milliseconds on the server clock.
   */
  constructor(
    readonly element: HTMLElement,
    private expiresAtMs: number,
    private readonly options: CountdownOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.start();
  }

  /** When access ends (ms since the epoch). */
  get endsAt(): number {
    return this.expiresAtMs;
  }

  /** Move the end (an extended grant); warnings already given are given again if still ahead. */
  update(expiresAtMs: number): void {
    if (expiresAtMs === this.expiresAtMs) return;
    this.expiresAtMs = expiresAtMs;
    this.stop();
    this.warned.clear();
    this.start();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  remaining(): number {
    return Math.max(0, Math.ceil((this.expiresAtMs - this.now()) / 1000));
  }

  private start(): void {
    this.done = false;
    for (const at of WARN_AT_SECONDS) if (this.remaining() <= at) this.warned.add(at);
    this.tick();
    if (this.remaining() > 0) this.timer = setInterval(() => this.tick(), 1000);
  }

  private tick(): void {
    const left = this.remaining();
    this.element.dataset.remaining = String(left);
    this.element.dataset.urgent = String(left <= 60);
    this.element.textContent = (this.options.label ?? accessLabel)(left);
    const announce = this.options.announce;
    for (const at of WARN_AT_SECONDS) {
      if (left <= at && left > 0 && !this.warned.has(at)) {
        this.warned.add(at);
        if (announce) setStatus(announce(at / 60), 'warn');
      }
    }
    if (left === 0 && !this.done) {
      this.done = true;
      this.stop();
      this.options.expired?.();
    }
  }
}
