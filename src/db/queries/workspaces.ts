import type Database from 'better-sqlite3';
import { asc } from 'drizzle-orm';
import type { Db } from '../client';
import { workspaces } from '../schema';
import { prepared, rowReader, updateWhere, writeTransaction } from '../prepared';

export type WorkspaceRow = typeof workspaces.$inferSelect;

const workspace = rowReader(workspaces);
// Touched by every new handoff (ensure, number, status), so prepared once.
const statements = (s: Database.Database) => ({
  ensure: s.prepare<[string, number]>(`insert into workspaces (team_id, created_at) values (?, ?) on conflict do nothing`),
  exists: s.prepare<[string], { one: number }>(`select 1 as one from workspaces where team_id = ?`),
  get: s.prepare<[string], Record<string, unknown>>(`select ${workspace.columns()} from workspaces where team_id = ?`),
  nextNumber: s.prepare<[string], { next: number }>(`update workspaces set next_handoff_number = next_handoff_number + 1 where team_id = ? returning next_handoff_number as next`),
  // Every scheduler tick asks.
  anyPaused: s.prepare<[], { one: number }>(`select 1 as one from workspaces where status <> 'active' limit 1`),
});

/**
 * A workspace's data, in the order it is deleted once past its retention: the rows that point at a
 * handoff before the handoffs, so each slice deletes only what it counts.
 */
export const WORKSPACE_TABLES = [
  'handoff_events',
  'handoff_recipients',
  'outbox',
  'deflections',
  'deflection_mutes',
  'processed_events',
  'thread_participants',
  'handoffs',
  'users',
  'delivery_pace',
] as const;
export type WorkspaceTable = (typeof WORKSPACE_TABLES)[number];

/** Still paused (uninstalled or revoked) since before the cut-off: checked by every purge statement itself. */
const PAUSED_SINCE = `exists (select 1 from workspaces w where w.team_id = @teamId and w.status <> 'active' and w.status_changed_at < @before and w.purged_at is null)`;
type PurgeParams = { teamId: string; before: number; limit: number };
const purgeStatements = (s: Database.Database) => ({
  pausedBefore: s.prepare<{ before: number; limit: number }, { teamId: string }>(
    `select team_id as teamId from workspaces where status <> 'active' and status_changed_at < @before and purged_at is null order by status_changed_at, team_id limit +@limit`,
  ),
  rows: Object.fromEntries(
    WORKSPACE_TABLES.map((table) => [
      table,
      s.prepare<PurgeParams>(`delete from ${table} where rowid in (select rowid from ${table} where team_id = @teamId and ${PAUSED_SINCE} limit +@limit)`),
    ]),
  ) as Record<WorkspaceTable, Database.Statement<PurgeParams>>,
  // The tombstone: the row again with only its id, status, org and times; every setting back to its default.
  purgedRow: s.prepare<{ teamId: string; before: number }, Record<string, unknown>>(
    `delete from workspaces where team_id = @teamId and status <> 'active' and status_changed_at < @before and purged_at is null
     returning team_id, status, status_changed_at, enterprise_id, created_at`,
  ),
  tombstone: s.prepare<Record<string, unknown>>(
    `insert into workspaces (team_id, status, status_changed_at, enterprise_id, created_at, purged_at)
     values (@team_id, @status, @status_changed_at, @enterprise_id, @created_at, @purged_at)`,
  ),
});

const exportStatements = (s: Database.Database) =>
  Object.fromEntries(
    (['workspaces', ...WORKSPACE_TABLES] as const).map((table) => [table, s.prepare<[string], Record<string, unknown>>(`select * from ${table} where team_id = ? order by rowid`)]),
  ) as Record<ExportedTable, Database.Statement<[string], Record<string, unknown>>>;

/** What `handoff export` writes: the workspace's row and every row of its data, as stored. */
export type ExportedTable = 'workspaces' | WorkspaceTable;
export type WorkspaceExport = Record<ExportedTable, Record<string, unknown>[]>;

