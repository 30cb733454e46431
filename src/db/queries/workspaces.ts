import type Database from 'better-sqlite3';
import { asc } from 'drizzle-orm';
import type { Db } from '../client';
import { workspaces } from '../schema';
import { prepared, rowReader, updateWhere } from '../prepared';

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

export function setWorkspaceStatus(db: Db, teamId: string, status: 'active' | 'uninstalled' | 'tokens_revoked', now: Date): void {
  ensureWorkspace(db, teamId, now);
  updateWhere(db, workspaces, { status, statusChangedAt: now.getTime() }, { teamId });
}

/** Allocates the next per-workspace handoff number; call inside the creating transaction. */
export function allocateHandoffNumber(db: Db, teamId: string): number {
  const row = prepared(db, statements).nextNumber.get(teamId);
  if (!row) throw new Error(`workspace ${teamId} is not registered`);
  return row.next - 1;
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
