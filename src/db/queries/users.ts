import type Database from 'better-sqlite3';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { users } from '../schema';
import { prepared, rowReader } from '../prepared';

export type UserRow = typeof users.$inferSelect;

const user = rowReader(users);
// Read on every request (the person acting, the people named on cards), so prepared once.
const statements = (s: Database.Database) => ({
  get: s.prepare<[string, string], Record<string, unknown>>(`select ${user.columns()} from users where team_id = ? and user_id = ?`),
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
}

/** Inserts or refreshes what Slack knows about a person; their own preferences are left alone. */
export function upsertProfile(db: Db, teamId: string, userId: string, p: SlackProfile, now: Date): UserRow {
  const t = now.getTime();
  return db
    .insert(users)
    .values({ teamId, userId, ...p, profileFetchedAt: t, createdAt: t, updatedAt: t })
    .onConflictDoUpdate({
      target: [users.teamId, users.userId],
      set: { ...p, profileFetchedAt: t, updatedAt: t },
    })
    .returning()
    .get();
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
    | 'nextDigestAt'
    | 'nextDigestLocalDate'
    | 'lastDigestLocalDate'
    | 'lastDigestAt'
    | 'lastDeflectionAt'
  >
>;

export function updateUser(db: Db, teamId: string, userId: string, patch: UserPatch, now: Date): void {
  db.update(users)
    .set({ ...patch, updatedAt: now.getTime() })
    .where(and(eq(users.teamId, teamId), eq(users.userId, userId)))
    .run();
}

/** Case-insensitive display-name lookup among people Handoff already knows (for unescaped @name). */
/** Every known person's display name in a workspace, by user id (operator commands; not a request path). */
export function listDisplayNames(db: Db, teamId: string): { userId: string; displayName: string }[] {
  return db.select({ userId: users.userId, displayName: users.displayName }).from(users).where(eq(users.teamId, teamId)).orderBy(asc(users.userId)).all();
}

export function findUserIdsByName(db: Db, teamId: string, name: string): string[] {
  return db
    .select({ id: users.userId })
    .from(users)
    .where(and(eq(users.teamId, teamId), eq(users.deleted, false), eq(users.isBot, false), sql`lower(${users.displayName}) = lower(${name})`))
    .limit(2)
    .all()
    .map((r) => r.id);
}
