/**
 * Paces Slack sends so a big morning wave drains at Slack's pace instead of in a 429 storm.
 *
 * - Evenly paced token bucket with a small burst (≈2 % of the rate): a full one-second burst on
 *   top of the steady rate is exactly what a sliding-window limit rejects.
 * - Retry-After is honoured by everyone (`pause`).
 * - Adaptive: a 429 while we were sending at our pace (at least half of it used in the last second)
 *   means the configured rate is above what Slack allows right now. The sends that succeeded in the
 *   second before it estimate that limit (the ceiling, never below half the pace: one bad second
 *   must not collapse delivery); the pace drops to 90 % of it, climbs back to 97 % within about a
 *   second and a half, and after 20 s without a 429 the ceiling creeps up (2 %/s) towards the
 *   configured rate again. A 429 while sending slowly (a per-channel or per-minute limit, not our
 *   pace) only pauses for Retry-After.
 * - Scoped: chat.postMessage allows about one message per second per conversation, "while also
 *   maintaining a workspace-wide limit" (docs.slack.dev/apis/web-api/rate-limits), and a 429 does
 *   not say which one was hit — it carries only Retry-After. So the scope is inferred (`limitedIn`):
 *   a 429 in one conversation while sends to other conversations still go through is that
 *   conversation's limit (one person flooding one colleague) and pauses only that conversation;
 *   429s in two or more conversations with nothing else getting through in between are the
 *   workspace's limit and pause (and slow) everyone.
 */
const CEILING_SHARE = 0.97;
const AFTER_429_SHARE = 0.9;
const RECOVERY_PER_SECOND = 0.05; // of the ceiling
const PROBE_AFTER_MS = 20_000;
const PROBE_PER_SECOND = 0.02;
/** 429s and successes this recent are compared to tell a conversation's limit from the workspace's. */
const SCOPE_WINDOW_MS = 2000;

export type LimitScope = 'conversation' | 'workspace';

export class RateLimiter {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private rate: number;
  private ceiling: number;
  private lastLimitedAt = -Infinity;
  private lastAdjustedAt: number;
  private readonly successes: number[] = [];
  private readonly taken: number[] = [];
  private readonly burst: number;
  private readonly minRate: number;
  private readonly conversationPausedUntil = new Map<string, number>();
  private readonly recent429s: Array<{ t: number; conversation: string }> = [];
  private readonly recentSuccesses: Array<{ t: number; conversation: string }> = [];

  constructor(
    private readonly maxRate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = Math.max(1, Math.floor(maxRate * 0.02));
    this.minRate = Math.min(1, maxRate);
    this.ceiling = maxRate;
    this.rate = maxRate * CEILING_SHARE;
    this.tokens = this.burst;
    this.last = this.now();
    this.lastAdjustedAt = this.last;
  }

  /** Sends per second the limiter currently allows. */
  get currentRate(): number {
    return this.rate;
  }

  /** Slack told us to wait (Retry-After); everyone waits. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** A paced send was answered 429: wait, and slow down to what Slack evidently allows. */
  limited(retryAfterMs: number): void {
    const t = this.now();
    // A burst of 429s (several sends in flight) is one signal, not several; and only a 429 while we
    // used our pace says the pace is too high.
    const pacing = recent(this.taken, t) >= Math.max(2, this.rate / 2);
    const observed = recent(this.successes, t);
    // With no success in the last second there is no evidence of Slack's rate: pause, keep the pace.
    if (t - this.lastLimitedAt > 1000 && pacing && observed > 0) {
      this.ceiling = clamp(Math.max(observed, this.rate / 2), this.minRate, this.maxRate);
      this.rate = Math.max(this.minRate, this.ceiling * AFTER_429_SHARE);
    }
    this.lastLimitedAt = t;
    this.tokens = 0;
    this.pause(retryAfterMs);
  }

