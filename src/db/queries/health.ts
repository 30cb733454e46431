/**
 * What the async-health report reads (issue 16, part 3): one workspace's facts of one period, by the
 * indexes made for it (handoff_events (team_id, at), deflections (team_id, created_at)). Read only.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { prepared, rowReader } from '../prepared';
import { deflections, handoffEvents, users } from '../schema';
import type { UserRow } from './users';

type EventRow = typeof handoffEvents.$inferSelect;
/** An event-log row as the report reads it. */
export type HealthEventRow = Pick<EventRow, 'handoffId' | 'kind' | 'actorId' | 'toState' | 'detail' | 'at'>;
/** A meeting-deflection prompt as the report reads it (no text, no channel). */
export type HealthDeflectionRow = Pick<typeof deflections.$inferSelect, 'userId' | 'outcome' | 'createdAt'>;

export const HEALTH_EVENT_COLUMNS = ['handoffId', 'kind', 'actorId', 'toState', 'detail', 'at'] as const;
export const HEALTH_DEFLECTION_COLUMNS = ['userId', 'outcome', 'createdAt'] as const;

const event = rowReader(handoffEvents);
const deflection = rowReader(deflections);
const user = rowReader(users);

const statements = (s: Database.Database) => ({
  // Every event before `to` of each handoff that had one in [from, to): a resolution in the period
  // needs its creation, which may be older. The inner select walks (team_id, at), the outer (handoff_id).
  events: s.prepare<{ teamId: string; from: number; to: number }, Record<string, unknown>>(`
    select ${event.columns(undefined, { only: HEALTH_EVENT_COLUMNS })} from handoff_events
    where team_id = @teamId and at < @to
      and handoff_id in (select handoff_id from handoff_events where team_id = @teamId and at >= @from and at < @to)
    order by handoff_id, id`),
  deflections: s.prepare<[string, number, number], Record<string, unknown>>(`
    select ${deflection.columns(undefined, { only: HEALTH_DEFLECTION_COLUMNS })} from deflections
    where team_id = ? and created_at >= ? and created_at < ? order by created_at, id`),
  people: s.prepare<[string, string], Record<string, unknown>>(
    `select ${user.columns()} from users where team_id = ? and user_id in (select value from json_each(?)) order by user_id`,
  ),
});

/** The period's handoff events of a workspace, with the earlier events of the handoffs they touch. */
export function healthEvents(db: Db, teamId: string, from: Date, to: Date): HealthEventRow[] {
  return prepared(db, statements)
    .events.all({ teamId, from: from.getTime(), to: to.getTime() })
    .map((r) => event.read(r) as HealthEventRow);
}

/** Meeting-deflection prompts of a workspace made in [from, to), oldest first. */
export function healthDeflections(db: Db, teamId: string, from: Date, to: Date): HealthDeflectionRow[] {
  return prepared(db, statements)
    .deflections.all(teamId, from.getTime(), to.getTime())
    .map((r) => deflection.read(r) as HealthDeflectionRow);
}

/** The stored rows (schedules) of these people, by id; unknown ids are left out. */
export function healthPeople(db: Db, teamId: string, userIds: readonly string[]): UserRow[] {
  if (userIds.length === 0) return [];
  return prepared(db, statements)
    .people.all(teamId, JSON.stringify([...new Set(userIds)]))
    .map(user.read);
}
