/**
 * A sweep finds everyone whose digest is due (everything overdue, not just this minute — node-cron
 * drops late runs) or comes due within PLAN_AHEAD_MS, applies the catch-up policy, inserts one outbox
 * row per (team, person, local date) — a second insert for the same date is ignored — and advances
 * each person from the scheduled local date. Sending happens later, outside the transaction.
 *
 * Waves are planned ahead: a row for a slot still to come is inserted up to PLAN_AHEAD_MS before it
 * but is not due until the slot itself (`sendableAt`), so sending starts at the slot instead of after
 * a sweep of the whole wave, and nothing reaches Slack before it. Such a row keeps the person's
 * digest history from before it was planned (`before` in its payload): a settings or zone change
 * before the slot undoes it (db/queries/dueDigests.ts `unplanDigest`, called by the one replanning
 * path, services/people.ts) and `nextDigest` decides again — never the old time, never a lost day.
 *
 * It runs in slices of at most SLICE_SIZE people, one transaction each, yielding to the event loop
 * between slices: a 50,000-person wave in one transaction held the loop for seconds and Slack's
 * requests went unacknowledged. Each slice is crash-safe on its own (insert and advance commit
 * together; the inserts are idempotent), so a kill between slices only leaves people still due.
 *
 * Hot path: a morning wave can make thousands of people due in one sweep, so its statements
 * (db/queries/dueDigests.ts) are prepared once per connection, and the catch-up plan — a pure function of schedule, scheduled slot
 * and now — is computed once per distinct schedule (people due together mostly share zone and start).
 */
import type { UserRow } from '../db/queries/users';
import { digestDedupeKey, type Advance, type DigestRow, type DueUser } from '../db/queries/dueDigests';
import type { DueDigestQueries, StoreOf } from '../db/store';
import { isRepeatOfServedDate, planCatchUp, type CatchUpPlan, type DigestSlot } from '../domain/workSchedule';
import { scheduleKeyOf, scheduleOf } from '../domain/personSchedule';
import { maxLocalDate } from '../time';

export interface SweepResult {
  due: number;
  enqueued: number;
  skipped: number;
  /** People whose schedule could not be planned (e.g. no working day); retried in a day. */
  errors: { teamId: string; userId: string; error: string }[];
}

/**
 * A person's place in their wave, 0–999: the outbox sends due rows oldest `next_attempt_at` first, so
 * a digest is made due `turn` ms after its slot when planned ahead, or `turn` ms before the sweep
 * when its slot has passed (due at once either way; see `sendableAt`). Without it a wave went out in
 * the order people were first seen, the same people last every morning; a hash of person and date is
 * fair (a new order every day) and stable (a re-sweep of the same date, or another process, gives the
 * same order).
 */
