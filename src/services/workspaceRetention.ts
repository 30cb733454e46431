/**
 * Data retention after an uninstall (issue 15): a workspace paused — Handoff uninstalled, or its bot
 * token revoked — for DATA_RETENTION_DAYS has all its data deleted: handoffs, people, deliveries,
 * deflections, then the workspace's settings. Its row stays, reduced to its id, status and org (a
 * tombstone): an org-wide install must not take it for a new workspace of the org and serve it again
 * (a person of it handed off to from a sibling). A reinstall before then makes it active again and keeps
 * everything. Deleted in small slices yielding to the event loop, a bounded number per tick; every
 * slice checks that the workspace is still paused since before the cut-off, so a reinstall (on any
 * replica) stops a purge between two slices.
 */
import { WORKSPACE_TABLES } from '../db/queries/workspaces';
import type { StoreOf, WorkspaceQueries } from '../db/store';

export interface PurgeOptions {
  /** Rows per statement. */
  sliceSize?: number;
  /** Slices that delete something, per call; the next tick continues. */
  maxSlices?: number;
  stopping?: () => boolean;
}

export interface PurgeReport {
  /** Workspaces whose data is now entirely gone. */
  purged: string[];
  rows: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function purgeLapsedWorkspaces(store: StoreOf<WorkspaceQueries>, now: Date, retentionMs: number, opts: PurgeOptions = {}): Promise<PurgeReport> {
  const sliceSize = opts.sliceSize ?? 500;
  let budget = opts.maxSlices ?? 20;
  const before = now.getTime() - retentionMs;
  const report: PurgeReport = { purged: [], rows: 0 };
  for (const teamId of await store.workspacesPausedBefore(before, 10)) {
    for (const table of WORKSPACE_TABLES) {
      for (;;) {
        if (budget <= 0 || opts.stopping?.()) return report;
        const n = await store.purgeWorkspaceRows(table, teamId, before, sliceSize);
        report.rows += n;
        // Only slices that deleted something count: a table already empty is one cheap look.
        if (n > 0) budget--;
        await yieldToLoop();
        if (n < sliceSize) break;
      }
    }
    if (await store.markWorkspacePurged(teamId, before, now)) report.purged.push(teamId);
  }
  return report;
}
