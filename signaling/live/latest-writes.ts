// Writes of a value of which only the latest state matters (an incident's presence): one write in
// flight per key; a write asked for meanwhile runs once after it, and only the last one asked for.
// Writes cannot land out of order, so a stored value never goes back to an older state.

export class LatestWrites<K> {
  readonly #running = new Map<K, Promise<void>>();
  readonly #next = new Map<K, () => Promise<void>>();

  constructor(private readonly onError: (error: Error, key: K) => void) {}

  /** Runs `write` now, or after the write in flight for `key` (replacing any still waiting). */
  schedule(key: K, write: () => Promise<void>): Promise<void> {
    const running = this.#running.get(key);
    if (running) {
      this.#next.set(key, write);
      return running;
    }
    const loop = (async () => {
      let current: (() => Promise<void>) | undefined = write;
      while (current) {
        try {
          await current();
        } catch (error) {
          this.onError(error as Error, key);
        }
        current = this.#next.get(key);
        this.#next.delete(key);
      }
      this.#running.delete(key);
    })();
    this.#running.set(key, loop);
    return loop;
  }

  /** Resolves once every write asked for so far has run. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }
}