export function ensureWorkspace(db: Db, teamId: string, now: Date): void {
  const q = prepared(db, statements);
  // Read first: an insert that changes nothing still takes the write lock (every channel message that proposes a call).
  if (!q.exists.get(teamId)) q.ensure.run(teamId, now.getTime());
}

export function getWorkspace(db: Db, teamId: string): WorkspaceRow | undefined {
  const raw = prepared(db, statements).get.get(teamId);
  return raw ? workspace.read(raw) : undefined;
}

/** `getWorkspace` for a read that decides a write in the same transaction (see `getUserForUpdate`). */
export function getWorkspaceForUpdate(db: Db, teamId: string): WorkspaceRow | undefined {
  return getWorkspace(db, teamId);
}

/** A new status starts a new period: a purged workspace made active (or paused again) may hold data again. */
export function setWorkspaceStatus(db: Db, teamId: string, status: WorkspaceRow['status'], now: Date): void {
  ensureWorkspace(db, teamId, now);
  updateWhere(db, workspaces, { status, statusChangedAt: now.getTime(), purgedAt: null }, { teamId });
}

/** Allocates the next per-workspace handoff number; call inside the creating transaction. */
/** The workspace's stale threshold (admins set it: 1–10 of the recipient's working days). */
export function setStaleAfterWorkingDays(db: Db, teamId: string, days: number, now: Date): void {
  ensureWorkspace(db, teamId, now);
  updateWhere(db, workspaces, { staleAfterWorkingDays: days }, { teamId });
}

export function allocateHandoffNumber(db: Db, teamId: string): number {
  const row = prepared(db, statements).nextNumber.get(teamId);
  if (!row) throw new Error(`workspace ${teamId} is not registered`);
  return row.next - 1;
}

/** A read of a workspace's Slack statuses (users.list): which workspace, and the page to go on from. */
export interface StatusRead {
  teamId: string;
  /** users.list's cursor for the next page; null: from the first page. */
  cursor: string | null;
}

const statusReadStatements = (s: Database.Database) => ({
  // An active workspace never read, or last read in full before the cut-off; the oldest first.
  due: s.prepare<[number], StatusRead>(
    `select team_id as teamId, statuses_cursor as cursor from workspaces where status = 'active' and (statuses_read_at is null or statuses_read_at < ?)
     order by coalesce(statuses_read_at, 0), team_id limit 1`,
  ),
  // Only from the page this read went on from: a slower process that read the same page writes nothing.
  next: s.prepare<[string, string, string | null]>(`update workspaces set statuses_cursor = ? where team_id = ? and statuses_cursor is ?`),
  done: s.prepare<[number, string, string | null]>(`update workspaces set statuses_read_at = ?, statuses_cursor = null where team_id = ? and statuses_cursor is ?`),
});

/** The workspace whose people's Slack statuses are next to read: read never, or in full last before `readBefore`. */
export function workspaceForStatusRead(db: Db, readBefore: number): StatusRead | undefined {
  return prepared(db, statusReadStatements).due.get(readBefore);
}

/**
 * The page read from `from` is done: go on from `next`, or, when null, the read is complete at `now`.
 * Written only if the read still stands at `from` (another process may have read that page too and
 * moved on, or finished): false when it did not.
 */
export function saveStatusRead(db: Db, teamId: string, from: string | null, next: string | null, now: Date): boolean {
  const q = prepared(db, statusReadStatements);
  return (next ? q.next.run(next, teamId, from) : q.done.run(now.getTime(), teamId, from)).changes === 1;
}

/** Every workspace's team id, in order (operator commands; not a request path). */
export function listWorkspaceIds(db: Db): string[] {
  return db
    .select({ teamId: workspaces.teamId })
    .from(workspaces)
    .orderBy(asc(workspaces.teamId))
    .all()
    .map((w) => w.teamId);
}

/** Whether delivery is paused anywhere (uninstalled or token revoked), i.e. worth re-checking the token. */
export function anyWorkspacePaused(db: Db): boolean {
  return !!prepared(db, statements).anyPaused.get();
}

