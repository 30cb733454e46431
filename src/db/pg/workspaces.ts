/** Workspaces on PostgreSQL (same contract as ../queries/workspaces.ts). */
import { workspaces } from '../pgSchema';
import {
  WORKSPACE_TABLES,
  type ExportedTable,
  type OrgToName,
  type StatusRead,
  type WorkspaceExport,
  type WorkspaceName,
  type WorkspaceRow,
  type WorkspaceTable,
} from '../queries/workspaces';
import type { WorkspaceQueries } from '../store';
import { instant, pgRowReader, statement, type On } from './conn';

const row = pgRowReader<WorkspaceRow>(workspaces);

const S = {
  ensure: statement('workspaces.ensure', `insert into workspaces (team_id, created_at) values ($1, $2) on conflict do nothing`),
  get: statement('workspaces.get', `select ${row.columns()} from workspaces where team_id = $1`),
  getForUpdate: statement('workspaces.getForUpdate', `select ${row.columns()} from workspaces where team_id = $1 for update`),
  // SQLite ensures the row, then updates it: one upsert here, with the same outcome.
  setStatus: statement(
    'workspaces.setStatus',
    `insert into workspaces (team_id, created_at, status, status_changed_at) values ($1, $2, $3, $2)
     on conflict (team_id) do update set status = excluded.status, status_changed_at = excluded.status_changed_at, purged_at = null`,
  ),
  setStale: statement(
    'workspaces.setStale',
    `insert into workspaces (team_id, created_at, stale_after_working_days) values ($1, $2, $3)
     on conflict (team_id) do update set stale_after_working_days = excluded.stale_after_working_days`,
  ),
  statusReadDue: statement(
    'workspaces.statusReadDue',
    `select team_id as "teamId", statuses_cursor as cursor from workspaces where status = 'active' and (statuses_read_at is null or statuses_read_at < $1)
     order by coalesce(statuses_read_at, 'epoch'), team_id collate "C" limit 1`,
  ),
  statusReadNext: statement('workspaces.statusReadNext', `update workspaces set statuses_cursor = $1 where team_id = $2 and statuses_cursor is not distinct from $3`),
  statusReadDone: statement(
    'workspaces.statusReadDone',
    `update workspaces set statuses_read_at = $1, statuses_cursor = null where team_id = $2 and statuses_cursor is not distinct from $3`,
  ),
  nextNumber: statement('workspaces.nextNumber', `update workspaces set next_handoff_number = next_handoff_number + 1 where team_id = $1 returning next_handoff_number as next`),
  anyPaused: statement('workspaces.anyPaused', `select team_id from workspaces where status <> 'active' limit 1`),
  ids: statement('workspaces.ids', `select team_id as id from workspaces order by team_id collate "C"`),
  pausedBefore: statement(
    'workspaces.pausedBefore',
    `select team_id as id from workspaces where status <> 'active' and status_changed_at < $1 and purged_at is null order by status_changed_at, team_id collate "C" limit $2`,
  ),
  // The workspace row is locked while a slice is deleted: a reinstall (its status write) waits for it
  // and the next slice sees it active.
  purgeRows: Object.fromEntries(
    WORKSPACE_TABLES.map((table) => [
      table,
      statement(
        `workspaces.purge.${table}`,
        `with paused as (select team_id from workspaces where team_id = $1 and status <> 'active' and status_changed_at < $2 and purged_at is null for update)
         delete from ${table} where ctid in (select ctid from ${table} where team_id = $1 and exists (select 1 from paused) limit $3)`,
      ),
    ]),
  ) as Record<WorkspaceTable, ReturnType<typeof statement>>,
  exportRows: Object.fromEntries(
    (['workspaces', ...WORKSPACE_TABLES] as const).map((table) => [table, statement(`workspaces.export.${table}`, `select * from ${table} where team_id = $1 order by ctid`)]),
  ) as Record<ExportedTable, ReturnType<typeof statement>>,
  markPurged: statement(
    'workspaces.markPurged',
    `update workspaces set purged_at = $3, deflection_enabled = default, next_handoff_number = default, stale_after_working_days = default,
       statuses_read_at = default, statuses_cursor = default, name = default
     where team_id = $1 and status <> 'active' and status_changed_at < $2 and purged_at is null`,
  ),
  setNames: statement(
    'workspaces.setNames',
    `update workspaces w set name = v.name from unnest($1::text[], $2::text[]) as v(team_id, name)
     where w.team_id = v.team_id and w.purged_at is null and w.name is distinct from v.name`,
  ),
  orgsToName: statement(
    'workspaces.orgsToName',
    `select w.enterprise_id as "enterpriseId", min(w.team_id collate "C") as "teamId", count(*) filter (where w.name is null)::int as unnamed
     from workspaces w
     where w.status = 'active' and w.purged_at is null and w.enterprise_id is not null
       and exists (select 1 from installations i where i.installation_id = w.enterprise_id and i.is_enterprise_install)
       and not exists (select 1 from installations o where o.installation_id = w.team_id)
     group by w.enterprise_id order by w.enterprise_id collate "C"`,
  ),
  names: statement('workspaces.names', `select team_id as "teamId", name from workspaces where team_id = any($1::text[]) and name is not null`),
};

