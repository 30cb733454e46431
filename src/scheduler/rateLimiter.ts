/**
 * Paces Slack sends: a token bucket for the steady rate, and a shared pause when Slack answers 429
 * with Retry-After, so a big morning wave drains at Slack's pace instead of in a 429 storm.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Slack told us to wait; everyone waits. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Milliseconds until a send may start; 0 means go now (and a token was taken). */
  tryTake(): number {
    const t = this.now();
    if (t < this.pausedUntil) return this.pausedUntil - t;
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  async take(sleep: (ms: number) => Promise<void>): Promise<void> {
    for (;;) {
      const wait = this.tryTake();
      if (wait === 0) return;
      await sleep(wait);
    }
  }
}
