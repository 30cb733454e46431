/**
 * Outbox retention: finished rows (sent, failed, skipped) older than OUTBOX_RETENTION_DAYS are
 * deleted, so the outbox stops growing by one row per person per day forever. Deleted in small
 * slices, yielding to the event loop between them, a bounded number per tick: a first run over a
 * year of history never holds the loop, it just takes a few ticks.
 *
 * What stays safe: a digest's once-per-date guarantee is the person's schedule (advanced past the
 * date in the sweep's transaction), not the old row, and pending or sending rows are never deleted.
 */
import type { OutboxQueries, StoreOf } from '../db/store';

export interface PruneOptions {
  /** Rows per transaction. */
  sliceSize?: number;
  /** Slices per call; the next tick continues. */
  maxSlices?: number;
  stopping?: () => boolean;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes finished rows older than `retentionMs` before `now`; returns how many. */
export function pruneOutbox(store: StoreOf<OutboxQueries>, now: Date, retentionMs: number, opts: PruneOptions = {}): Promise<number> {
  const before = now.getTime() - retentionMs;
  return deleteInSlices((limit) => store.deleteFinishedBefore(before, limit), opts);
}

/**
 * Runs `deleteSlice(sliceSize)` until it deletes less than a slice, at most `maxSlices` times,
 * yielding to the event loop between slices; returns how many rows went. Any table's retention.
 */
export async function deleteInSlices(deleteSlice: (limit: number) => Promise<number>, opts: PruneOptions = {}): Promise<number> {
  const sliceSize = opts.sliceSize ?? 500;
  const maxSlices = opts.maxSlices ?? 20;
  let deleted = 0;
  for (let i = 0; i < maxSlices && !opts.stopping?.(); i++) {
    const n = await deleteSlice(sliceSize);
    deleted += n;
    if (n < sliceSize) break;
    await yieldToLoop();
  }
  return deleted;
}