export const workspaceQueries: On<WorkspaceQueries> = {
  async ensureWorkspace(c, teamId, now) {
    await c.changes(S.ensure, [teamId, instant(now.getTime())]);
  },
  getWorkspace: async (c, teamId) => (await c.rows(S.get, [teamId])).map(row.read)[0],
  getWorkspaceForUpdate: async (c, teamId) => (await c.rows(S.getForUpdate, [teamId])).map(row.read)[0],
  async setStaleAfterWorkingDays(c, teamId, days, now) {
    await c.changes(S.setStale, [teamId, instant(now.getTime()), days]);
  },
  async setWorkspaceStatus(c, teamId, status, now) {
    await c.changes(S.setStatus, [teamId, instant(now.getTime()), status]);
  },
  workspaceForStatusRead: async (c, readBefore) => (await c.rows<StatusRead>(S.statusReadDue, [instant(readBefore)]))[0],
  saveStatusRead: async (c, teamId, from, next, now) =>
    (next ? await c.changes(S.statusReadNext, [next, teamId, from]) : await c.changes(S.statusReadDone, [instant(now.getTime()), teamId, from])) === 1,
  async allocateHandoffNumber(c, teamId) {
    const [r] = await c.rows<{ next: number }>(S.nextNumber, [teamId]);
    if (!r) throw new Error(`workspace ${teamId} is not registered`);
    return r.next - 1;
  },
  anyWorkspacePaused: async (c) => (await c.rows(S.anyPaused, [])).length > 0,
  listWorkspaceIds: async (c) => (await c.rows<{ id: string }>(S.ids, [])).map((r) => r.id),
  workspacesPausedBefore: async (c, before, limit) => (await c.rows<{ id: string }>(S.pausedBefore, [instant(before), limit])).map((r) => r.id),
  purgeWorkspaceRows: (c, table, teamId, before, limit) => c.changes(S.purgeRows[table], [teamId, instant(before), limit]),
  async exportWorkspace(c, teamId) {
    const tables = Object.keys(S.exportRows) as ExportedTable[];
    return Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await c.rows(S.exportRows[table], [teamId])]))) as WorkspaceExport;
  },
  orgsToName: (c) => c.rows<OrgToName>(S.orgsToName, []),
  setWorkspaceNames: (c, names) => (names.length === 0 ? Promise.resolve(0) : c.changes(S.setNames, [names.map((n) => n.teamId), names.map((n) => n.name)])),
  workspaceNames: async (c, teamIds) => (teamIds.length === 0 ? [] : c.rows<WorkspaceName>(S.names, [[...teamIds]])),
  markWorkspacePurged: async (c, teamId, before, now) => (await c.changes(S.markPurged, [teamId, instant(before), instant(now.getTime())])) === 1,
};
