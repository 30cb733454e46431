/**
 * Work a listener is still doing after its ack. Bolt answers Slack at `ack()` and goes on running
 * the listener (the inline handoff is saved after the 200 went out), so closing the HTTP server does
 * not mean listeners are done. Stopping waits for them before the database closes; otherwise a
 * SIGTERM during a rolling deploy turns an acknowledged request into "database connection is not
 * open" and the person's handoff is lost.
 */
import type { App } from '@slack/bolt';

export class InFlightListeners {
  private running = 0;
  private idle: Array<() => void> = [];

  register(app: App): void {
    // Registered before every other middleware, so it wraps the whole chain.
    app.use(async ({ next }) => {
      this.running += 1;
      try {
        await next();
      } finally {
        this.running -= 1;
        if (this.running === 0) this.wake();
      }
    });
  }

  get count(): number {
    return this.running;
  }

  /** Resolves true once nothing runs, or false when `timeoutMs` passed first (a listener stuck on Slack). */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idle = this.idle.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idle.push(done);
    });
  }

  private wake(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }
}
