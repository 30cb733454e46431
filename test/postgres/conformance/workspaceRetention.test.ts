/**
 * Data retention after an uninstall (issue 15), through the Store contract on SQLite and PostgreSQL:
 * a workspace paused for the retention period loses all its data, in slices; a workspace still
 * within it, an active one, or one reinstalled mid-purge keeps everything.
 */
import type { Store } from '../../../src/db/store';
import { purgeLapsedWorkspaces } from '../../../src/services/workspaceRetention';
import { describeStores } from '../support/stores';

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);
const profile = { displayName: 'Ana', isBot: false, deleted: false, slackTz: 'Europe/Paris' };

/** A workspace with a row in every table that holds workspace data; returns its handoff's id. */
async function populate(store: Store, teamId: string, people = 3): Promise<number> {
  for (let i = 0; i < people; i++) await store.upsertProfile(teamId, `U${i}`, profile, NOW);
  // A setting of its own (not the default), so that a purge is seen to delete it.
  await store.setStaleAfterWorkingDays(teamId, 5, NOW);
  await store.setWorkspaceNames([{ teamId, name: `Name of ${teamId}` }]);
  const created = await store.createHandoff(
    teamId,
    { authorId: 'U0', recipientIds: ['U1', 'U2'], title: 't', context: 'c', ask: 'a', links: '', ifOffline: 'wait', neededByAt: null, channelId: null, urgent: false },
    NOW,
    { idempotencyKey: null, sourcePermalink: null },
  );
  if (created.status !== 'created') throw new Error(created.status);
  await store.enqueue({ teamId, kind: 'digest', dedupeKey: `digest:U1:${teamId}`, userId: 'U1' }, NOW);
  await store.mute(teamId, 'U1', 'C1', NOW);
  await store.firstSightOfEvent(teamId, 'Ev1', NOW);
  await store.recordThreadParticipants(
    [
      { teamId, channelId: 'C1', threadTs: '1.1', userId: 'U0', started: true, inParent: true },
      { teamId, channelId: 'C1', threadTs: '1.1', userId: 'U1', started: false, inParent: false },
    ],
    NOW,
  );
  return created.handoff.id;
}

async function holdsData(store: Store, teamId: string, handoffId: number): Promise<Record<string, boolean>> {
  return {
    // Its settings: a purged workspace's row is only a tombstone (see below).
    settings: (await store.getWorkspace(teamId))?.staleAfterWorkingDays === 5,
    person: (await store.getUser(teamId, 'U1')) !== undefined,
    handoff: (await store.loadHandoff(teamId, handoffId)) !== undefined,
    mute: await store.isMuted(teamId, 'U1', 'C1'),
    // Seen already: its processed-event row is still there.
    event: !(await store.firstSightOfEvent(teamId, 'Ev1', NOW)),
    thread: (await store.threadParticipantsOf(teamId, 'C1', '1.1')).length > 0,
  };
}
const ALL = { settings: true, person: true, handoff: true, mute: true, event: true, thread: true };
const NONE = { settings: false, person: false, handoff: false, mute: false, event: false, thread: false };

