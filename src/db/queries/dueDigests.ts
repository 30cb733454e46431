/**
 * The digest sweep's statements. A morning wave can make thousands of people due in one sweep, so
 * they are prepared once per connection; the sweep runs them in short write transactions
 * (`writeTransaction`), a slice of people each. Also undoing a digest planned ahead of its slot
 * (`unplanDigest`), when the person's settings change before it goes.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { users } from '../schema';
import { prepared, rowReader } from '../prepared';
import type { UserRow } from './users';

/** A person's schedule columns, as every reader of a schedule selects them (both stores). */
export const SCHEDULE_KEYS = [
  'teamId',
  'userId',
  'slackTz',
  'tzOverride',
  'workdayStartMinute',
  'workdayEndMinute',
  'workingDays',
  'awayUntil',
  'holidayRegion',
  'statusAwayUntil',
] as const;

/** The person columns the sweep reads (both stores select these): the schedule and the digest plan. */
export const DUE_KEYS = [...SCHEDULE_KEYS, 'nextDigestAt', 'nextDigestLocalDate', 'lastDigestLocalDate', 'lastDigestAt'] as const;

/** What the sweep reads of a person: the schedule columns, by their UserRow names. */
export type DueUser = Pick<UserRow, (typeof DUE_KEYS)[number]>;

const user = rowReader(users);

const statements = (s: Database.Database) => ({
  due: s.prepare<[number, number], DueUser>(`
    select ${user.columns('u', { only: DUE_KEYS })}
    from users u left join workspaces w on w.team_id = u.team_id
    -- Uninstalled / revoked workspaces keep their schedule frozen; catch-up applies on return.
    -- Digest off still counts: the start of the day is when news that waited for them goes out.
    where u.next_digest_at <= ? and coalesce(w.status, 'active') = 'active'
    -- The index users_next_digest_idx is in this order: a slice reads its rows off it, ties and all.
    order by u.next_digest_at, u.team_id, u.user_id limit +?`),
  enqueue: s.prepare<DigestRow & { now: number }>(`
    insert into outbox (team_id, kind, dedupe_key, user_id, local_date, payload, status, last_error, next_attempt_at, created_at, updated_at)
    values (@teamId, 'digest', @dedupeKey, @userId, @localDate, @payload, @status, @lastError, @dueAt, @now, @now)
    on conflict (team_id, dedupe_key) do nothing`),
  // By its dedupe key (the unique index): the one or two keys a planned date can have.
  plannedAhead: s.prepare<[string, string, string, number], { id: number; payload: string }>(`
    select id, payload from outbox
    where team_id = ? and dedupe_key in (?, ?) and kind = 'digest' and status = 'pending' and next_attempt_at > ?`),
  unplan: s.prepare<[number]>(`delete from outbox where id = ? and status = 'pending'`),
  restore: s.prepare<Restore & { now: number }>(`
    update users set next_digest_at = @at, next_digest_local_date = @localDate, last_digest_local_date = @last, last_digest_at = @lastAt, updated_at = @now
    where team_id = @teamId and user_id = @userId`),
  advance: s.prepare<Advance & { now: number }>(`
    update users set next_digest_at = @nextAt, next_digest_local_date = @nextDate, last_digest_local_date = @last,
      last_digest_at = coalesce(@lastAt, last_digest_at), updated_at = @now
    where team_id = @teamId and user_id = @userId`),
  retryAt: s.prepare<{ teamId: string; userId: string; nextAt: number; now: number }>(
    `update users set next_digest_at = @nextAt, updated_at = @now where team_id = @teamId and user_id = @userId`,
  ),
});

/** Up to `limit` people whose next digest is due by `horizon` (epoch ms), most overdue first. */
export function dueForDigest(db: Db, horizon: number, limit: number): DueUser[] {
  return prepared(db, statements).due.all(horizon, limit);
}

/**
 * One digest per person per local date. A date reached again by travelling west, a workday or more
 * after its first digest (see `nextDigest`), is a new workday: its key carries the slot instant, so
 * the first's row does not swallow it while a restart re-sweeping the same slot still collides.
 */
export const digestDedupeKey = (userId: string, slot: { localDate: string; at: Date }, repeat = false) =>
  `digest:${userId}:${slot.localDate}${repeat ? `:again@${slot.at.getTime()}` : ''}`;

