/**
 * What one person's digest reads. Built once per person per morning, on the delivery path, so it is
 * a handful of statements prepared once per connection — no per-handoff or per-person queries (see
 * scripts/bench-scheduler.ts): the person, what waits on them (with recipients), what got resolved
 * for them (with recipients), how much they wait on, and the schedules of the people they wait on.
 * Select lists come from the schema (`rowReader`), never hand-copied.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { handoffRecipients, handoffs, users } from '../schema';
import { prepared, rowReader } from '../prepared';
import type { HandoffWithRecipients } from './handoffs';
import type { UserRow } from './users';
import { SCHEDULE_KEYS } from './dueDigests';

/** Same bounds as the list queries App Home uses. */
const WAITING_LIMIT = 500;
const UNBLOCKED_LIMIT = 200;
const STARTER_SCAN_LIMIT = 100;

export type ScheduleColumns = Pick<UserRow, (typeof SCHEDULE_KEYS)[number]>;
export type DigestPerson = ScheduleColumns & Pick<UserRow, 'digestEnabled'>;

const user = rowReader(users);
const handoff = rowReader(handoffs);
const recipient = rowReader(handoffRecipients);
const R = 'r_';
// One row per (handoff, recipient); `r_` columns are the recipient.
const HANDOFF_WITH_RECIPIENT = `${handoff.columns('h')}, ${recipient.columns('r', { prefix: R })}`;
const SCHEDULE = user.columns('u', { only: SCHEDULE_KEYS });

const statements = (s: Database.Database) => ({
  person: s.prepare<[string, string], Record<string, unknown>>(
    `select ${user.columns('u', { only: [...SCHEDULE_KEYS, 'digestEnabled'] })} from users u where u.team_id = ? and u.user_id = ?`,
  ),
  stale: s.prepare<[string], { days: number }>(`select stale_after_working_days as days from workspaces where team_id = ?`),
  zone: s.prepare<[string, string], Pick<UserRow, 'slackTz' | 'tzOverride'>>(
    `select ${user.columns('u', { only: ['slackTz', 'tzOverride'] })} from users u where u.team_id = ? and u.user_id = ?`,
  ),
  // Open handoffs where the person is an active recipient, oldest first.
  waiting: s.prepare<[string, string], Record<string, unknown>>(`
    with picked as (
      select h.id from handoff_recipients mine join handoffs h on h.id = mine.handoff_id
      where mine.recipient_team_id = ? and mine.user_id = ? and mine.active = 1 and h.state in ('open', 'acknowledged')
      order by h.created_at, h.id limit ${WAITING_LIMIT})
    select ${HANDOFF_WITH_RECIPIENT}
    from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
    order by h.created_at, h.id, r.position, r.added_at`),
  // The person's asks that were resolved or declined and that nobody has told them about yet.
  untold: s.prepare<[string, string], Record<string, unknown>>(`
    with picked as (
      select h.id from handoffs h
      where h.team_id = ? and h.author_id = ? and h.state in ('done', 'declined') and h.author_notified_at is null
      order by h.resolved_at, h.id limit ${UNBLOCKED_LIMIT})
    select ${HANDOFF_WITH_RECIPIENT}
    from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
    order by h.resolved_at, h.id, r.position, r.added_at`),
  openAuthored: s.prepare<[string, string], { n: number }>(`select count(*) as n from handoffs where team_id = ? and author_id = ? and state in ('open', 'acknowledged')`),
  // Whom the person waits on (active recipients of their oldest open asks), with their schedules.
  waitedOn: s.prepare<[string, string, string], ScheduleColumns>(`
    select distinct ${SCHEDULE}
    from (select id from handoffs where team_id = ? and author_id = ? and state in ('open', 'acknowledged')
          order by created_at, id limit ${STARTER_SCAN_LIMIT}) h
    join handoff_recipients r on r.handoff_id = h.id and r.active = 1
    join users u on u.team_id = r.recipient_team_id and u.user_id = r.user_id
    where r.user_id <> ?`),
  // The person's open asks, per active recipient the author's digest has not yet asked about, with
  // that recipient's schedule (their silence is counted in their working days).
  unanswered: s.prepare<[string, string, string], Record<string, unknown>>(`
    select h.id as "handoffId", h.number as "number", h.title as "title", h.ask as "ask", r.user_id as "recipientId", r.added_at as "addedAt", ${SCHEDULE}
    from (select id, number, title, ask, created_at from handoffs where team_id = ? and author_id = ? and state = 'open'
          order by created_at, id limit ${STARTER_SCAN_LIMIT}) h
    join handoff_recipients r on r.handoff_id = h.id and r.active = 1 and r.stale_offered_at is null
    join users u on u.team_id = r.recipient_team_id and u.user_id = r.user_id
    where r.user_id <> ?
    order by h.created_at, h.id, r.position`),
  // The person's unresolved asks with a "needed by" they were not yet warned about, per active
  // recipient, with that recipient's schedule (the time left is counted in their working hours).
  neededBy: s.prepare<[string, string, string], Record<string, unknown>>(`
    select h.id as "handoffId", h.number as "number", h.title as "title", h.needed_by_at as "neededByAt", r.user_id as "recipientId", ${SCHEDULE}
    from (select id, number, title, needed_by_at from handoffs where team_id = ? and author_id = ? and state in ('open', 'acknowledged')
            and needed_by_at is not null and needed_by_warned_at is null
          order by needed_by_at, id limit ${STARTER_SCAN_LIMIT}) h
    join handoff_recipients r on r.handoff_id = h.id and r.active = 1
    join users u on u.team_id = r.recipient_team_id and u.user_id = r.user_id
    where r.user_id <> ?
    order by h.needed_by_at, h.id, r.position`),
  neededByWarned: s.prepare<[number, string, string]>(
    `update handoffs set needed_by_warned_at = ? where team_id = ? and id in (select value from json_each(?)) and needed_by_warned_at is null`,
  ),
});

