import { eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { workspaces } from '../schema';

export function ensureWorkspace(db: Db, teamId: string, now: Date): void {
  db.insert(workspaces).values({ teamId, createdAt: now.getTime() }).onConflictDoNothing().run();
}

export function getWorkspace(db: Db, teamId: string) {
  return db.select().from(workspaces).where(eq(workspaces.teamId, teamId)).get();
}

export function setWorkspaceStatus(
  db: Db,
  teamId: string,
  status: 'active' | 'uninstalled' | 'tokens_revoked',
  now: Date,
): void {
  ensureWorkspace(db, teamId, now);
  db.update(workspaces).set({ status, statusChangedAt: now.getTime() }).where(eq(workspaces.teamId, teamId)).run();
}

/** Allocates the next per-workspace handoff number; call inside the creating transaction. */
export function allocateHandoffNumber(db: Db, teamId: string): number {
  const row = db
    .update(workspaces)
    .set({ nextHandoffNumber: sql`${workspaces.nextHandoffNumber} + 1` })
    .where(eq(workspaces.teamId, teamId))
    .returning({ next: workspaces.nextHandoffNumber })
    .get();
  if (!row) throw new Error(`workspace ${teamId} is not registered`);
  return row.next - 1;
}

/** Whether delivery is paused anywhere (uninstalled or token revoked), i.e. worth re-checking the token. */
export function anyWorkspacePaused(db: Db): boolean {
  return !!db.select({ teamId: workspaces.teamId }).from(workspaces).where(ne(workspaces.status, 'active')).limit(1).get();
}
