/** The shared delivery pace on PostgreSQL (same contract as ../queries/pace.ts, which documents it). */
import { getTableColumns } from 'drizzle-orm';
import { deliveryPace } from '../pgSchema';
import { PACE_STATE_COLUMNS, type PaceRow, type PaceState } from '../queries/pace';
import type { PaceQueries } from '../store';
import { instant, pgRowReader, statement, type On } from './conn';

const row = pgRowReader<PaceRow>(deliveryPace);
const pgColumns = getTableColumns(deliveryPace);
/** The model's columns as parameters, in PACE_STATE_COLUMNS order, after the `first - 1` others. */
const params = (first: number) => PACE_STATE_COLUMNS.map((_, i) => `$${first + i}`);

const S = {
  get: statement('pace.get', `select ${row.columns()} from delivery_pace where team_id = $1`),
  create: statement(
    'pace.create',
    `insert into delivery_pace (team_id, version, updated_at, ${PACE_STATE_COLUMNS.map(([, name]) => name).join(', ')})
     values ($1, 1, $2, ${params(3).join(', ')}) on conflict do nothing`,
  ),
  // Under READ COMMITTED a concurrent writer's UPDATE waits for the row, then re-checks the version
  // against the committed row: exactly one of two writers of the same version succeeds.
  update: statement(
    'pace.update',
    `update delivery_pace set version = version + 1, updated_at = $3, ${PACE_STATE_COLUMNS.map(([, name], i) => `${name} = ${params(4)[i]}`).join(', ')}
     where team_id = $1 and version = $2`,
  ),
};

/** The state's values as parameters, through the pg-core columns (instants as timestamptz). */
const stateValues = (state: PaceState): unknown[] =>
  PACE_STATE_COLUMNS.map(([key]) => {
    const value = state[key];
    return value === null ? null : pgColumns[key].mapToDriverValue(value);
  });

export const paceQueries: On<PaceQueries> = {
  getPace: async (c, teamId) => (await c.rows(S.get, [teamId])).map(row.read)[0],
  createPace: async (c, teamId, state, now) => (await c.changes(S.create, [teamId, instant(now.getTime()), ...stateValues(state)])) === 1,
  updatePace: async (c, teamId, version, state, now) => (await c.changes(S.update, [teamId, version, instant(now.getTime()), ...stateValues(state)])) === 1,
};
