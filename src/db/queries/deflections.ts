import { and, eq, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { deflectionMutes, deflections, processedEvents, users, workspaces } from '../schema';

export type DeflectionRow = typeof deflections.$inferSelect;
export type DeflectionOutcome = DeflectionRow['outcome'];

/** True the first time an event id is seen; Slack retries and double deliveries return false. */
export function firstSightOfEvent(db: Db, teamId: string, eventId: string, now: Date): boolean {
  const r = db.insert(processedEvents).values({ teamId, eventId, at: now.getTime() }).onConflictDoNothing().run();
  return r.changes > 0;
}

export function isMuted(db: Db, teamId: string, userId: string, channelId: string): boolean {
  return !!db
    .select({ c: deflectionMutes.channelId })
    .from(deflectionMutes)
    .where(and(eq(deflectionMutes.teamId, teamId), eq(deflectionMutes.userId, userId), eq(deflectionMutes.channelId, channelId)))
    .get();
}

export function mute(db: Db, teamId: string, userId: string, channelId: string, now: Date): void {
  db.insert(deflectionMutes).values({ teamId, userId, channelId, createdAt: now.getTime() }).onConflictDoNothing().run();
}

export function workspaceDeflectionEnabled(db: Db, teamId: string): boolean {
  return db.select({ on: workspaces.deflectionEnabled }).from(workspaces).where(eq(workspaces.teamId, teamId)).get()?.on ?? true;
}

export function setWorkspaceDeflection(db: Db, teamId: string, on: boolean): void {
  db.update(workspaces).set({ deflectionEnabled: on }).where(eq(workspaces.teamId, teamId)).run();
}

/**
 * Reserves the single prompt for (person, thread) and starts the person's cooldown, atomically.
 * Returns null when a prompt for this thread already exists or the cooldown is running.
 */
export function reservePrompt(
  db: Db,
  row: { teamId: string; userId: string; channelId: string; threadTs: string; messageTs: string; reason: string; pendingText: string; pendingMentions: string[] },
  now: Date,
  cooldownMs: number,
): number | null {
  const t = now.getTime();
  try {
    return reserveInTransaction(db, row, t, cooldownMs);
  } catch (e) {
    if (e instanceof AlreadyPrompted) return null;
    throw e;
  }
}

/** Thrown inside the transaction to roll back the cooldown when the thread already had a prompt. */
class AlreadyPrompted extends Error {}

function reserveInTransaction(db: Db, row: Parameters<typeof reservePrompt>[1], t: number, cooldownMs: number): number | null {
  return db.transaction((tx) => {
    const cooled = tx
      .update(users)
      .set({ lastDeflectionAt: t })
      .where(
        and(
          eq(users.teamId, row.teamId),
          eq(users.userId, row.userId),
          sql`(${users.lastDeflectionAt} is null or ${users.lastDeflectionAt} <= ${t - cooldownMs})`,
        ),
      )
      .run();
    if (cooled.changes === 0) return null;
    const inserted = tx
      .insert(deflections)
      .values({ ...row, pendingMentions: JSON.stringify(row.pendingMentions), createdAt: t, updatedAt: t })
      .onConflictDoNothing()
      .returning({ id: deflections.id })
      .get();
    if (!inserted) throw new AlreadyPrompted();
    return inserted.id;
  });
}

export function getDeflection(db: Db, teamId: string, id: number): DeflectionRow | undefined {
  return db.select().from(deflections).where(and(eq(deflections.teamId, teamId), eq(deflections.id, id))).get();
}

/** Records the outcome and forgets the message text: it is not needed any more. */
export function setOutcome(db: Db, id: number, outcome: DeflectionOutcome, now: Date, handoffId?: number): void {
  db.update(deflections)
    .set({ outcome, updatedAt: now.getTime(), pendingText: null, pendingMentions: null, ...(handoffId ? { handoffId } : {}) })
    .where(eq(deflections.id, id))
    .run();
}

/** Drops message text of prompts nobody answered within a day, and old processed-event ids. */
export function purgeStale(db: Db, now: Date): void {
  const dayAgo = now.getTime() - 24 * 3600_000;
  db.update(deflections).set({ pendingText: null, pendingMentions: null }).where(and(isNotNull(deflections.pendingText), lt(deflections.createdAt, dayAgo))).run();
  db.delete(processedEvents).where(lt(processedEvents.at, now.getTime() - 7 * 24 * 3600_000)).run();
}

export function outcomeCounts(db: Db, teamId: string): Record<string, number> {
  const rows = db
    .select({ outcome: deflections.outcome, n: sql<number>`count(*)` })
    .from(deflections)
    .where(eq(deflections.teamId, teamId))
    .groupBy(deflections.outcome)
    .all();
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}
