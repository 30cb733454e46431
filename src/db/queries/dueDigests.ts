/**
 * The digest sweep's statements. A morning wave can make thousands of people due in one sweep, so
 * they are prepared once per connection; the sweep runs them in short write transactions
 * (`writeTransaction`), a slice of people each.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { users } from '../schema';
import { prepared, rowReader } from '../prepared';
import type { UserRow } from './users';

const DUE_KEYS = [
  'teamId',
  'userId',
  'slackTz',
  'tzOverride',
  'workdayStartMinute',
  'workdayEndMinute',
  'workingDays',
  'awayUntil',
  'nextDigestAt',
  'nextDigestLocalDate',
  'lastDigestLocalDate',
  'lastDigestAt',
] as const;

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
    order by u.next_digest_at limit ?`),
  enqueue: s.prepare<DigestRow & { now: number }>(`
    insert into outbox (team_id, kind, dedupe_key, user_id, local_date, payload, status, last_error, next_attempt_at, created_at, updated_at)
    values (@teamId, 'digest', @dedupeKey, @userId, @localDate, @payload, @status, @lastError, @now - @turn, @now, @now)
    on conflict (team_id, dedupe_key) do nothing`),
  advance: s.prepare<Advance & { now: number }>(`
    update users set next_digest_at = @nextAt, next_digest_local_date = @nextDate, last_digest_local_date = @last,
      last_digest_at = coalesce(@lastAt, last_digest_at), updated_at = @now
    where team_id = @teamId and user_id = @userId`),
  retryAt: s.prepare<{ teamId: string; userId: string; nextAt: number; now: number }>(
    `update users set next_digest_at = @nextAt, updated_at = @now where team_id = @teamId and user_id = @userId`,
  ),
});

/** Up to `limit` people whose next digest is due at `now` (epoch ms), most overdue first. */
export function dueForDigest(db: Db, now: number, limit: number): DueUser[] {
  return prepared(db, statements).due.all(now, limit);
}

export interface DigestRow {
  teamId: string;
  userId: string;
  dedupeKey: string;
  localDate: string;
  payload: string;
  status: 'pending' | 'skipped';
  lastError: string | null;
  /** Place in the wave (0–999 ms before the slot), so sending order is fair, not by user id. */
  turn: number;
}

/** Inserts one digest row; false when that person's row for that date (its dedupe key) exists. */
export function enqueueDigest(db: Db, row: DigestRow, now: number): boolean {
  return prepared(db, statements).enqueue.run({ ...row, now }).changes > 0;
}

export interface Advance {
  teamId: string;
  userId: string;
  nextAt: number;
  nextDate: string;
  last: string | null;
  lastAt: number | null;
}

/** Moves the person's schedule on: their next digest, and the last date (and instant) served. */
export function advanceDigestSchedule(db: Db, a: Advance, now: number): void {
  prepared(db, statements).advance.run({ ...a, now });
}

/** Parks a person whose schedule could not be planned until `nextAt`. */
export function retryDigestAt(db: Db, teamId: string, userId: string, nextAt: number, now: number): void {
  prepared(db, statements).retryAt.run({ teamId, userId, nextAt, now });
}
