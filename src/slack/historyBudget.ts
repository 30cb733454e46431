/**
 * Slack lets an app distributed outside the Slack Marketplace call conversations.history and
 * conversations.replies once a minute per workspace, 15 messages a call (internal and Marketplace
 * apps keep Tier 3, about 50 a minute). Every such call Handoff makes, from any client (ours and the
 * ones Bolt makes per request), goes through this budget, per workspace, in this process.
 *
 * A call beyond the budget is refused here at once, answered as Slack answers one over its limit (429
 * with Retry-After: when the next call is allowed), so every caller handles one case and nothing waits:
 * a deflection prompt goes without the thread's people, an interrupted delivery is checked again
 * later, alone. Replicas each keep their own budget; a 429 from Slack itself (another replica spent
 * the minute) moves this process's next call too.
 */
import type { FetchFunction } from '@slack/web-api';
import { methodOf } from './meteredFetch';

const WINDOW_MS = 60_000;
export const HISTORY_METHODS: ReadonlySet<string> = new Set(['conversations.history', 'conversations.replies']);

/** Slack's limits for apps distributed outside the Marketplace. */
export const RESTRICTED_READS_PER_MINUTE = 1;
const RESTRICTED_PAGE_SIZE = 15;

export class HistoryBudget {
  /** Per workspace: when its calls in the last minute were made (oldest first), or held off until. */
  private readonly calls = new Map<string, number[]>();
  private readonly heldUntil = new Map<string, number>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one call for `team`: 0 when it may go now, else the milliseconds until one is free. */
  take(team: string): number {
    const now = this.now();
    const held = (this.heldUntil.get(team) ?? 0) - now;
    if (held > 0) return held;
    this.heldUntil.delete(team);
    const recent = (this.calls.get(team) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length >= this.perMinute) {
      this.calls.set(team, recent);
      return recent[0]! + WINDOW_MS - now;
    }
    recent.push(now);
    this.calls.set(team, recent);
    return 0;
  }

  /** Slack answered 429: no call for `team` before its Retry-After has passed. */
  holdOff(team: string, ms: number): void {
    this.heldUntil.set(team, Math.max(this.heldUntil.get(team) ?? 0, this.now() + ms));
  }

  /** Slack's limit for apps distributed outside the Marketplace (or tighter): every read counts. */
  get restricted(): boolean {
    return this.perMinute <= RESTRICTED_READS_PER_MINUTE;
  }

  /** How much one look through a conversation may read: one page of 15 under Slack's restricted limit. */
  get readPlan(): { pages: number; pageSize: number } {
    if (this.restricted) return { pages: 1, pageSize: RESTRICTED_PAGE_SIZE };
    return { pages: Math.min(5, this.perMinute), pageSize: 100 };
  }
}

/**
 * `inner`, with conversations.history/replies held to `budget` for the workspace `teamOf()` names
 * (the tenant of the request or outbox row being served). `onHeld` hears each refused call.
 */
export function budgetedFetch(budget: HistoryBudget, teamOf: () => string, inner: FetchFunction, onHeld?: (method: string) => void): FetchFunction {
  return async (url, init) => {
    const method = methodOf(url);
    if (!HISTORY_METHODS.has(method)) return inner(url, init);
    const team = teamOf();
    const waitMs = budget.take(team);
    if (waitMs > 0) {
      onHeld?.(method);
      // Whole seconds, rounded up, as Slack sends them: the caller never comes back too early.
      return new Response(JSON.stringify({ ok: false, error: 'ratelimited' }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(waitMs / 1000)) },
      });
    }
    const res = await inner(url, init);
    if (res.status === 429) budget.holdOff(team, retryAfterMs(res.headers.get('retry-after')));
    return res;
  };
}

function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : WINDOW_MS;
}
