/**
 * Each workspace's delivery pace, shared by every process that sends to it (delivery/rateLimiter.ts
 * is the model that computes it, delivery/sharedPace.ts a process's side of it). The row is read,
 * the next state is computed in JavaScript, and written back only if nobody wrote in between: every
 * write is a compare-and-set on `version` (one statement, atomic on both backends), so two processes
 * reserving slots at once never both act on the same reading — the loser reads again and retries.
 */
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import type { Db } from '../client';
import { prepared, rowReader } from '../prepared';
import { deliveryPace } from '../schema';

export type PaceRow = typeof deliveryPace.$inferSelect;
/** What the pace model reads and writes: the row without its key and bookkeeping. */
export type PaceState = Omit<PaceRow, 'teamId' | 'version' | 'updatedAt'>;

/** The model's columns, [key, SQL name], from the schema: a column added there is written with no edit here. */
export const PACE_STATE_COLUMNS: [keyof PaceState, string][] = Object.entries(getTableColumns(deliveryPace))
  .filter(([key]) => key !== 'teamId' && key !== 'version' && key !== 'updatedAt')
  .map(([key, c]) => [key as keyof PaceState, c.name]);

const pace = rowReader(deliveryPace);
const names = PACE_STATE_COLUMNS.map(([, name]) => name);
const params = PACE_STATE_COLUMNS.map(([key]) => `@${key}`);

const statements = (s: Database.Database) => ({
  get: s.prepare<[string], Record<string, unknown>>(`select ${pace.columns()} from delivery_pace where team_id = ?`),
  create: s.prepare<Record<string, unknown>>(
    `insert into delivery_pace (team_id, version, updated_at, ${names.join(', ')}) values (@teamId, 1, @now, ${params.join(', ')}) on conflict do nothing`,
  ),
  update: s.prepare<Record<string, unknown>>(
    `update delivery_pace set version = version + 1, updated_at = @now, ${PACE_STATE_COLUMNS.map(([key, name]) => `${name} = @${key}`).join(', ')}
     where team_id = @teamId and version = @version`,
  ),
});

export function getPace(db: Db, teamId: string): PaceRow | undefined {
  const raw = prepared(db, statements).get.get(teamId);
  return raw ? pace.read(raw) : undefined;
}

/** Creates `teamId`'s pace at version 1 unless it has one. True if this call created it. */
export function createPace(db: Db, teamId: string, state: PaceState, now: Date): boolean {
  return prepared(db, statements).create.run({ ...state, teamId, now: now.getTime() }).changes === 1;
}

/**
 * Writes `state` as the version after `version`, only if the row is still at `version`. True if
 * written; false if another process wrote first (read it again and recompute).
 */
export function updatePace(db: Db, teamId: string, version: number, state: PaceState, now: Date): boolean {
  return prepared(db, statements).update.run({ ...state, teamId, version, now: now.getTime() }).changes === 1;
}
