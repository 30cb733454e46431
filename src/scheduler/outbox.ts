/**
 * Drains the delivery outbox. Each worker claims one due row (pending → sending), lets the handler
 * build it and — right before the Slack call — take a rate-limiter token (`pace`), so rows that turn
 * out to have nothing to say cost no rate budget; at most `concurrency` rows are ever in 'sending'.
 * Outcomes:
 *  - sent: markSent and the handler's bookkeeping (who was told what) in one transaction;
 *  - 429: everyone pauses for Retry-After, the row retries then (not counted as an attempt);
 *  - 5xx / network: retry with exponential backoff, up to MAX_ATTEMPTS or the row's deadline;
 *  - permanent errors (user_not_found, account_inactive, cannot_dm_bot, …): failed, no retry;
 *  - revoked token: the workspace is paused, the row waits for a reinstall.
 * A row whose earlier attempt may have reached Slack (a crash while 'sending', a timeout, a 5xx) is
 * marked unverified and looked up in Slack by its message metadata before it is sent again, so
 * crashes and ambiguous failures never produce a duplicate.
 */
import type { Db } from '../db/client';
import {
  UNVERIFIED,
  claimDue,
  isUnverified,
  markFinal,
  markFoundSent,
  markRetry,
  markSent,
  releaseClaim,
  requeueInterrupted,
  type OutboxRow,
} from '../db/queries/outbox';
import { setWorkspaceStatus } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { classifySlackError } from '../slack/errors';
import { RateLimiter } from './rateLimiter';

export type DeliveryResult = { status: 'sent'; ts: string | null } | { status: 'skip'; reason: string };

/** Awaited by a handler right before each Slack write: waits for the rate limiter (and any 429 pause). */
export type Pace = () => Promise<void>;

/** Thrown by `pace` when the dispatcher stops while a row waits for its turn; the row goes back untouched. */
export class DispatcherStopped extends Error {
  readonly code = 'dispatcher_stopped';
}

export interface DeliveryHandlers {
  deliver(row: OutboxRow, pace: Pace): Promise<DeliveryResult>;
  /** Was this row already delivered? Its ts if so, null if not, undefined if it cannot be checked. */
  findDelivered(row: OutboxRow): Promise<string | null | undefined>;
  /** Bookkeeping for a delivered row, run in the transaction that marks it sent (also after recovery). */
  afterSent?(tx: Db, row: OutboxRow, ts: string | null, now: Date): void;
  /** Epoch ms after which the row is no longer worth sending (a digest past its catch-up window). */
  deadline?(row: OutboxRow): number | null;
  /** Called once a row reaches a final failure, so the author can be told in plain words. */
  onFailed?(row: OutboxRow, code: string): void;
}

export type Outcome = 'sent' | 'skipped' | 'failed' | 'retry' | 'not_claimed';

/** Transient failures allowed for rows without a deadline. Rows with one retry until it passes. */
export const MAX_ATTEMPTS = 8;

export function backoffMs(attempts: number, random: () => number = Math.random): number {
  // 5 s, 10 s, 20 s … capped at 30 min, with ±20 % jitter so retries do not line up.
  const base = Math.min(5_000 * 2 ** attempts, 30 * 60_000);
  return Math.round(base * (0.8 + random() * 0.4));
}

/**
 * Could the failed call have reached Slack anyway? Not when Slack answered (`ok: false`, 429) or we
 * never called it; yes for timeouts, dropped connections and 5xx from Slack or a proxy.
 */
export function mayHaveReachedSlack(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error' || typeof code !== 'string';
}

export interface DispatcherOptions {
  concurrency: number;
  ratePerSecond: number;
}

type Result = { outcome: Outcome; error?: string };

export class OutboxDispatcher {
  readonly limiter: RateLimiter;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<() => void>();
  private timer: { handle: NodeJS.Timeout; at: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly handlers: DeliveryHandlers,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: DispatcherOptions,
  ) {
    this.limiter = new RateLimiter(opts.ratePerSecond);
  }

  /** Ask for a drain soon; calls coalesce. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop()
      .catch((e: unknown) => this.logger.error({ err: e }, 'outbox drain failed'))
      .finally(() => {
        this.draining = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the current drain (if any) is finished. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Sends specific rows right away (e.g. the DMs of a just-created handoff) and reports each outcome. */
  async deliverNow(ids: number[]): Promise<Map<number, Result>> {
    const results = new Map<number, Result>();
    if (ids.length === 0 || this.stopped) return results;
    const rows = claimDue(this.db, this.clock.now(), ids.length, ids);
    for (const id of ids) results.set(id, { outcome: 'not_claimed' });
    await Promise.all(rows.map(async (row) => results.set(row.id, await this.track(this.send(row)))));
    return results;
  }

