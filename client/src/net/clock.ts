// The server's clock as seen from this page: grant expiry times are server epoch milliseconds.
import type { SignalClient } from './signal-client.ts';

export class ServerClock {
  private offsetMs = 0;

  /** Current time on the server's clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Estimate the offset with one ping (best effort: keeps the local clock on failure or a slow answer). */
  async sync(signal: SignalClient): Promise<void> {
    try {
      const sent = Date.now();
      const { serverTime } = await signal.request('ping', {});
      const received = Date.now();
      if (received - sent < 2000) this.offsetMs = serverTime - (sent + received) / 2;
    } catch {
      // Keep the local clock.
    }
  }
}
