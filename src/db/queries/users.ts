import type Database from 'better-sqlite3';
import { and, asc, eq, isNotNull, isNull, lte, lt, or } from 'drizzle-orm';
import type { Db } from '../client';
import { users } from '../schema';
import { prepared, rowReader, updateWhere } from '../prepared';

export type UserRow = typeof users.$inferSelect;

const user = rowReader(users);
// Read on every request (the person acting, the people named on cards), written on every profile
// refresh and settings change: prepared once.
const statements = (s: Database.Database) => ({
  get: s.prepare<[string, string], Record<string, unknown>>(`select ${user.columns()} from users where team_id = ? and user_id = ?`),
  upsertProfile: s.prepare<Record<string, unknown>, Record<string, unknown>>(`
    insert into users (team_id, user_id, display_name, is_bot, deleted, slack_tz, is_admin, profile_fetched_at, created_at, updated_at)
    values (@teamId, @userId, @displayName, @isBot, @deleted, @slackTz, @isAdmin, @t, @t, @t)
    on conflict (team_id, user_id) do update set display_name = @displayName, is_bot = @isBot, deleted = @deleted, slack_tz = @slackTz,
      is_admin = @isAdmin, profile_fetched_at = @t, updated_at = @t
    returning ${user.columns()}`),
  reportRecipients: s.prepare<[string], { id: string }>(`select user_id as id from users where team_id = ? and weekly_report = 1 order by user_id`),
  setReportRecipients: s.prepare<Record<string, unknown>>(
    `update users set weekly_report = (user_id in (select value from json_each(@ids))), updated_at = @t
     where team_id = @teamId and (weekly_report = 1 or user_id in (select value from json_each(@ids)))`,
  ),
  reportPeople: s.prepare<[number], Record<string, unknown>>(`
    select ${user.columns('u')} from users u join workspaces w on w.team_id = u.team_id
    where u.weekly_report = 1 and u.deleted = 0 and u.is_bot = 0 and w.status = 'active'
    order by u.team_id, u.user_id limit +?`),
  byName: s.prepare<[string, string], { id: string }>(
    `select user_id as id from users where team_id = ? and deleted = 0 and is_bot = 0 and lower(display_name) = lower(?) limit 2`,
  ),
});

export function getUser(db: Db, teamId: string, userId: string): UserRow | undefined {
  const raw = prepared(db, statements).get.get(teamId, userId);
  return raw ? user.read(raw) : undefined;
}

/**
 * `getUser` for a read that decides a write in the same transaction. PostgreSQL locks the row until
 * the transaction ends (FOR UPDATE: READ COMMITTED does not lock a plain read); here it is a plain
 * read, as a store transaction is BEGIN IMMEDIATE, which already serialises every writer.
 */
export function getUserForUpdate(db: Db, teamId: string, userId: string): UserRow | undefined {
  return getUser(db, teamId, userId);
}

export interface SlackProfile {
  displayName: string;
  isBot: boolean;
  deleted: boolean;
  slackTz: string | null;
  /** A workspace admin or owner of this workspace (not of another organisation); false when not known. */
  isAdmin?: boolean;
}

/** Inserts or refreshes what Slack knows about a person; their own preferences are left alone. */
export function upsertProfile(db: Db, teamId: string, userId: string, p: SlackProfile, now: Date): UserRow {
  const t = now.getTime();
  const row = prepared(db, statements).upsertProfile.get({
    teamId,
    userId,
    displayName: p.displayName,
    isBot: p.isBot ? 1 : 0,
    deleted: p.deleted ? 1 : 0,
    slackTz: p.slackTz,
    isAdmin: p.isAdmin ? 1 : 0,
    t,
  });
  return user.read(row!);
}

export type UserPatch = Partial<
  Pick<
    UserRow,
    | 'tzOverride'
    | 'workdayStartMinute'
    | 'workdayEndMinute'
    | 'workingDays'
    | 'digestEnabled'
    | 'deflectionEnabled'
    | 'awayUntil'
    | 'holidayRegion'
    | 'statusAwayUntil'
    | 'statusAwayKind'
    | 'statusAwayKey'
    | 'statusAwayDismissed'
    | 'nextDigestAt'
    | 'nextDigestLocalDate'
    | 'lastDigestLocalDate'
    | 'lastDigestAt'
    | 'lastDeflectionAt'
    | 'reportWeek'
    | 'reportLink'
  >
>;

export function updateUser(db: Db, teamId: string, userId: string, patch: UserPatch, now: Date): void {
  updateWhere(db, users, { ...patch, updatedAt: now.getTime() }, { teamId, userId });
}

/** Case-insensitive display-name lookup among people Handoff already knows (for unescaped @name). */
/** Every known person's display name in a workspace, by user id (operator commands; not a request path). */
export function listDisplayNames(db: Db, teamId: string): { userId: string; displayName: string }[] {
  return db.select({ userId: users.userId, displayName: users.displayName }).from(users).where(eq(users.teamId, teamId)).orderBy(asc(users.userId)).all();
}

export function findUserIdsByName(db: Db, teamId: string, name: string): string[] {
  return prepared(db, statements)
    .byName.all(teamId, name)
    .map((r) => r.id);
}

/**
 * People whose stored Slack status says away (or was dismissed) and whose next digest is planned at
 * or before `dueBy`, with a profile read before `fetchedBefore`: the few whose status is worth asking
 * Slack again before their digest is planned (services/people.ts recheckAwayStatuses). Every workspace.
 */
export function awayStatusesToRecheck(db: Db, dueBy: number, fetchedBefore: number, limit: number): { teamId: string; userId: string }[] {
  return db
    .select({ teamId: users.teamId, userId: users.userId })
    .from(users)
    .where(
      and(
        isNotNull(users.statusAwayKey),
        isNotNull(users.nextDigestAt),
        lte(users.nextDigestAt, dueBy),
        or(isNull(users.profileFetchedAt), lt(users.profileFetchedAt, fetchedBefore)),
      ),
    )
    .orderBy(asc(users.nextDigestAt), asc(users.teamId), asc(users.userId))
    .limit(limit)
    .all();
}

/** The people an admin chose for the weekly async-health report, by user id. */
export function weeklyReportRecipients(db: Db, teamId: string): string[] {
  return prepared(db, statements)
    .reportRecipients.all(teamId)
    .map((r) => r.id);
}

/** Exactly these people of the workspace get the weekly report from now on (rows must exist). */
export function setWeeklyReportRecipients(db: Db, teamId: string, userIds: readonly string[], now: Date): void {
  prepared(db, statements).setReportRecipients.run({ ids: JSON.stringify(userIds), t: now.getTime(), teamId });
}

/**
 * Everyone chosen for the weekly report in every active workspace (admins choose a handful each), for
 * the planner of each tick; at most `limit`, in (team, user) order.
 */
export function weeklyReportPeople(db: Db, limit: number): UserRow[] {
  return prepared(db, statements)
    .reportPeople.all(limit)
    .map((r) => user.read(r));
}