  private async drainLoop(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.concurrency }, () => this.worker()));
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      const [row] = claimDue(this.db, this.clock.now(), 1);
      if (!row) return;
      await this.track(this.send(row));
    }
  }

  /** Waits for the rate limiter (and any 429 pause); throws DispatcherStopped if stopped meanwhile. */
  private readonly pace: Pace = async () => {
    while (!this.stopped) {
      const wait = this.limiter.tryTake();
      if (wait === 0) return;
      await this.sleep(wait);
    }
    throw new DispatcherStopped('stopped');
  };

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(handle);
        this.sleepers.delete(done);
        resolve();
      };
      const handle = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  private async send(row: OutboxRow): Promise<Result> {
    if (isUnverified(row)) {
      const checked = await this.verify(row);
      if (checked) return checked;
    }
    const deadline = this.handlers.deadline?.(row) ?? null;
    if (deadline !== null && this.clock.now().getTime() > deadline) {
      markFinal(this.db, row.id, 'skipped', 'missed: past its catch-up window', this.clock.now(), false);
      return { outcome: 'skipped', error: 'too late' };
    }
    try {
      const result = await this.handlers.deliver(row, this.pace);
      if (result.status === 'sent') {
        this.limiter.succeeded();
        this.recordSent(row, result.ts, false);
        return { outcome: 'sent' };
      }
      markFinal(this.db, row.id, 'skipped', result.reason, this.clock.now());
      return { outcome: 'skipped', error: result.reason };
    } catch (e) {
      if (e instanceof DispatcherStopped) {
        releaseClaim(this.db, row.id);
        return { outcome: 'not_claimed' };
      }
      return this.recordFailure(row, e, mayHaveReachedSlack(e), true);
    }
  }

  /**
   * Looks for an unverified row in Slack. Returns the outcome when it is settled (found → sent, or the
   * lookup must be retried), null when it is safe to send.
   */
  private async verify(row: OutboxRow): Promise<Result | null> {
    let ts: string | null | undefined;
    try {
      ts = await this.handlers.findDelivered(row);
    } catch (e) {
      const failure = classifySlackError(e);
      if (failure.kind !== 'permanent') return this.recordFailure(row, e, true);
      // We may not read that conversation (scope, membership): better a possible repeat than a loss.
      this.logger.warn({ outboxId: row.id, error: failure.code }, 'cannot check whether an interrupted delivery arrived; sending it');
      return null;
    }
    if (!ts) return null;
    this.recordSent(row, ts, true);
    this.logger.info({ outboxId: row.id, kind: row.kind }, 'interrupted delivery had arrived; not sending it again');
    return { outcome: 'sent' };
  }

  private recordSent(row: OutboxRow, ts: string | null, found: boolean): void {
    const now = this.clock.now();
    this.db.transaction((tx) => {
      if (found && ts) markFoundSent(tx, row.id, ts, now);
      else markSent(tx, row.id, ts, now);
      this.handlers.afterSent?.(tx, row, ts, now);
    });
  }

  /** `paced`: the failed call was a send the limiter paced (its 429 says the pace is too high). */
  private recordFailure(row: OutboxRow, e: unknown, unverified: boolean, paced = false): Result {
    const failure = classifySlackError(e);
    const now = this.clock.now();
    const error = unverified ? `${UNVERIFIED}: ${failure.code}` : failure.code;
    const log = { outboxId: row.id, kind: row.kind, teamId: row.teamId, error, attempts: row.attempts + 1 };
    switch (failure.kind) {
      case 'rate_limited':
        if (paced) this.limiter.limited(failure.retryAfterMs);
        else this.limiter.pause(failure.retryAfterMs);
        // Not the row's fault: do not count it as an attempt.
        markRetry(this.db, row.id, error, new Date(now.getTime() + failure.retryAfterMs), now, false);
        this.scheduleWake(failure.retryAfterMs);
        this.logger.warn({ ...log, retryAfterMs: failure.retryAfterMs, pacePerSecond: Math.round(this.limiter.currentRate * 10) / 10 }, 'rate limited by Slack; pausing delivery');
        return { outcome: 'retry', error: failure.code };
      case 'revoked':
        // Keep the row; the workspace is paused until the app is reinstalled.
        setWorkspaceStatus(this.db, row.teamId, 'tokens_revoked', now);
        markRetry(this.db, row.id, error, now, now, false);
        this.logger.error(log, 'Slack token no longer valid; delivery for this workspace is paused');
        return { outcome: 'retry', error: failure.code };
      case 'permanent':
        markFinal(this.db, row.id, 'failed', failure.code, now);
        this.logger.warn(log, 'delivery failed permanently');
        this.handlers.onFailed?.(row, failure.code);
        return { outcome: 'failed', error: failure.code };
      case 'transient': {
        const delay = backoffMs(row.attempts);
        const deadline = this.handlers.deadline?.(row) ?? null;
        const giveUp = deadline !== null ? now.getTime() + delay > deadline : row.attempts + 1 >= MAX_ATTEMPTS;
        if (giveUp) {
          markFinal(this.db, row.id, 'failed', error, now);
          this.logger.error(log, 'delivery failed after retries');
          this.handlers.onFailed?.(row, failure.code);
          return { outcome: 'failed', error: failure.code };
        }
        markRetry(this.db, row.id, error, new Date(now.getTime() + delay), now);
        this.scheduleWake(delay);
        this.logger.warn({ ...log, retryInMs: delay }, 'delivery failed; will retry');
        return { outcome: 'retry', error: failure.code };
      }
    }
  }

  /** The cron tick also drains, but a short retry should not wait for it. Keeps the earliest wake. */
  private scheduleWake(ms: number): void {
    if (this.stopped || ms > 60_000) return;
    const at = Date.now() + ms;
    if (this.timer && this.timer.at <= at) return;
    if (this.timer) clearTimeout(this.timer.handle);
    const handle = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms + 50);
    handle.unref();
    this.timer = { handle, at };
  }

  /**
   * Start-up reconciliation. Nothing is in flight before start, so rows left in 'sending' were
   * interrupted by a crash: they go back to pending, unverified, and are looked up in Slack (by their
   * message metadata) before being sent — through the rate limiter, with retries, not at boot.
   */
  async recoverStuck(): Promise<{ confirmed: number; requeued: number }> {
    const requeued = requeueInterrupted(this.db, this.clock.now());
    if (requeued > 0) this.logger.info({ requeued }, 'deliveries interrupted by a restart will be checked in Slack before sending');
    return { confirmed: 0, requeued };
  }

  /** Stop taking work and wait for sends already in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled([...this.inFlight]);
    if (this.draining) await this.draining.catch(() => undefined);
  }
}
