/** People on PostgreSQL (same contract as ../queries/users.ts). */
import { getTableColumns } from 'drizzle-orm';
import { users } from '../pgSchema';
import type { UserRow } from '../queries/users';
import type { UserQueries } from '../store';
import { instant, pgRowReader, statement, type On } from './conn';

const row = pgRowReader<UserRow>(users);
const ALL = row.columns();
const COLUMNS = getTableColumns(users);
const KEYS = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];

const S = {
  get: statement('users.get', `select ${ALL} from users where team_id = $1 and user_id = $2`),
  // Held until the transaction ends: another replica's locking read or write of this person waits.
  getForUpdate: statement('users.getForUpdate', `select ${ALL} from users where team_id = $1 and user_id = $2 for update`),
  upsertProfile: statement(
    'users.upsertProfile',
    `insert into users (team_id, user_id, display_name, is_bot, deleted, slack_tz, profile_fetched_at, created_at, updated_at, is_admin)
     values ($1, $2, $3, $4, $5, $6, $7, $7, $7, $8)
     on conflict (team_id, user_id) do update set display_name = excluded.display_name, is_bot = excluded.is_bot, deleted = excluded.deleted,
       slack_tz = excluded.slack_tz, is_admin = excluded.is_admin, profile_fetched_at = excluded.profile_fetched_at, updated_at = excluded.updated_at
     returning ${ALL}`,
  ),
  // Unicode-aware lower() here, ASCII-only in SQLite: names outside ASCII may match on PostgreSQL only.
  // Ordered by id where SQLite returned its primary key's order.
  awayToRecheck: statement(
    'users.awayToRecheck',
    `select team_id as "teamId", user_id as "userId" from users
     where status_away_key is not null and next_digest_at is not null and next_digest_at <= $1
       and (profile_fetched_at is null or profile_fetched_at < $2)
     order by next_digest_at, team_id collate "C", user_id collate "C" limit $3`,
  ),
  reportRecipients: statement('users.reportRecipients', `select user_id as id from users where team_id = $1 and weekly_report order by user_id collate "C"`),
  setReportRecipients: statement(
    'users.setReportRecipients',
    `update users set weekly_report = (user_id = any($2::text[])), updated_at = $3 where team_id = $1 and (weekly_report or user_id = any($2::text[]))`,
  ),
  reportPeople: statement(
    'users.reportPeople',
    `select ${row.columns('u')} from users u join workspaces w on w.team_id = u.team_id
     where u.weekly_report and not u.deleted and not u.is_bot and w.status = 'active'
     order by u.team_id collate "C", u.user_id collate "C" limit $1`,
  ),
  names: statement('users.names', `select user_id as "userId", display_name as "displayName" from users where team_id = $1 order by user_id collate "C"`),
  byName: statement(
    'users.byName',
    `select user_id as id from users where team_id = $1 and deleted = false and is_bot = false and lower(display_name) = lower($2) order by user_id limit 2`,
  ),
};

export const userQueries: On<UserQueries> = {
  getUser: async (c, teamId, userId) => (await c.rows(S.get, [teamId, userId])).map(row.read)[0],
  getUserForUpdate: async (c, teamId, userId) => (await c.rows(S.getForUpdate, [teamId, userId])).map(row.read)[0],

  async upsertProfile(c, teamId, userId, p, now) {
    const [r] = await c.rows(S.upsertProfile, [teamId, userId, p.displayName, p.isBot, p.deleted, p.slackTz, instant(now.getTime()), p.isAdmin ?? false]);
    if (!r) throw new Error('upsert returned no row');
    return row.read(r);
  },

  /**
   * One prepared statement per set of columns patched, named by that set as a bitmask (PostgreSQL
   * cuts names at 63 bytes, so a list of column names could make two sets collide). Keys that are not
   * columns are ignored, as drizzle does on SQLite.
   */
  async updateUser(c, teamId, userId, patch, now) {
    const set = KEYS.filter((key) => (patch as Record<string, unknown>)[key] !== undefined);
    const mask = set.reduce((m, key) => m | (1n << BigInt(KEYS.indexOf(key))), 0n);
    const assignments = set.map((key, i) => `${COLUMNS[key].name} = $${i + 4}`);
    const values = set.map((key) => {
      const v = (patch as Record<string, unknown>)[key];
      return v === null ? null : COLUMNS[key].mapToDriverValue(v as never);
    });
    const text = `update users set ${[...assignments, 'updated_at = $3'].join(', ')} where team_id = $1 and user_id = $2`;
    await c.changes(statement(`users.update.${mask.toString(36)}`, text), [teamId, userId, instant(now.getTime()), ...values]);
  },

  awayStatusesToRecheck: async (c, dueBy, fetchedBefore, limit) => c.rows<{ teamId: string; userId: string }>(S.awayToRecheck, [instant(dueBy), instant(fetchedBefore), limit]),
  weeklyReportRecipients: async (c, teamId) => (await c.rows<{ id: string }>(S.reportRecipients, [teamId])).map((r) => r.id),
  async setWeeklyReportRecipients(c, teamId, userIds, now) {
    await c.changes(S.setReportRecipients, [teamId, [...userIds], instant(now.getTime())]);
  },
  weeklyReportPeople: async (c, limit) => (await c.rows(S.reportPeople, [limit])).map(row.read),
  listDisplayNames: async (c, teamId) => c.rows<{ userId: string; displayName: string }>(S.names, [teamId]),
  findUserIdsByName: async (c, teamId, name) => (await c.rows<{ id: string }>(S.byName, [teamId, name])).map((r) => r.id),
};
