// Countdown to the end of a clinician's access. Announces (politely) at 5 and 1 minutes left.
import { formatDuration, setStatus } from './ui.ts';

const WARN_AT_SECONDS = [300, 60];

export class Countdown {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly warned = new Set<number>();

  /**
   * @param element shows "Access ends in m:ss"; its data-remaining holds whole seconds left.
   * @param expiresAtMs end of access, epoch milliseconds on the server clock.
   * @param now current time on the server clock.
   */
  constructor(
    private readonly element: HTMLElement,
    private readonly expiresAtMs: number,
    private readonly now: () => number = Date.now,
  ) {
    for (const at of WARN_AT_SECONDS) if (this.remaining() <= at) this.warned.add(at);
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private remaining(): number {
    return Math.max(0, Math.ceil((this.expiresAtMs - this.now()) / 1000));
  }

  private tick(): void {
    const left = this.remaining();
    this.element.dataset.remaining = String(left);
    this.element.dataset.urgent = String(left <= 60);
    this.element.textContent = left > 0 ? `Access ends in ${formatDuration(left)}` : 'Access time is up';
    for (const at of WARN_AT_SECONDS) {
      if (left <= at && left > 0 && !this.warned.has(at)) {
        this.warned.add(at);
        setStatus(`Your access ends in ${at / 60} minute${at === 60 ? '' : 's'}.`, 'warn');
      }
    }
    if (left === 0) this.stop();
  }
}
