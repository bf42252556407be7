// A token bucket: `rate` tokens per second, holding at most `burst`. Pure apart from the clock.
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  take(): boolean {
    const at = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((at - this.#updatedAt) / 1000) * this.rate);
    this.#updatedAt = at;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
