/**
 * The fake Slack's throttles: at most `limit` calls in any `windowMs` (a sliding window), globally
 * or per key (a conversation). Pure: the caller passes the clock reading.
 */
export class SlidingWindow {
  private hits: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {}

  /** Records a call at `now` and returns 0 if the window has room; otherwise ms until it will. */
  take(now: number): number {
    let drop = 0;
    while (drop < this.hits.length && now - this.hits[drop]! >= this.windowMs) drop++;
    if (drop) this.hits = this.hits.slice(drop);
    if (this.hits.length >= this.limit) return Math.max(1, this.hits[0]! + this.windowMs - now);
    this.hits.push(now);
    return 0;
  }

  /** Calls counted in the window ending at `now`. */
  count(now: number): number {
    return this.hits.filter((t) => now - t < this.windowMs).length;
  }
}

/** One sliding window per key; keys idle for a whole window are forgotten. */
export class KeyedSlidingWindow {
  private readonly windows = new Map<string, { window: SlidingWindow; last: number }>();
  private lastPrune = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {}

  take(key: string, now: number): number {
    if (now - this.lastPrune >= this.windowMs * 10) this.prune(now);
    let entry = this.windows.get(key);
    if (!entry) this.windows.set(key, (entry = { window: new SlidingWindow(this.limit, this.windowMs), last: now }));
    entry.last = now;
    return entry.window.take(now);
  }

  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [key, entry] of this.windows) if (now - entry.last >= this.windowMs) this.windows.delete(key);
  }
}

/** Slack's Retry-After is whole seconds, at least 1. */
export const retryAfterSeconds = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 1000));

/**
 * The busiest `windowMs` among instants `times` (any order): the most of them in any window
 * [t, t + windowMs), and where that window starts. What a sliding-window limit of Slack's would count.
 */
export function busiestWindow(times: readonly number[], windowMs = 1000): { count: number; startsAt: number | null } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, startsAt: null as number | null };
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    if (last - first + 1 > best.count) best = { count: last - first + 1, startsAt: sorted[first]! };
  }
  return best;
}