  /**
   * A send to `conversation` was answered 429. Pauses that conversation alone, unless other
   * conversations are being limited too with nothing getting through (then it is `limited`: the
   * workspace's limit). Returns which it was.
   */
  limitedIn(conversation: string, retryAfterMs: number): LimitScope {
    const t = this.now();
    forgetOlder(this.recent429s, t - SCOPE_WINDOW_MS);
    forgetOlder(this.recentSuccesses, t - SCOPE_WINDOW_MS);
    this.recent429s.push({ t, conversation });
    const limitedNow = new Set(this.recent429s.map((r) => r.conversation));
    const since = this.recent429s[0]!.t;
    const othersGotThrough = this.recentSuccesses.some((s) => s.t >= since && !limitedNow.has(s.conversation));
    if (limitedNow.size >= 2 && !othersGotThrough) {
      this.limited(retryAfterMs);
      return 'workspace';
    }
    for (const [c, until] of this.conversationPausedUntil) if (until <= t) this.conversationPausedUntil.delete(c);
    this.conversationPausedUntil.set(conversation, Math.max(this.conversationPausedUntil.get(conversation) ?? 0, t + retryAfterMs));
    return 'conversation';
  }

  /** Milliseconds until `conversation` may be sent to again (0: now). Takes no token. */
  conversationWait(conversation: string): number {
    const until = this.conversationPausedUntil.get(conversation);
    if (until === undefined) return 0;
    const wait = until - this.now();
    if (wait > 0) return wait;
    this.conversationPausedUntil.delete(conversation);
    return 0;
  }

  /** A send went through (the evidence `limited` and `limitedIn` use). */
  succeeded(conversation?: string): void {
    const t = this.now();
    remember(this.successes, t, this.maxRate);
    if (conversation === undefined) return;
    forgetOlder(this.recentSuccesses, t - SCOPE_WINDOW_MS);
    this.recentSuccesses.push({ t, conversation });
  }

  /** Milliseconds until a send may start; 0 means go now (and a token was taken). */
  tryTake(): number {
    const t = this.now();
    if (t < this.pausedUntil) return this.pausedUntil - t;
    this.adjust(t);
    // Nothing accrues during a pause; when it ends, Slack said we may send again: one send at once.
    const resumed = this.last < this.pausedUntil;
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, t - Math.max(this.last, this.pausedUntil)) / 1000) * this.rate);
    if (resumed) this.tokens = Math.max(this.tokens, 1);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      remember(this.taken, t, this.maxRate);
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
  }

  async take(sleep: (ms: number) => Promise<void>): Promise<void> {
    for (;;) {
      const wait = this.tryTake();
      if (wait === 0) return;
      await sleep(wait);
    }
  }

  private adjust(t: number): void {
    const dt = Math.max(0, t - this.lastAdjustedAt) / 1000;
    this.lastAdjustedAt = t;
    const quiet = t - this.lastLimitedAt;
    if (quiet > PROBE_AFTER_MS) this.ceiling = Math.min(this.maxRate, this.ceiling * (1 + PROBE_PER_SECOND * dt));
    if (quiet > 1000) this.rate = Math.min(this.ceiling * CEILING_SHARE, this.rate + this.ceiling * RECOVERY_PER_SECOND * dt);
  }

}

/** How many of `times` fall in the last second before `t` (older ones are forgotten). */
function recent(times: number[], t: number): number {
  let drop = 0;
  while (drop < times.length && times[drop]! <= t - 1000) drop++;
  if (drop > 0) times.splice(0, drop);
  return times.length;
}

function remember(times: number[], t: number, maxRate: number): void {
  times.push(t);
  if (times.length > 4 * maxRate + 16) recent(times, t);
}

function forgetOlder(events: Array<{ t: number }>, cutoff: number): void {
  let drop = 0;
  while (drop < events.length && events[drop]!.t < cutoff) drop++;
  if (drop > 0) events.splice(0, drop);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
