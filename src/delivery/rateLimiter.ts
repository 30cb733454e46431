/**
 * Paces Slack sends for one workspace, discovering the pace Slack allows instead of guessing it:
 * Slack's workspace-wide limit for chat.postMessage is not a published number.
 *
 * - Evenly paced token bucket with a small burst (≈2 % of the upper bound), and never more sends in
 *   any one second than the pace: a sliding-window limit counts every second, so a burst on top of
 *   the steady rate (a timer that fired late, then caught up) is exactly what it rejects.
 * - Starts at a safe rate (10/s, which Slack has never refused us) and, while Slack accepts what we
 *   send at that pace and no limit has been seen yet, doubles it every second (slow start: 10/s to
 *   50/s in about 2.3 s instead of 10 s) up to the configured upper bound (DELIVERY_RATE_PER_SECOND).
 *   No raise without evidence: a pace we are not using proves nothing.
 * - A 429 while we were using our pace remembers what got through in the second before as Slack's
 *   limit (one burst of 429s counts once). A new limit halves the pace; below 90 % of it the pace
 *   climbs back fast (a quarter of it per second: it was just accepted), then additively to the
 *   settle share of it (97 %), and past it only slowly (+0.5/s per second) after 30 s without a
 *   429 — Slack's limit may have moved. A 429 that finds the same limit again (a probe) goes straight
 *   back to the settle pace: its Retry-After pause has emptied Slack's window, and halving again only
 *   loses what was just confirmed; it doubles the wait before the next probe (up to 240 s). 429s
 *   at or under the settle pace less than a minute apart say the settle share is too high for how
 *   sends arrive (their timing jitters): it is lowered by 2 points each time (down to 85 %).
 * - Retry-After is honoured by everyone (`pause`). A 429 while sending slowly (a per-channel or
 *   per-minute limit, not our pace) only pauses.
 * - Scoped: chat.postMessage allows about one message per second per conversation, "while also
 *   maintaining a workspace-wide limit" (docs.slack.dev/apis/web-api/rate-limits), and a 429 does
 *   not say which one was hit — it carries only Retry-After. So the scope is inferred (`limitedIn`):
 *   a 429 in a conversation we were just sending to, while sends to other conversations still go
 *   through, is that conversation's limit (one person flooding one colleague) and pauses only that
 *   conversation; a 429 in a conversation we had not just sent to (a wave: one digest per DM), or
 *   429s in two or more conversations with nothing else getting through in between, are the
 *   workspace's limit and pause (and slow) everyone.
 */
/** Where a pace starts: the old default rate. */
export const SAFE_START_RATE = 10;
/** Sends per second added per second while Slack accepts (the additive increase, once a limit is known). */
const ADDITIVE_PER_SECOND = 4;
/** Before any limit is seen the pace doubles every second (slow start). */
const SLOW_START_FACTOR_PER_SECOND = 2;
/** Below this share of the last limit seen, climb back fast. */
const RECOVER_BELOW = 0.9;
const RECOVER_PER_SECOND = 0.25; // of the last limit seen
/**
 * The pace settles at this share of the last limit seen. A sliding window counts arrivals, and they
 * jitter; with at most `pace` sends in any second (see tryTake) 97 % of a 50/s limit leaves 1–2
 * sends of slack per second. A 429 at or under the settle pace within a minute of another lowers
 * the share by SHARE_STEP, down to MIN_CEILING_SHARE (every such 429 costs a whole Retry-After pause:
 * ≥ 1 s of nothing).
 */
export const CEILING_SHARE = 0.97;
const SHARE_STEP = 0.02;
/** A 429 at the settle pace lowers the share only this soon after the previous one (break-even: 1 s of pause vs 2 % of 50 s). */
const SHARE_LOWER_WITHIN_MS = 60_000;
const MIN_CEILING_SHARE = 0.85;
/** Probes past the settle pace only after this long without a 429, slowly; each probe that finds
 * the same limit again doubles the wait (up to MAX_PROBE_AFTER_MS): every failed probe costs a pause. */
