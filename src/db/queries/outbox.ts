/**
 * The delivery outbox. Life of a row: pending → sending → sent | failed | skipped, with `attempts`
 * (Slack calls that failed or succeeded; 429s and restarts do not count) and `next_attempt_at`.
 * A row whose earlier attempt may have reached Slack carries an `unverified…` last_error: the
 * dispatcher looks for it in Slack before sending again.
 */
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { outbox } from '../schema';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxKind = OutboxRow['kind'];

export interface NewOutboxRow {
  teamId: string;
  kind: OutboxKind;
  dedupeKey: string;
  userId?: string | null;
  channelId?: string | null;
  handoffId?: number | null;
  localDate?: string | null;
  payload?: Record<string, unknown>;
  status?: 'pending' | 'skipped';
  nextAttemptAt?: Date;
  lastError?: string | null;
}

/** last_error prefix of rows that may already be in Slack: check before sending again. */
export const UNVERIFIED = 'unverified';

export const isUnverified = (row: Pick<OutboxRow, 'lastError'>): boolean => row.lastError?.startsWith(UNVERIFIED) ?? false;

/** Inserts unless a row with the same (team, dedupe key) exists; returns the new id or null. */
export function enqueue(db: Db, row: NewOutboxRow, now: Date): number | null {
  const t = now.getTime();
  const inserted = db
    .insert(outbox)
    .values({
      teamId: row.teamId,
      kind: row.kind,
      dedupeKey: row.dedupeKey,
      userId: row.userId ?? null,
      channelId: row.channelId ?? null,
      handoffId: row.handoffId ?? null,
      localDate: row.localDate ?? null,
      payload: JSON.stringify(row.payload ?? {}),
      status: row.status ?? 'pending',
      lastError: row.lastError ?? null,
      nextAttemptAt: (row.nextAttemptAt ?? now).getTime(),
      createdAt: t,
      updatedAt: t,
    })
    .onConflictDoNothing()
    .returning({ id: outbox.id })
    .get();
  return inserted?.id ?? null;
}

const RETURNING = sql.raw(`returning id, team_id as teamId, kind, dedupe_key as dedupeKey, user_id as userId, channel_id as channelId,
      handoff_id as handoffId, local_date as localDate, payload, status, attempts, next_attempt_at as nextAttemptAt,
      last_error as lastError, message_ts as messageTs, created_at as createdAt, updated_at as updatedAt, sent_at as sentAt`);

/**
 * Moves up to `limit` due rows to 'sending' in one statement and returns them. Rows of workspaces
 * that uninstalled the app or revoked its token stay pending: their data is kept, nothing is sent.
 */
export function claimDue(db: Db, now: Date, limit: number, onlyIds?: number[]): OutboxRow[] {
  const t = now.getTime();
  const idFilter = onlyIds && onlyIds.length > 0 ? sql`and o.id in (${sql.join(onlyIds.map((i) => sql`${i}`), sql`, `)})` : sql``;
  return db.all<OutboxRow>(sql`
    update outbox set status = 'sending', updated_at = ${t}
    where id in (
      select o.id from outbox o left join workspaces w on w.team_id = o.team_id
      where o.status = 'pending' and o.next_attempt_at <= ${t} and coalesce(w.status, 'active') = 'active' ${idFilter}
      order by o.next_attempt_at, o.id limit ${limit}
    )
    ${RETURNING}`);
}

export function markSent(db: Db, id: number, messageTs: string | null, now: Date): void {
  const t = now.getTime();
  db.update(outbox)
    .set({ status: 'sent', messageTs, sentAt: t, updatedAt: t, attempts: sql`${outbox.attempts} + 1`, lastError: null })
    .where(eq(outbox.id, id))
    .run();
}

/** Found in Slack after an interrupted attempt: sent, and that attempt was already counted. */
export function markFoundSent(db: Db, id: number, messageTs: string, now: Date): void {
  const t = now.getTime();
  db.update(outbox).set({ status: 'sent', messageTs, sentAt: t, updatedAt: t, lastError: null }).where(eq(outbox.id, id)).run();
}

export function markRetry(db: Db, id: number, error: string, nextAttemptAt: Date, now: Date, countAttempt = true): void {
  db.update(outbox)
    .set({
      status: 'pending',
      lastError: error,
      nextAttemptAt: nextAttemptAt.getTime(),
      updatedAt: now.getTime(),
      ...(countAttempt ? { attempts: sql`${outbox.attempts} + 1` } : {}),
    })
    .where(eq(outbox.id, id))
    .run();
}

export function markFinal(db: Db, id: number, status: 'failed' | 'skipped', error: string | null, now: Date, countAttempt = true): void {
  db.update(outbox)
    .set({ status, lastError: error, updatedAt: now.getTime(), ...(countAttempt ? { attempts: sql`${outbox.attempts} + 1` } : {}) })
    .where(eq(outbox.id, id))
    .run();
}

/** Replaces a row's payload (e.g. what a digest is about to tell, written before it is posted). */
export function setPayload(db: Db, id: number, payload: Record<string, unknown>, now: Date): void {
  db.update(outbox).set({ payload: JSON.stringify(payload), updatedAt: now.getTime() }).where(eq(outbox.id, id)).run();
}

export function listSending(db: Db): OutboxRow[] {
  return db.select().from(outbox).where(eq(outbox.status, 'sending')).all();
}

/**
 * After a crash nothing is in flight, so every 'sending' row goes back to pending, marked unverified:
 * its attempt may or may not have reached Slack. Returns how many.
 */
export function requeueInterrupted(db: Db, now: Date): number {
  const t = now.getTime();
  return db
    .update(outbox)
    .set({ status: 'pending', lastError: `${UNVERIFIED}: interrupted by a restart`, nextAttemptAt: t, updatedAt: t })
    .where(eq(outbox.status, 'sending'))
    .run().changes;
}

export function nextDueAt(db: Db): number | null {
  const row = db
    .select({ t: sql<number | null>`min(${outbox.nextAttemptAt})` })
    .from(outbox)
    .where(eq(outbox.status, 'pending'))
    .get();
  return row?.t ?? null;
}

export function getOutboxRow(db: Db, id: number): OutboxRow | undefined {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}

export function countByStatus(db: Db, teamId?: string): Record<string, number> {
  const rows = db
    .select({ status: outbox.status, n: sql<number>`count(*)` })
    .from(outbox)
    .where(teamId ? eq(outbox.teamId, teamId) : undefined)
    .groupBy(outbox.status)
    .all();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export function pendingDueCount(db: Db, now: Date): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now.getTime())))
      .get()?.n ?? 0
  );
}

export function outboxRowsFor(db: Db, teamId: string, kinds: OutboxKind[]): OutboxRow[] {
  return db.select().from(outbox).where(and(eq(outbox.teamId, teamId), inArray(outbox.kind, kinds))).all();
}

/** Hands a claimed row back untouched (the dispatcher stopped before sending it). */
export function releaseClaim(db: Db, id: number): void {
  db.update(outbox).set({ status: 'pending' }).where(and(eq(outbox.id, id), eq(outbox.status, 'sending'))).run();
}

/** A person's digest rows for one local date (the first, and a travel repeat if any). */
export function digestRowsFor(db: Db, teamId: string, userId: string, localDate: string): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.teamId, teamId), eq(outbox.kind, 'digest'), eq(outbox.userId, userId), eq(outbox.localDate, localDate)))
    .orderBy(outbox.id)
    .all();
}
