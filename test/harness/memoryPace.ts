/**
 * One workspace's pace with its state in memory, driven the way the model was before it was shared:
 * a token is taken at the moment it is used (`tryTake`), so no grace is needed. The unit tests drive
 * the model of src/delivery/rateLimiter.ts through it on a fake clock.
 */
import type { PaceState } from '../../src/db/queries/pace';
import { ConversationScope, grant, limited, newPace, pause, pausedFor, recordSent, SAFE_START_RATE, type LimitScope, type PaceBounds } from '../../src/delivery/rateLimiter';

export class RateLimiter {
  private readonly state: PaceState;
  private readonly bounds: PaceBounds;
  private readonly scope: ConversationScope;

  constructor(
    maxRate: number,
    private readonly now: () => number = Date.now,
    startRate: number = SAFE_START_RATE,
  ) {
    this.bounds = { maxRate, graceMs: 0 };
    this.state = newPace(maxRate, startRate, now());
    this.scope = new ConversationScope(now);
  }

  get currentRate(): number {
    return this.state.rate;
  }

  get limitSeen(): number | null {
    return this.state.limitSeen;
  }

  get settleShare(): number {
    return this.state.settleShare;
  }

  pausedFor(): number {
    return pausedFor(this.state, this.now());
  }

  pause(ms: number): void {
    pause(this.state, this.now(), ms);
  }

  limited(retryAfterMs: number): void {
    limited(this.state, this.bounds, this.now(), retryAfterMs);
  }

  limitedIn(conversation: string, retryAfterMs: number): LimitScope {
    const scope = this.scope.limitedIn(conversation, retryAfterMs);
    if (scope === 'workspace') this.limited(retryAfterMs);
    return scope;
  }

  conversationWait(conversation: string): number {
    return this.scope.conversationWait(conversation);
  }

  succeeded(conversation?: string): void {
    recordSent(this.state, this.now(), [this.now()]);
    if (conversation !== undefined) this.scope.succeeded(conversation);
  }

  /** Milliseconds until a send may start; 0 means go now (and a slot was taken). */
  tryTake(): number {
    const t = this.now();
    const g = grant(this.state, this.bounds, t, 1, { from: t, until: t });
    return g.slots.length > 0 ? 0 : g.waitMs;
  }
}
