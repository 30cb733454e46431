/**
 * Drains the delivery outbox: claims due rows, sends them with bounded concurrency under the rate
 * limiter, and records the outcome. Transient failures retry with backoff, 429s honour Retry-After,
 * permanent ones stop. Rows a crash left in 'sending' are reconciled at start-up.
 */
import type { Db } from '../db/client';
import { claimDue, listSending, markFinal, markRetry, markSent, type OutboxRow } from '../db/queries/outbox';
import { setWorkspaceStatus } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { classifySlackError } from '../slack/errors';
import { RateLimiter } from './rateLimiter';

export type DeliveryResult = { status: 'sent'; ts: string | null } | { status: 'skip'; reason: string };

export interface DeliveryHandlers {
  deliver(row: OutboxRow): Promise<DeliveryResult>;
  /** After a crash: was this row already delivered? Returns its ts if so, null if not, undefined if unknown. */
  findDelivered(row: OutboxRow): Promise<string | null | undefined>;
  /** Called once a row reaches a final failure, so the author can be told in plain words. */
  onFailed?(row: OutboxRow, code: string): void;
}

export type Outcome = 'sent' | 'skipped' | 'failed' | 'retry' | 'not_claimed';

const MAX_ATTEMPTS = 8;

export function backoffMs(attempts: number): number {
  // 5 s, 10 s, 20 s … capped at 30 min, with ±20 % jitter so retries do not line up.
  const base = Math.min(5_000 * 2 ** attempts, 30 * 60_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export interface DispatcherOptions {
  concurrency: number;
  ratePerSecond: number;
}

export class OutboxDispatcher {
  private readonly limiter: RateLimiter;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;

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
    this.draining = this.drainLoop().finally(() => {
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
  async deliverNow(ids: number[]): Promise<Map<number, { outcome: Outcome; error?: string }>> {
    const results = new Map<number, { outcome: Outcome; error?: string }>();
    if (ids.length === 0 || this.stopped) return results;
    const rows = claimDue(this.db, this.clock.now(), ids.length, ids);
    for (const id of ids) results.set(id, { outcome: 'not_claimed' });
    await Promise.all(rows.map(async (row) => results.set(row.id, await this.track(this.send(row)))));
    return results;
  }

  private async drainLoop(): Promise<void> {
    const batchSize = this.opts.concurrency * 4;
    while (!this.stopped) {
      const rows = claimDue(this.db, this.clock.now(), batchSize);
      if (rows.length === 0) return;
      await this.runPool(rows);
    }
  }

  private async runPool(rows: OutboxRow[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        if (this.stopped) {
          // Shutting down: hand unstarted rows back untouched.
          markRetry(this.db, row.id, row.lastError ?? 'shutdown', this.clock.now(), this.clock.now(), false);
          continue;
        }
        await this.track(this.send(row));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, rows.length) }, worker));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  private async send(row: OutboxRow): Promise<{ outcome: Outcome; error?: string }> {
    await this.limiter.take(sleep);
    try {
      const result = await this.handlers.deliver(row);
      const now = this.clock.now();
      if (result.status === 'sent') {
        markSent(this.db, row.id, result.ts, now);
        return { outcome: 'sent' };
      }
      markFinal(this.db, row.id, 'skipped', result.reason, now);
      return { outcome: 'skipped', error: result.reason };
    } catch (e) {
      return this.recordFailure(row, e);
    }
  }

  private recordFailure(row: OutboxRow, e: unknown): { outcome: Outcome; error: string } {
    const failure = classifySlackError(e);
    const now = this.clock.now();
    const log = { outboxId: row.id, kind: row.kind, teamId: row.teamId, error: failure.code, attempts: row.attempts + 1 };
    switch (failure.kind) {
      case 'rate_limited':
        this.limiter.pause(failure.retryAfterMs);
        // Not the row's fault: do not count it as an attempt.
        markRetry(this.db, row.id, failure.code, new Date(now.getTime() + failure.retryAfterMs), now, false);
        this.scheduleWake(failure.retryAfterMs);
        this.logger.warn({ ...log, retryAfterMs: failure.retryAfterMs }, 'rate limited by Slack; pausing delivery');
        return { outcome: 'retry', error: failure.code };
      case 'revoked':
        // Keep the row; the workspace is paused until the app is reinstalled.
        setWorkspaceStatus(this.db, row.teamId, 'tokens_revoked', now);
        markRetry(this.db, row.id, failure.code, now, now, false);
        this.logger.error(log, 'Slack token no longer valid; delivery for this workspace is paused');
        return { outcome: 'retry', error: failure.code };
      case 'permanent':
        markFinal(this.db, row.id, 'failed', failure.code, now);
        this.logger.warn(log, 'delivery failed permanently');
        this.handlers.onFailed?.(row, failure.code);
        return { outcome: 'failed', error: failure.code };
      case 'transient': {
        if (row.attempts + 1 >= MAX_ATTEMPTS) {
          markFinal(this.db, row.id, 'failed', failure.code, now);
          this.logger.error(log, 'delivery failed after retries');
          this.handlers.onFailed?.(row, failure.code);
          return { outcome: 'failed', error: failure.code };
        }
        const delay = backoffMs(row.attempts);
        markRetry(this.db, row.id, failure.code, new Date(now.getTime() + delay), now);
        this.scheduleWake(delay);
        this.logger.warn({ ...log, retryInMs: delay }, 'delivery failed; will retry');
        return { outcome: 'retry', error: failure.code };
      }
    }
  }

  /** The cron tick also drains, but a short retry should not wait for it. */
  private scheduleWake(ms: number): void {
    if (this.stopped || ms > 60_000) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms + 50);
    this.timer.unref();
  }

  /**
   * Start-up reconciliation of rows a crash left in 'sending': if Slack shows our message (found by
   * its metadata), it was sent; otherwise it goes back to pending and is sent again.
   */
  async recoverStuck(): Promise<{ confirmed: number; requeued: number }> {
    let confirmed = 0;
    let requeued = 0;
    for (const row of listSending(this.db)) {
      const now = this.clock.now();
      let ts: string | null | undefined;
      try {
        ts = await this.handlers.findDelivered(row);
      } catch (e) {
        this.logger.warn({ outboxId: row.id, error: classifySlackError(e).code }, 'could not check delivery history');
        ts = undefined;
      }
      if (ts) {
        markSent(this.db, row.id, ts, now);
        confirmed += 1;
      } else {
        markRetry(this.db, row.id, 'recovered after restart', now, now, false);
        requeued += 1;
      }
    }
    if (confirmed + requeued > 0) this.logger.info({ confirmed, requeued }, 'reconciled deliveries interrupted by a restart');
    return { confirmed, requeued };
  }

  /** Stop taking work and wait for sends already in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    if (this.draining) await this.draining.catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
