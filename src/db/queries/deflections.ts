import type Database from 'better-sqlite3';
import { and, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { prepared, rowReader, sqliteOf, updateWhere, writeTransaction } from '../prepared';
import { deflections, workspaces } from '../schema';

export type DeflectionRow = typeof deflections.$inferSelect;
export type DeflectionOutcome = DeflectionRow['outcome'];

const deflection = rowReader(deflections);

/**
 * What every channel message that proposes a call runs (dedupe, switches, mutes, the reservation),
 * prepared once per connection.
 */
const statements = (s: Database.Database) => ({
  firstSight: s.prepare<[string, string, number]>(`insert into processed_events (team_id, event_id, at) values (?, ?, ?) on conflict do nothing`),
  muted: s.prepare<[string, string, string], { c: string }>(`select channel_id as c from deflection_mutes where team_id = ? and user_id = ? and channel_id = ?`),
  workspaceOn: s.prepare<[string], { on: number }>(`select deflection_enabled as "on" from workspaces where team_id = ?`),
  startCooldown: s.prepare<{ teamId: string; userId: string; t: number; since: number }>(
    `update users set last_deflection_at = @t where team_id = @teamId and user_id = @userId and (last_deflection_at is null or last_deflection_at <= @since)`,
  ),
  reserve: s.prepare<Record<string, unknown>, { id: number }>(`
    insert into deflections (team_id, user_id, channel_id, thread_ts, message_ts, reason, pending_text, pending_mentions, created_at, updated_at)
    values (@teamId, @userId, @channelId, @threadTs, @messageTs, @reason, null, null, @t, @t)
    on conflict do nothing returning id`),
  setPending: s.prepare<[string, string, number]>(`update deflections set pending_text = ?, pending_mentions = ? where id = ?`),
  // And what the prompt's buttons run.
  mute: s.prepare<[string, string, string, number]>(`insert into deflection_mutes (team_id, user_id, channel_id, created_at) values (?, ?, ?, ?) on conflict do nothing`),
  unmute: s.prepare<[string, string, string]>(`delete from deflection_mutes where team_id = ? and user_id = ? and channel_id = ?`),
  get: s.prepare<[string, number], Record<string, unknown>>(`select ${deflection.columns()} from deflections where team_id = ? and id = ?`),
  getById: s.prepare<[number], Record<string, unknown>>(`select ${deflection.columns()} from deflections where id = ?`),
  // Allowed previous outcomes as a JSON array; the handoff id is kept when none is given.
  setOutcome: s.prepare<Record<string, unknown>>(`
    update deflections set outcome = @outcome, updated_at = @t, pending_text = null, pending_mentions = null, handoff_id = coalesce(@handoffId, handoff_id)
    where id = @id and outcome in (select value from json_each(@allowed))`),
});

/** True the first time an event id is seen; Slack retries and double deliveries return false. */
export function firstSightOfEvent(db: Db, teamId: string, eventId: string, now: Date): boolean {
  return prepared(db, statements).firstSight.run(teamId, eventId, now.getTime()).changes > 0;
}

export function isMuted(db: Db, teamId: string, userId: string, channelId: string): boolean {
  return !!prepared(db, statements).muted.get(teamId, userId, channelId);
}

export function mute(db: Db, teamId: string, userId: string, channelId: string, now: Date): void {
  prepared(db, statements).mute.run(teamId, userId, channelId, now.getTime());
}

export function workspaceDeflectionEnabled(db: Db, teamId: string): boolean {
  const row = prepared(db, statements).workspaceOn.get(teamId);
  return row ? row.on === 1 : true;
}

export function setWorkspaceDeflection(db: Db, teamId: string, on: boolean): void {
  updateWhere(db, workspaces, { deflectionEnabled: on }, { teamId });
}

export function unmute(db: Db, teamId: string, userId: string, channelId: string): void {
  prepared(db, statements).unmute.run(teamId, userId, channelId);
}

export interface PromptReservation {
  teamId: string;
  userId: string;
  channelId: string;
  threadTs: string;
  messageTs: string;
  reason: string;
}

/**
 * Reserves the single prompt for (person, thread) and starts the person's cooldown, atomically.
 * Returns null when a prompt for this thread already exists or the cooldown is running. Nothing
 * about the message is stored here: `setPending` adds the text once the prompt is about to be shown.
 */
export function reservePrompt(db: Db, row: PromptReservation, now: Date, cooldownMs: number): number | null {
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

function reserveInTransaction(db: Db, row: PromptReservation, t: number, cooldownMs: number): number | null {
  const q = prepared(db, statements);
  return writeTransaction(db, () => {
    const cooled = q.startCooldown.run({ teamId: row.teamId, userId: row.userId, t, since: t - cooldownMs });
    if (cooled.changes === 0) return null;
    const inserted = q.reserve.get({ ...row, t });
    if (!inserted) throw new AlreadyPrompted();
    return inserted.id;
  });
}

/** What "Write a handoff instead" pre-fills; kept only while the prompt is unanswered. */
export function setPending(db: Db, id: number, text: string, recipientIds: string[]): void {
  prepared(db, statements).setPending.run(text, JSON.stringify(recipientIds), id);
}

/** Forgets the message text (and recipients) without recording an outcome. */
export function forgetPending(db: Db, id: number): void {
  updateWhere(db, deflections, { pendingText: null, pendingMentions: null }, { id });
}

export function getDeflection(db: Db, teamId: string, id: number): DeflectionRow | undefined {
  if (!Number.isSafeInteger(id)) return undefined;
  const raw = prepared(db, statements).get.get(teamId, id);
  return raw ? deflection.read(raw) : undefined;
}

/** By id alone: for checks that then compare the row's team and person themselves. */
export function getDeflectionById(db: Db, id: number): DeflectionRow | undefined {
  if (!Number.isSafeInteger(id)) return undefined;
  const raw = prepared(db, statements).getById.get(id);
  return raw ? deflection.read(raw) : undefined;
}

/**
 * Which outcome may replace which. A prompt's buttons stay clickable after "Keep the meeting" (the
 * agenda modal can be closed), so later choices may refine earlier ones, but never backwards:
 * a handoff that exists stays 'converted', and a prompt Slack refused ('failed') was never seen.
 */
export const ALLOWED_FROM: Record<Exclude<DeflectionOutcome, 'shown'>, DeflectionOutcome[]> = {
  converted: ['shown', 'dismissed', 'kept', 'muted'],
  kept: ['shown', 'dismissed'],
  muted: ['shown', 'dismissed', 'kept'],
  dismissed: ['shown'],
  failed: ['shown'],
};

/**
 * Records the outcome if the transition is allowed, and in every case forgets the message text:
 * once the person has answered it is not needed any more. Returns whether the outcome changed.
 */
export function setOutcome(db: Db, id: number, outcome: Exclude<DeflectionOutcome, 'shown'>, now: Date, handoffId?: number): boolean {
  const q = prepared(db, statements);
  return sqliteOf(db).transaction(() => {
    const changed = q.setOutcome.run({ id, outcome, t: now.getTime(), handoffId: handoffId || null, allowed: JSON.stringify(ALLOWED_FROM[outcome]) });
    if (changed.changes === 0) forgetPending(db, id);
    return changed.changes > 0;
  })();
}

/** Old processed-event ids deleted per tick: a bounded statement (by the `at` index), never a long one. */
const PURGE_EVENTS_PER_TICK = 2000;

/** Drops message text of prompts nobody answered within a day, and old processed-event ids. */
export function purgeStale(db: Db, now: Date): void {
  const dayAgo = now.getTime() - 24 * 3600_000;
  db.update(deflections)
    .set({ pendingText: null, pendingMentions: null })
    .where(and(isNotNull(deflections.pendingText), lt(deflections.createdAt, dayAgo)))
    .run();
  const weekAgo = now.getTime() - 7 * 24 * 3600_000;
  db.run(sql`delete from processed_events where rowid in (select rowid from processed_events where at < ${weekAgo} limit ${PURGE_EVENTS_PER_TICK})`);
}