export interface DigestRow {
  teamId: string;
  userId: string;
  dedupeKey: string;
  localDate: string;
  payload: string;
  status: 'pending' | 'skipped';
  lastError: string | null;
  /** When it may be sent (epoch ms; the outbox sends oldest first): at its slot, in its turn (see digestSweep's waveTurn). */
  dueAt: number;
}

/** A planned-ahead digest row's payload keeps the person's digest history from before it was planned. */
export interface DigestHistoryBefore {
  last: string | null;
  lastAt: number | null;
}

interface Restore extends DigestHistoryBefore {
  teamId: string;
  userId: string;
  at: number;
  localDate: string;
}

/**
 * Undoes a digest planned ahead of its slot that has not been sent (still pending, not yet due at
 * `now`): deletes its row and puts the person back as they were before it was planned — that slot
 * their next digest, their digest history as it was — so that `nextDigest` plans again from their
 * current settings. The sweep marks a planned date as served with its slot instant, so a person whose
 * last digest instant lies after `now` has one planned ahead. Run inside the caller's transaction.
 * Returns whether there was one.
 */
export function unplanDigest(db: Db, p: PlannedPerson, now: number): boolean {
  const planned = plannedAhead(p, now);
  if (!planned) return false;
  const q = prepared(db, statements);
  const row = q.plannedAhead.get(p.teamId, ...planned.keys, now);
  const before = row ? historyBefore(row.payload) : null;
  if (!row || !before) return false;
  q.unplan.run(row.id);
  q.restore.run({ teamId: p.teamId, userId: p.userId, at: planned.at, localDate: planned.localDate, ...before, now });
  return true;
}

type PlannedPerson = Pick<UserRow, 'teamId' | 'userId' | 'lastDigestLocalDate' | 'lastDigestAt'>;

/**
 * The slot a person's digest was planned ahead for, and the dedupe keys its row can have; null when
 * their last served slot is not still to come at `now` (nothing planned ahead to undo). Both stores' `unplanDigest`.
 */
export function plannedAhead(p: PlannedPerson, now: number): { at: number; localDate: string; keys: [string, string] } | null {
  if (p.lastDigestAt === null || p.lastDigestAt <= now || !p.lastDigestLocalDate) return null;
  const slot = { localDate: p.lastDigestLocalDate, at: new Date(p.lastDigestAt) };
  return { at: p.lastDigestAt, localDate: p.lastDigestLocalDate, keys: [digestDedupeKey(p.userId, slot), digestDedupeKey(p.userId, slot, true)] };
}

/** The digest history a planned-ahead row kept (`before` in its payload); null when it has none. */
export function historyBefore(payload: string): DigestHistoryBefore | null {
  try {
    const before = (JSON.parse(payload) as { before?: DigestHistoryBefore } | null)?.before;
    return before && typeof before === 'object' ? { last: before.last ?? null, lastAt: before.lastAt ?? null } : null;
  } catch {
    return null;
  }
}

/**
 * Inserts digest rows, in order; for each, whether it was inserted (false when that person's row for
 * that date — its dedupe key — exists, or an earlier row of the same call had the key). A sweep slice
 * passes all its rows at once: one statement on PostgreSQL instead of a round trip per row.
 */
export function enqueueDigests(db: Db, rows: DigestRow[], now: number): boolean[] {
  const enqueue = prepared(db, statements).enqueue;
  return rows.map((row) => enqueue.run({ ...row, now }).changes > 0);
}

export interface Advance {
  teamId: string;
  userId: string;
  nextAt: number;
  nextDate: string;
  last: string | null;
  lastAt: number | null;
}

/**
 * Moves each person's schedule on: their next digest, and the last date (and instant) served; one
 * entry per person. A sweep slice passes all its people at once (one statement on PostgreSQL).
 */
export function advanceDigestSchedules(db: Db, list: Advance[], now: number): void {
  const advance = prepared(db, statements).advance;
  for (const a of list) advance.run({ ...a, now });
}

/** Parks a person whose schedule could not be planned until `nextAt`. */
export function retryDigestAt(db: Db, teamId: string, userId: string, nextAt: number, now: number): void {
  prepared(db, statements).retryAt.run({ teamId, userId, nextAt, now });
}
