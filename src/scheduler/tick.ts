/**
 * The heartbeat: every 30 s (UTC, no overlap) sweep due digests into the outbox and drain it.
 * One extra sweep runs at start-up so a restart catches up at once.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Db } from '../db/client';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { sweepDueDigests, type SweepResult } from './digestSweep';
import type { OutboxDispatcher } from './outbox';

export class SchedulerTick {
  private task: ScheduledTask | null = null;

  constructor(
    private readonly db: Db,
    private readonly dispatcher: OutboxDispatcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly maxLateMs: number,
    /** Housekeeping that may run on any tick (e.g. forgetting stale deflection text). */
    private readonly housekeeping: () => void = () => undefined,
  ) {}

  /** Sweep and kick delivery; returns what the sweep did (tests call this directly). */
  runOnce(): SweepResult {
    const started = Date.now();
    const result = sweepDueDigests(this.db, this.clock.now(), this.maxLateMs);
    this.housekeeping();
    const { errors, ...counts } = result;
    if (result.due > 0) this.logger.info({ ...counts, errors: errors.length, ms: Date.now() - started }, 'digest sweep');
    for (const e of errors.slice(0, 20)) this.logger.error(e, 'could not plan this person’s digest; retrying in a day');
    this.dispatcher.kick();
    return result;
  }

  start(): void {
    this.safeRun();
    this.task = cron.schedule('*/30 * * * * *', () => this.safeRun(), { timezone: 'Etc/UTC', noOverlap: true, name: 'handoff-tick' });
  }

  private safeRun(): void {
    try {
      this.runOnce();
    } catch (e) {
      this.logger.error({ err: e }, 'scheduler tick failed');
    }
  }

  async stop(): Promise<void> {
    if (this.task) await this.task.stop();
    this.task = null;
  }
}
