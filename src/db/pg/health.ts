/** The async-health report's reads on PostgreSQL (same contract as ../queries/health.ts). */
import { deflections, handoffEvents, users } from '../pgSchema';
import { HEALTH_DEFLECTION_COLUMNS, HEALTH_EVENT_COLUMNS, type HealthDeflectionRow, type HealthEventRow } from '../queries/health';
import type { UserRow } from '../queries/users';
import type { HealthQueries } from '../store';
import { instant, pgRowReader, statement, type On } from './conn';

const event = pgRowReader<HealthEventRow>(handoffEvents);
const deflection = pgRowReader<HealthDeflectionRow>(deflections);
const user = pgRowReader<UserRow>(users);

const S = {
  events: statement(
    'health.events',
    `select ${event.columns(undefined, { only: HEALTH_EVENT_COLUMNS })} from handoff_events
     where team_id = $1 and at < $3
       and handoff_id in (select handoff_id from handoff_events where team_id = $1 and at >= $2 and at < $3)
     order by handoff_id, id`,
  ),
  deflections: statement(
    'health.deflections',
    `select ${deflection.columns(undefined, { only: HEALTH_DEFLECTION_COLUMNS })} from deflections
     where team_id = $1 and created_at >= $2 and created_at < $3 order by created_at, id`,
  ),
  // Ordered as SQLite's binary collation orders them.
  people: statement('health.people', `select ${user.columns()} from users where team_id = $1 and user_id = any($2::text[]) order by user_id collate "C"`),
};

export const healthQueries: On<HealthQueries> = {
  healthEvents: async (c, teamId, from, to) => (await c.rows(S.events, [teamId, instant(from.getTime()), instant(to.getTime())])).map(event.read),
  healthDeflections: async (c, teamId, from, to) => (await c.rows(S.deflections, [teamId, instant(from.getTime()), instant(to.getTime())])).map(deflection.read),
  healthPeople: async (c, teamId, userIds) => (userIds.length === 0 ? [] : (await c.rows(S.people, [teamId, [...new Set(userIds)]])).map(user.read)),
};