describeStores('workspace data retention', (ctx) => {
  it('deletes every row of a workspace paused for the retention period, and nothing of the others', async () => {
    const { store } = ctx();
    const gone = await populate(store, 'TGONE', 30);
    const kept = await populate(store, 'TKEEP');
    const recent = await populate(store, 'TRECENT');
    await store.setWorkspaceStatus('TGONE', 'uninstalled', NOW);
    await store.setWorkspaceStatus('TRECENT', 'tokens_revoked', at(10 * DAY));
    // Only the workspace paused since before the cut-off is due; nothing of an active one is deleted.
    const cutOff = at(1).getTime();
    expect(await store.workspacesPausedBefore(cutOff, 10)).toEqual(['TGONE']);
    expect(await store.workspacesPausedBefore(at(11 * DAY).getTime(), 10)).toEqual(['TGONE', 'TRECENT']);
    expect(await store.purgeWorkspaceRows('users', 'TKEEP', cutOff, 100)).toBe(0);
    expect(await store.purgeWorkspaceRows('users', 'TRECENT', cutOff, 100)).toBe(0);
    expect(await store.markWorkspacePurged('TKEEP', cutOff, NOW)).toBe(false);
    expect(await store.markWorkspacePurged('TRECENT', cutOff, NOW)).toBe(false);
    // Thirty days later, with small slices so that a table takes several.
    let report = await purgeLapsedWorkspaces(store, at(30 * DAY + 1), 30 * DAY, { sliceSize: 7, maxSlices: 3 });
    expect(report.purged).toEqual([]);
    expect(report.rows).toBeGreaterThan(0);
    for (let i = 0; i < 50 && report.purged.length === 0; i++) report = await purgeLapsedWorkspaces(store, at(30 * DAY + 1), 30 * DAY, { sliceSize: 7, maxSlices: 3 });
    expect(report.purged).toEqual(['TGONE']);
    expect(await holdsData(store, 'TGONE', gone)).toEqual(NONE);
    // Its row stays as a tombstone: its status, org and times, every setting back to its default.
    expect(await store.getWorkspace('TGONE')).toEqual({
      teamId: 'TGONE',
      status: 'uninstalled',
      statusChangedAt: NOW.getTime(),
      createdAt: NOW.getTime(),
      enterpriseId: null,
      purgedAt: at(30 * DAY + 1).getTime(),
      deflectionEnabled: true,
      nextHandoffNumber: 1,
      staleAfterWorkingDays: 2,
      statusesReadAt: null,
      statusesCursor: null,
      name: null,
    });
    expect(await store.getOutboxRow(1)).toBeUndefined();
    expect(await holdsData(store, 'TKEEP', kept)).toEqual(ALL);
    expect(await holdsData(store, 'TRECENT', recent)).toEqual(ALL);
    // Nothing left to do: a tombstone is not due again.
    expect(await store.workspacesPausedBefore(at(2).getTime(), 10)).toEqual([]);
    expect(await purgeLapsedWorkspaces(store, at(30 * DAY + 2), 30 * DAY)).toEqual({ purged: [], rows: 0 });
  });

  it('a purged workspace of an org keeps its org; made active again it holds data, and a later pause past the period purges it again', async () => {
    const { store } = ctx();
    await populate(store, 'TORG');
    await store.linkWorkspaceToEnterprise('TORG', 'E1', NOW);
    await store.setWorkspaceStatus('TORG', 'access_revoked', NOW);
    expect((await purgeLapsedWorkspaces(store, at(31 * DAY), 30 * DAY)).purged).toEqual(['TORG']);
    expect(await store.getWorkspace('TORG')).toMatchObject({ status: 'access_revoked', enterpriseId: 'E1', purgedAt: at(31 * DAY).getTime() });
    expect(await store.teamsOfEnterprise('E1')).toEqual(['TORG']);
    // Linking it again (Slack naming it as the org's) changes nothing.
    await store.linkWorkspaceToEnterprise('TORG', 'E1', at(31 * DAY));
    expect(await store.getWorkspace('TORG')).toMatchObject({ status: 'access_revoked', purgedAt: at(31 * DAY).getTime() });

    await store.setWorkspaceStatus('TORG', 'active', at(32 * DAY));
    expect(await store.getWorkspace('TORG')).toMatchObject({ status: 'active', purgedAt: null });
    const again = await populate(store, 'TORG');
    expect(await holdsData(store, 'TORG', again)).toEqual(ALL);
    await store.setWorkspaceStatus('TORG', 'uninstalled', at(33 * DAY));
    expect(await store.workspacesPausedBefore(at(64 * DAY).getTime(), 10)).toEqual(['TORG']);
    let report = await purgeLapsedWorkspaces(store, at(64 * DAY), 30 * DAY);
    for (let i = 0; i < 10 && report.purged.length === 0; i++) report = await purgeLapsedWorkspaces(store, at(64 * DAY), 30 * DAY);
    expect(report.purged).toEqual(['TORG']);
    expect(await holdsData(store, 'TORG', again)).toEqual(NONE);
    expect(await store.getWorkspace('TORG')).toMatchObject({ status: 'uninstalled', enterpriseId: 'E1', purgedAt: at(64 * DAY).getTime() });
  });

  it('a reinstall within the period keeps everything, and one between two slices stops the purge', async () => {
    const { store } = ctx();
    const id = await populate(store, 'TBACK', 30);
    await store.setWorkspaceStatus('TBACK', 'uninstalled', NOW);
    await store.setWorkspaceStatus('TBACK', 'active', at(29 * DAY));
    expect(await purgeLapsedWorkspaces(store, at(60 * DAY), 30 * DAY)).toEqual({ purged: [], rows: 0 });
    expect(await holdsData(store, 'TBACK', id)).toEqual(ALL);

    await store.setWorkspaceStatus('TBACK', 'uninstalled', at(30 * DAY));
    const first = await purgeLapsedWorkspaces(store, at(61 * DAY), 30 * DAY, { sliceSize: 2, maxSlices: 1 });
    expect(first.rows).toBeGreaterThan(0);
    await store.setWorkspaceStatus('TBACK', 'active', at(61 * DAY));
    expect(await purgeLapsedWorkspaces(store, at(61 * DAY), 30 * DAY, { sliceSize: 2 })).toEqual({ purged: [], rows: 0 });
    expect((await store.getWorkspace('TBACK'))?.status).toBe('active');
    expect(await store.getUser('TBACK', 'U1')).toBeDefined();
    expect(await store.loadHandoff('TBACK', id)).toBeDefined();
  });

  it('two processes: one purging in slices while the other reinstalls, at 20 different moments: once the reinstall is in, nothing more is deleted and the workspace is active, not purged', async () => {
    const { store } = ctx();
    const other = await ctx().another();
    const rowsOf = async (teamId: string) => Object.values(await store.exportWorkspace(teamId)).reduce((n, rows) => n + rows.length, 0);
    const outcomes = new Set<string>();
    for (let trial = 0; trial < 20; trial++) {
      const teamId = `TRACE${trial}`;
      await populate(store, teamId, 12);
      await store.setWorkspaceStatus(teamId, 'uninstalled', NOW);
      const full = await rowsOf(teamId);
      let purging = true;
      const purge = (async () => {
        const reports = [];
        while (purging) {
          const report = await purgeLapsedWorkspaces(store, at(31 * DAY), 30 * DAY, { sliceSize: 2, maxSlices: 3 });
          reports.push(report);
          if (report.rows === 0 && report.purged.length === 0) await new Promise((r) => setImmediate(r));
        }
        return reports;
      })();
      // The reinstall lands after a different number of slices in each trial (0 to ~40 turns of the loop).
      for (let turn = 0; turn < trial * 2; turn++) await new Promise((r) => setImmediate(r));
      await other.setWorkspaceStatus(teamId, 'active', at(31 * DAY));
      const afterReinstall = await rowsOf(teamId);
      // The purge keeps running for a while after it, as a replica's next ticks would.
      for (let turn = 0; turn < 20; turn++) await new Promise((r) => setImmediate(r));
      purging = false;
      const reports = await purge;
      expect(await rowsOf(teamId)).toBe(afterReinstall);
      expect(await store.getWorkspace(teamId)).toMatchObject({ status: 'active', purgedAt: null });
      expect(await purgeLapsedWorkspaces(other, at(100 * DAY), 30 * DAY)).toEqual({ purged: [], rows: 0 });
      expect(await rowsOf(teamId)).toBe(afterReinstall);
      const purgedBefore = reports.some((r) => r.purged.includes(teamId));
      outcomes.add(afterReinstall === full ? 'kept all' : purgedBefore ? 'purged, then given back empty' : 'stopped between slices');
    }
    // The moments spread over the purge: before it, between its slices, and after it.
    expect(outcomes).toContain('stopped between slices');
  });

  it('exports one workspace’s rows, table by table, as stored, and nothing of another', async () => {
    const { store } = ctx();
    await populate(store, 'TA');
    await populate(store, 'TB', 5);
    const tables = await store.exportWorkspace('TA');
    expect(Object.fromEntries(Object.entries(tables).map(([table, rows]) => [table, rows.length]))).toEqual({
      workspaces: 1,
      handoff_events: 1,
      handoff_recipients: 2,
      outbox: 1,
      deflections: 0,
      deflection_mutes: 1,
      processed_events: 1,
      thread_participants: 2,
      handoffs: 1,
      users: 3,
      delivery_pace: 0,
    });
    for (const rows of Object.values(tables)) for (const row of rows) expect(row.team_id).toBe('TA');
    expect((await store.exportWorkspace('TNONE')).workspaces).toEqual([]);
  });
});