export function waveTurn(teamId: string, userId: string, localDate: string): number {
  // FNV-1a, 32 bits: cheap, well spread, and the same everywhere.
  let h = 0x811c9dc5;
  const key = `${teamId}:${userId}:${localDate}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 1000;
}

/**
 * When a planned digest may be sent: in its turn just after its slot when planned ahead of it (never
 * before the slot), in its turn among the rows due now otherwise.
 */
export function sendableAt(slotAt: number, now: number, turn: number): number {
  return slotAt > now ? slotAt + turn : now - turn;
}

/**
 * How long before its slot a digest is planned: two ticks (every 30 s), so even a 50,000-person wave
 * swept in slices while requests are served is planned before its minute starts.
 */
export const PLAN_AHEAD_MS = 60_000;

/** People per transaction: ≈2 ms each (p99 ≈9 ms for a 50,000 wave on a 2-core machine), so requests never wait long for the loop. */
export const SLICE_SIZE = 100;

export interface SweepOptions {
  /** Most people one sweep handles (the rest wait for the next tick). */
  limit?: number;
  sliceSize?: number;
  /** Called after each committed slice that enqueued something (e.g. to start sending at once). */
  onSlice?: (slice: SweepResult) => void;
  /** Checked between slices: true ends the sweep early (shutdown). */
  stopping?: () => boolean;
  /** Plan digests whose slot comes within this long (default PLAN_AHEAD_MS; 0: only those due). */
  planAheadMs?: number;
}

/** Lets timers, I/O and requests run between two slices. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function sweepDueDigests(store: StoreOf<DueDigestQueries>, now: Date, maxLateMs: number, opts: SweepOptions = {}): Promise<SweepResult> {
  const limit = opts.limit ?? 50_000;
  const sliceSize = opts.sliceSize ?? SLICE_SIZE;
  const plans = new Map<string, CatchUpPlan>();
  const horizon = now.getTime() + (opts.planAheadMs ?? PLAN_AHEAD_MS);
  const total: SweepResult = { due: 0, enqueued: 0, skipped: 0, errors: [] };
  while (total.due < limit) {
    const slice = await sweepSlice(store, now, horizon, maxLateMs, Math.min(sliceSize, limit - total.due), plans);
    total.due += slice.due;
    total.enqueued += slice.enqueued;
    total.skipped += slice.skipped;
    total.errors.push(...slice.errors);
    if (slice.enqueued > 0) opts.onSlice?.(slice);
    // Everyone handled moved past the horizon (or was parked), so a short slice means nobody is left.
    if (slice.due < sliceSize || opts.stopping?.()) break;
    await yieldToLoop();
    if (opts.stopping?.()) break;
  }
  return total;
}

/** One slice: up to `limit` people due by `horizon`, planned, enqueued and advanced in one transaction. */
function sweepSlice(store: StoreOf<DueDigestQueries>, now: Date, horizon: number, maxLateMs: number, limit: number, plans: Map<string, CatchUpPlan>): Promise<SweepResult> {
  const t = now.getTime();
  // The slice is read inside its transaction: SQLite takes the write lock up front (BEGIN IMMEDIATE,
  // so the busy timeout applies); PostgreSQL locks the due rows (SKIP LOCKED), so two replicas split
  // a wave instead of planning the same people twice.
  return store.transaction(async (tx) => {
    const due = await tx.dueForDigest(horizon, limit);
    const rows: DigestRow[] = [];
    const advances: Advance[] = [];
    let skipped = 0;
    const errors: SweepResult['errors'] = [];
    for (const u of due) {
      let plan: CatchUpPlan;
      try {
        // scheduleOf reads only the schedule columns selected above.
        const schedule = scheduleOf(u as UserRow);
        const key = `${scheduleKeyOf(u as UserRow, schedule)}|${u.nextDigestLocalDate}|${u.nextDigestAt}`;
        // A slot still to come is planned as at its own instant: exactly that digest, on time.
        plan = plans.get(key) ?? planCatchUp(schedule, { localDate: u.nextDigestLocalDate!, at: new Date(u.nextDigestAt!) }, new Date(Math.max(t, u.nextDigestAt!)), maxLateMs);
        plans.set(key, plan);
      } catch (e) {
        // One bad row must not stop everyone's digest: park it for a day and report it.
        errors.push({ teamId: u.teamId, userId: u.userId, error: e instanceof Error ? e.message : String(e) });
        await tx.retryDigestAt(u.teamId, u.userId, t + 24 * 3600_000, t);
        continue;
      }
      skipped += plan.skippedCount;
      advances.push(planPerson(u, plan, t, maxLateMs, rows));
    }
    // The slice's rows and moves in one statement each (on PostgreSQL one round trip, not one per person).
    const inserted = await tx.enqueueDigests(rows, t);
    await tx.advanceDigestSchedules(advances, t);
    const enqueued = rows.filter((r, i) => r.status === 'pending' && inserted[i]).length;
    return { due: due.length, enqueued, skipped, errors };
  });
}

/**
 * One person's digest rows (appended to `rows`: the skipped slots, then the one to send) and how
 * their schedule moves on.
 */
function planPerson(u: DueUser, plan: CatchUpPlan, t: number, maxLateMs: number, rows: DigestRow[]): Advance {
  let last = u.lastDigestLocalDate;
  let lastAt: number | null = null;
  const base = { teamId: u.teamId, userId: u.userId };
  // A date already served, reached again a workday later by travelling west, is the one repeat
  // nextDigest allows; the same slot swept again (a restart) keeps its key and is ignored.
  const keyFor = (slot: DigestSlot) => digestDedupeKey(u.userId, slot, isRepeatOfServedDate(slot, u.lastDigestLocalDate, u.lastDigestAt));
  for (const slot of plan.skipped) {
    rows.push({ ...base, dedupeKey: keyFor(slot), localDate: slot.localDate, payload: '{}', status: 'skipped', lastError: 'missed: more than the catch-up window late', dueAt: t });
    last = last ? maxLocalDate(last, slot.localDate) : slot.localDate;
    lastAt = slot.at.getTime();
  }
  if (plan.send) {
    const slotAt = plan.send.at.getTime();
    // Planned ahead: what to put back if a settings change undoes it before the slot.
    const before = slotAt > t ? { before: { last: u.lastDigestLocalDate, lastAt: u.lastDigestAt } } : {};
    const payload = JSON.stringify({ slotAt, sendBy: slotAt + maxLateMs, ...before });
    const dueAt = sendableAt(slotAt, t, waveTurn(u.teamId, u.userId, plan.send.localDate));
    rows.push({ ...base, dedupeKey: keyFor(plan.send), localDate: plan.send.localDate, payload, status: 'pending', lastError: null, dueAt });
    last = last ? maxLocalDate(last, plan.send.localDate) : plan.send.localDate;
    lastAt = slotAt;
  }
  return { ...base, nextAt: plan.next.at.getTime(), nextDate: plan.next.localDate, last, lastAt };
}
