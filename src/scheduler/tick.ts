/**
 * The heartbeat: every 30 s (UTC, no overlap) sweep due digests into the outbox and drain it.
 * One extra sweep runs at start-up so a restart catches up at once — in the background, in slices,
 * so the first requests are answered while it runs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Store } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { sweepDueDigests, type SweepResult } from './digestSweep';
import type { OutboxDispatcher } from '../delivery/outbox';

/** Housekeeping run on every tick; may be async (it deletes in slices) and should end early when `stopping()`. */
export type Housekeeping = (stopping: () => boolean) => void | Promise<void>;

export class SchedulerTick {
  private task: ScheduledTask | null = null;
  /** The run in progress, if any: runs never overlap, and stop waits for it. */
  private running: Promise<SweepResult> | null = null;
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: OutboxDispatcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly maxLateMs: number,
    /** Housekeeping that may run on any tick (e.g. forgetting stale deflection text). */
    private readonly housekeeping: Housekeeping = () => undefined,
    /** Told each run's duration and sweep result (for /metrics). */
    private readonly observe: (seconds: number, result: SweepResult) => void = () => undefined,
  ) {}

  /**
   * Sweep and kick delivery; resolves with what the sweep did (tests await it). A call while a run
   * is in progress waits for it and then runs again, so nothing due at the call is missed.
   */
  async runOnce(): Promise<SweepResult> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.run();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  private async run(): Promise<SweepResult> {
    const started = Date.now();
    const result = await sweepDueDigests(this.store, this.clock.now(), this.maxLateMs, {
      // Sending starts with the first slice, not after the whole wave is planned.
      onSlice: () => this.dispatcher.kick(),
      stopping: () => this.stopping,
    });
    await this.housekeeping(() => this.stopping);
    this.observe((Date.now() - started) / 1000, result);
    const { errors, ...counts } = result;
    if (result.due > 0) this.logger.info({ ...counts, errors: errors.length, ms: Date.now() - started }, 'digest sweep');
    for (const e of errors.slice(0, 20)) this.logger.error(e, 'could not plan this person’s digest; retrying in a day');
    this.dispatcher.kick();
    return result;
  }

  start(): void {
    this.stopping = false;
    void this.safeRun();
    this.task = cron.schedule('*/30 * * * * *', () => this.safeRun(), { timezone: 'Etc/UTC', noOverlap: true, name: 'handoff-tick' });
  }

  private async safeRun(): Promise<void> {
    // A tick that finds the previous run (e.g. a long start-up catch-up) still going leaves it be.
    if (this.running) return;
    try {
      await this.runOnce();
    } catch (e) {
      this.logger.error({ err: e }, 'scheduler tick failed');
    }
  }

  /** Stops the cron and ends a sweep in progress after its current slice. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.task) await this.task.stop();
    this.task = null;
    if (this.running) await this.running.catch(() => undefined);
  }
}