/** One of the author's asks and one person on it, with that person's schedule. */
export interface AskAndPerson {
  handoffId: number;
  number: number;
  title: string;
  recipientId: string;
  schedule: ScheduleColumns;
}

/** An unresolved ask of the author's with a "needed by", and one person on it. */
export interface DueAsk extends AskAndPerson {
  neededByAt: number;
}

/** An open ask of the author's and one recipient who has not answered it. */
export interface UnansweredAsk extends AskAndPerson {
  ask: string;
  /** When the ask reached them. */
  addedAt: number;
}

/** Rows of (handoff × recipient), in handoff order, back to handoffs with their recipients. */
function group(rows: Record<string, unknown>[]): HandoffWithRecipients[] {
  const out: HandoffWithRecipients[] = [];
  let current: HandoffWithRecipients | undefined;
  for (const row of rows) {
    const h: Record<string, unknown> = {};
    const r: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith(R)) r[key.slice(R.length)] = value;
      else h[key] = value;
    }
    if (!current || current.id !== h.id) {
      current = { ...handoff.read(h), recipients: [] };
      out.push(current);
    }
    current.recipients.push(recipient.read(r));
  }
  return out;
}

export function digestPerson(db: Db, teamId: string, userId: string): DigestPerson | undefined {
  const raw = prepared(db, statements).person.get(teamId, userId);
  return raw ? (user.read(raw) as DigestPerson) : undefined;
}

/** The workspace's stale threshold in working days; undefined when the workspace has no row yet. */
export function staleAfterWorkingDays(db: Db, teamId: string): number | undefined {
  return prepared(db, statements).stale.get(teamId)?.days;
}

export function zoneColumns(db: Db, teamId: string, userId: string): Pick<UserRow, 'slackTz' | 'tzOverride'> | undefined {
  return prepared(db, statements).zone.get(teamId, userId);
}

/** Open handoffs waiting on the person, oldest first, with all their recipients. */
export function waitingOn(db: Db, teamId: string, userId: string): HandoffWithRecipients[] {
  return group(prepared(db, statements).waiting.all(teamId, userId));
}

/** The person's asks resolved or declined that nobody has told them about yet. */
export function untoldOutcomes(db: Db, teamId: string, userId: string): HandoffWithRecipients[] {
  return group(prepared(db, statements).untold.all(teamId, userId));
}

export function openAuthoredCount(db: Db, teamId: string, userId: string): number {
  return prepared(db, statements).openAuthored.get(teamId, userId)?.n ?? 0;
}

/** The schedules of the people the person waits on (not themselves). */
export function waitedOnSchedules(db: Db, teamId: string, userId: string): ScheduleColumns[] {
  return prepared(db, statements).waitedOn.all(teamId, userId, userId);
}

/** The columns every (ask, person) row of these statements has. */
function askAndPerson(r: Record<string, unknown>): AskAndPerson {
  return {
    handoffId: r.handoffId as number,
    number: r.number as number,
    title: r.title as string,
    recipientId: r.recipientId as string,
    schedule: user.read(r) as ScheduleColumns,
  };
}

/** The author's open asks not yet acknowledged, per recipient not yet asked about (oldest first). */
export function unansweredAsks(db: Db, teamId: string, authorId: string): UnansweredAsk[] {
  return prepared(db, statements)
    .unanswered.all(teamId, authorId, authorId)
    .map((r) => ({ ...askAndPerson(r), ask: r.ask as string, addedAt: r.addedAt as number }));
}

/** The author's unresolved asks with a "needed by" not yet warned about, per person on them (soonest first). */
export function neededByAsks(db: Db, teamId: string, authorId: string): DueAsk[] {
  return prepared(db, statements)
    .neededBy.all(teamId, authorId, authorId)
    .map((r) => ({ ...askAndPerson(r), neededByAt: r.neededByAt as number }));
}

/** The author's digest said these asks are needed soon: never again. */
export function markNeededByWarned(db: Db, teamId: string, handoffIds: number[], now: Date): void {
  if (handoffIds.length > 0) prepared(db, statements).neededByWarned.run(now.getTime(), teamId, JSON.stringify(handoffIds));
}