const PROBE_AFTER_MS = 30_000;
const MAX_PROBE_AFTER_MS = 240_000;
/**
 * Slow start doubles the pace only while the last second's sends reach this share of it: while it
 * doubles they are ≈0.72 of it (what was sent at the lower pace of a second ago), so this lets a
 * pace in full use double and stops one the app only half uses.
 */
const SLOW_START_USE = 0.6;
/** Two limits seen within this share of each other are the same limit. */
const SAME_LIMIT_SHARE = 0.1;
const PROBE_PER_SECOND = 0.5;
/** 429s and successes this recent are compared to tell a conversation's limit from the workspace's. */
const SCOPE_WINDOW_MS = 2000;

export type LimitScope = 'conversation' | 'workspace';

export class RateLimiter {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private rate: number;
  /** What got through in the second before the last 429 that slowed us: Slack's limit, as seen. */
  private lastLimit: number | null = null;
  private probeAfterMs = PROBE_AFTER_MS;
  /** Share of the last limit seen the pace settles at (lowered by 429s at or under it). */
  private ceilingShare = CEILING_SHARE;
  /** The last 429 that came at or under the settle pace. */
  private lastSettleLimitedAt = -Infinity;
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
    startRate: number = SAFE_START_RATE,
  ) {
    this.burst = Math.max(1, Math.floor(maxRate * 0.02));
    this.minRate = Math.min(1, maxRate);
    this.rate = clamp(startRate, this.minRate, maxRate);
    this.tokens = this.burst;
    this.last = this.now();
    this.lastAdjustedAt = this.last;
  }

  /** Sends per second the limiter currently allows. */
  get currentRate(): number {
    return this.rate;
  }

  /** Slack's limit as last seen (sends per second; null: never refused yet). */
  get limitSeen(): number | null {
    return this.lastLimit;
  }

  /** The share of the last limit seen that the pace settles at. */
  get settleShare(): number {
    return this.ceilingShare;
  }

  /** Milliseconds left of a Retry-After pause (0: not paused). */
  pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Slack told us to wait (Retry-After); everyone waits. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** A paced send was answered 429: wait for Retry-After, and halve the pace if it was ours. */
  limited(retryAfterMs: number): void {
    const t = this.now();
    // A burst of 429s (several sends in flight) is one signal, not several; and only a 429 while we
    // used our pace says the pace is too high.
    if (t - this.lastLimitedAt > 1000 && this.usingPace(t)) this.slowDown(t);
    this.lastLimitedAt = t;
    this.tokens = 0;
    this.pause(retryAfterMs);
  }

  /** Our pace was refused: learn the limit from what got through, and pace under it. */
  private slowDown(t: number): void {
    // What got through in the second before — counted when the answers came back, which jitters,
    // so never more than we started in that second (a jittered 54 for a 50/s limit would stick:
    // a limit seen again never shrinks).
    const observed = Math.min(recent(this.successes, t), recent(this.taken, t));
    const seen = clamp(Math.max(observed, this.rate / 2), this.minRate, this.maxRate);
    const previous = this.lastLimit;
    // The same limit: about what we saw before, or — refused under it — everything we paced got
    // through (arrival jitter, not a lower limit).
    const same = previous !== null && (Math.abs(seen - previous) <= previous * SAME_LIMIT_SHARE || (seen < previous && seen >= this.rate * (1 - SAME_LIMIT_SHARE)));
    // Refused at or under the settle pace (not while probing past it): the share is too high for
    // how our sends arrive.
    // Only when such 429s recur within SHARE_LOWER_WITHIN_MS: a lower share costs its 2 % for the
    // rest of the wave, a lone 429 only its pause (≈1 s).
    if (same && this.rate <= previous * this.ceilingShare + 0.01) {
      if (t - this.lastSettleLimitedAt <= SHARE_LOWER_WITHIN_MS) this.ceilingShare = Math.max(MIN_CEILING_SHARE, this.ceilingShare - SHARE_STEP);
      this.lastSettleLimitedAt = t;
    }
    this.probeAfterMs = same ? Math.min(MAX_PROBE_AFTER_MS, this.probeAfterMs * 2) : PROBE_AFTER_MS;
    // Under our own pacing fewer than the limit may have got through: a limit seen again never shrinks.
    this.lastLimit = same ? Math.max(previous, seen) : seen;
    // The same limit again: the Retry-After pause empties Slack's window, so resume just under it.
    // A new one (or the first): halve, the classic multiplicative decrease.
    const next = same ? Math.min(this.rate, this.lastLimit * this.ceilingShare) : this.rate / 2;
    this.rate = Math.max(this.minRate, next);
  }

  /**
   * A send to `conversation` was answered 429. Pauses that conversation alone, unless it cannot be
   * that conversation's limit — nothing was sent to it just before (its limit is about one message a
   * second) — or other conversations are being limited too with nothing getting through (then it is
   * `limited`: the workspace's limit). Returns which it was.
   */
  limitedIn(conversation: string, retryAfterMs: number): LimitScope {
    const t = this.now();
    forgetOlder(this.recent429s, t - SCOPE_WINDOW_MS);
    forgetOlder(this.recentSuccesses, t - SCOPE_WINDOW_MS);
    // A wave sends one message per conversation: its 429s are never a conversation's own limit.
    const busyHere = this.recentSuccesses.some((x) => x.conversation === conversation) || this.recent429s.some((x) => x.conversation === conversation);
    this.recent429s.push({ t, conversation });
    if (!busyHere) {
      this.limited(retryAfterMs);
      return 'workspace';
    }
    const limitedNow = new Set(this.recent429s.map((r) => r.conversation));
    const since = this.recent429s[0]!.t;
    const othersGotThrough = this.recentSuccesses.some((x) => x.t >= since && !limitedNow.has(x.conversation));
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
    // Never more than the pace in any one second (what a sliding-window limit counts), whatever
    // the bucket holds: a late timer must not turn into a burst.
    const inWindow = recent(this.taken, t);
    if (this.tokens >= 1 && inWindow >= Math.max(1, Math.floor(this.rate))) return Math.max(1, this.taken[0]! + 1000 - t);
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

  /** Did we send at (at least half) our pace in the last second? Only then does Slack's answer say anything about it. */
  private usingPace(t: number): boolean {
    return recent(this.taken, t) >= Math.max(2, this.rate / 2);
  }

  /** The increase: doubling until a limit is seen, then fast back to it, additive to just under it, slow past it. */
  private adjust(t: number): void {
    const dt = Math.max(0, t - this.lastAdjustedAt) / 1000;
    this.lastAdjustedAt = t;
    const quiet = t - this.lastLimitedAt;
    if (quiet <= 1000 || t < this.pausedUntil || !this.usingPace(t)) return;
    const limit = this.lastLimit;
    if (limit === null) {
      // Doubling is only safe while Slack accepts nearly the whole pace: at half of it (the app, not
      // the pace, is what limits) it would double past a limit it has never been near.
      if (recent(this.taken, t) >= this.rate * SLOW_START_USE)
        this.rate = Math.min(this.maxRate, Math.max(this.rate + ADDITIVE_PER_SECOND * dt, this.rate * SLOW_START_FACTOR_PER_SECOND ** dt));
      return;
    }
    let target = this.maxRate;
    let perSecond = ADDITIVE_PER_SECOND;
    const settle = limit * this.ceilingShare;
    if (this.rate < limit * RECOVER_BELOW) perSecond = Math.max(ADDITIVE_PER_SECOND, limit * RECOVER_PER_SECOND);
    if (this.rate < settle) target = settle;
    else perSecond = quiet > this.probeAfterMs ? PROBE_PER_SECOND : 0;
    this.rate = Math.min(this.maxRate, Math.max(this.rate, Math.min(target, this.rate + perSecond * dt)));
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