/** Workspaces paused (uninstalled or their token revoked) since before `before`, longest paused first. */
export function workspacesPausedBefore(db: Db, before: number, limit: number): string[] {
  return prepared(db, purgeStatements)
    .pausedBefore.all({ before, limit })
    .map((r) => r.teamId);
}

/**
 * Deletes up to `limit` of the workspace's rows of `table`, only while it is still paused since before
 * `before` (a reinstall stops it between two slices); returns how many.
 */
export function purgeWorkspaceRows(db: Db, table: WorkspaceTable, teamId: string, before: number, limit: number): number {
  return prepared(db, purgeStatements).rows[table].run({ teamId, before, limit }).changes;
}

/**
 * Once its data is gone, and if it is still paused since before `before`: resets the workspace's row to
 * a tombstone (settings deleted; id, status, org and times kept) marked purged at `now`.
 */
export function markWorkspacePurged(db: Db, teamId: string, before: number, now: Date): boolean {
  const q = prepared(db, purgeStatements);
  // Deleted and inserted again, so that every setting takes its schema default (SQLite has no `set x = default`).
  return writeTransaction(db, () => {
    const row = q.purgedRow.get({ teamId, before });
    if (!row) return false;
    q.tombstone.run({ ...row, purged_at: now.getTime() });
    return true;
  });
}

/** A workspace's name in Slack. */
export interface WorkspaceName {
  teamId: string;
  name: string;
}

/** An org served by an org-wide install, whose workspaces' names Handoff keeps (see `orgsToName`). */
export interface OrgToName {
  enterpriseId: string;
  /** One of its workspaces the org's install serves: the org's token is used in its name. */
  teamId: string;
  /** Its workspaces whose name is not known yet. */
  unnamed: number;
}

// Workspaces served by their org's install: active, holding data, without an install of their own.
const ORG_SERVED = `w.status = 'active' and w.purged_at is null and w.enterprise_id is not null
  and exists (select 1 from installations i where i.installation_id = w.enterprise_id and i.is_enterprise_install)
  and not exists (select 1 from installations o where o.installation_id = w.team_id)`;

const nameStatements = (s: Database.Database) => ({
  orgs: s.prepare<[], OrgToName>(
    `select w.enterprise_id as enterpriseId, min(w.team_id) as teamId, sum(w.name is null) as unnamed from workspaces w where ${ORG_SERVED} group by w.enterprise_id order by w.enterprise_id`,
  ),
  // Only workspaces Handoff holds data for: a name is not a reason to create a row, and a tombstone keeps none.
  set: s.prepare<{ teamId: string; name: string }>(`update workspaces set name = @name where team_id = @teamId and purged_at is null and name is not @name`),
  of: s.prepare<[string], WorkspaceName>(`select team_id as teamId, name from workspaces where team_id in (select value from json_each(?)) and name is not null`),
});

/**
 * Orgs served by an org-wide install, with how many of their workspaces have no name yet: a card made
 * in one of them and read in a sibling names its workspace.
 */
export function orgsToName(db: Db): OrgToName[] {
  return prepared(db, nameStatements).orgs.all();
}

/** Records the names Slack gave (workspaces Handoff has no row for are skipped); returns how many changed. */
export function setWorkspaceNames(db: Db, names: readonly WorkspaceName[]): number {
  const q = prepared(db, nameStatements);
  return writeTransaction(db, () => names.reduce((changed, n) => changed + q.set.run(n).changes, 0));
}

/** The known names of `teamIds` (a workspace whose name is not known is left out). */
export function workspaceNames(db: Db, teamIds: readonly string[]): WorkspaceName[] {
  return teamIds.length === 0 ? [] : prepared(db, nameStatements).of.all(JSON.stringify(teamIds));
}

/** Every row the workspace owns, table by table, as stored (tokens live elsewhere and are never included). */
export function exportWorkspace(db: Db, teamId: string): WorkspaceExport {
  const q = prepared(db, exportStatements);
  return Object.fromEntries((Object.keys(q) as ExportedTable[]).map((table) => [table, q[table].all(teamId)])) as WorkspaceExport;
}
