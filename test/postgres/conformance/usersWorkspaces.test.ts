/** People and workspaces through the Store contract, on SQLite and PostgreSQL. */
import type { Tx } from '../../../src/db/store';
import { describeStores } from '../support/stores';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);
const profile = (displayName: string, more: Partial<{ isBot: boolean; deleted: boolean; slackTz: string | null }> = {}) => ({
  displayName,
  isBot: false,
  deleted: false,
  slackTz: 'Europe/Paris',
  ...more,
});

describeStores('users', (ctx) => {
  it('stores whether a person is a workspace admin with each profile refresh', async () => {
    const { store } = ctx();
    expect((await store.upsertProfile(T, 'U7', { ...profile('Boss'), isAdmin: true }, NOW)).isAdmin).toBe(true);
    expect((await store.upsertProfile(T, 'U7', profile('Boss'), at(1))).isAdmin).toBe(false);
  });

  it('keeps exactly the people chosen for the weekly report, and lists them across active workspaces only', async () => {
    const { store } = ctx();
    for (const u of ['U1', 'U2', 'U3']) await store.upsertProfile(T, u, profile(u), NOW);
    await store.upsertProfile('T2', 'U9', profile('U9'), NOW);
    await store.ensureWorkspace(T, NOW);
    await store.ensureWorkspace('T2', NOW);
    await store.setWeeklyReportRecipients(T, ['U2', 'U1'], at(1));
    await store.setWeeklyReportRecipients('T2', ['U9'], at(1));
    expect(await store.weeklyReportRecipients(T)).toEqual(['U1', 'U2']);
    await store.setWeeklyReportRecipients(T, ['U3', 'U2'], at(2));
    expect(await store.weeklyReportRecipients(T)).toEqual(['U2', 'U3']);
    expect((await store.getUser(T, 'U1'))?.weeklyReport).toBe(false);
    expect((await store.weeklyReportPeople(10)).map((r) => `${r.teamId}/${r.userId}`)).toEqual(['T1/U2', 'T1/U3', 'T2/U9']);
    expect((await store.weeklyReportPeople(1)).map((r) => r.userId)).toEqual(['U2']);
    await store.setWorkspaceStatus('T2', 'uninstalled', at(3));
    expect((await store.weeklyReportPeople(10)).map((r) => r.userId)).toEqual(['U2', 'U3']);
    await store.updateUser(T, 'U2', { reportWeek: '2027-W11', reportLink: 'https://example.slack.com/files/U/F1/x.png' }, at(4));
    expect(await store.getUser(T, 'U2')).toMatchObject({ reportWeek: '2027-W11', reportLink: 'https://example.slack.com/files/U/F1/x.png' });
    await store.setWeeklyReportRecipients(T, [], at(5));
    expect(await store.weeklyReportRecipients(T)).toEqual([]);
  });

  it('inserts a profile with the schema defaults, and a refresh leaves the person’s preferences alone', async () => {
    const { store } = ctx();
    const inserted = await store.upsertProfile(T, 'U1', profile('Ana'), NOW);
    expect(inserted).toEqual({
      teamId: T,
      userId: 'U1',
      displayName: 'Ana',
      isBot: false,
      deleted: false,
      slackTz: 'Europe/Paris',
      tzOverride: null,
      workdayStartMinute: 540,
      workdayEndMinute: 1020,
      workingDays: 0b0111110,
      digestEnabled: true,
      deflectionEnabled: true,
      awayUntil: null,
      holidayRegion: null,
      statusAwayUntil: null,
      statusAwayKind: null,
      statusAwayKey: null,
      statusAwayDismissed: null,
      isAdmin: false,
      weeklyReport: false,
      reportWeek: null,
      reportLink: null,
      nextDigestAt: null,
      nextDigestLocalDate: null,
      lastDigestLocalDate: null,
      lastDigestAt: null,
      lastDeflectionAt: null,
      profileFetchedAt: NOW.getTime(),
      createdAt: NOW.getTime(),
      updatedAt: NOW.getTime(),
    });
    await store.updateUser(
      T,
      'U1',
      {
        tzOverride: 'Asia/Tokyo',
        digestEnabled: false,
        workdayStartMinute: 480,
        awayUntil: '2026-12-24',
        holidayRegion: 'DE-BY',
        statusAwayUntil: '2026-12-10',
        nextDigestAt: NOW.getTime() + 3600_000,
      },
      at(1),
    );
    const refreshed = await store.upsertProfile(T, 'U1', profile('Ana B', { slackTz: 'America/New_York', deleted: true }), at(2));
    expect(refreshed).toMatchObject({
      displayName: 'Ana B',
      deleted: true,
      slackTz: 'America/New_York',
      tzOverride: 'Asia/Tokyo',
      digestEnabled: false,
      workdayStartMinute: 480,
      awayUntil: '2026-12-24',
      holidayRegion: 'DE-BY',
      statusAwayUntil: '2026-12-10',
      nextDigestAt: NOW.getTime() + 3600_000,
      profileFetchedAt: NOW.getTime() + 2,
      createdAt: NOW.getTime(),
      updatedAt: NOW.getTime() + 2,
    });
    expect(await store.getUser(T, 'U1')).toEqual(refreshed);
    expect(await store.getUser(T, 'U2')).toBeUndefined();
    expect(await store.getUser('T2', 'U1')).toBeUndefined();
  });

  it('updates exactly the columns of a patch, nulls included, and no other person', async () => {
    const { store } = ctx();
    await store.upsertProfile(T, 'U1', profile('Ana'), NOW);
    await store.upsertProfile(T, 'U2', profile('Bo'), NOW);
    await store.updateUser(
      T,
      'U1',
      { tzOverride: 'Asia/Tokyo', lastDigestLocalDate: '2026-11-29', lastDigestAt: 5, lastDeflectionAt: 7, deflectionEnabled: false, workingDays: 0b1111111 },
      at(1),
    );
    await store.updateUser(T, 'U1', { tzOverride: null, lastDigestAt: null }, at(2));
    expect(await store.getUser(T, 'U1')).toMatchObject({
      tzOverride: null,
      lastDigestLocalDate: '2026-11-29',
      lastDigestAt: null,
      lastDeflectionAt: 7,
      deflectionEnabled: false,
      workingDays: 0b1111111,
      updatedAt: NOW.getTime() + 2,
    });
    expect(await store.getUser(T, 'U2')).toMatchObject({ tzOverride: null, deflectionEnabled: true, updatedAt: NOW.getTime() });
    // An empty patch still touches the row.
    await store.updateUser(T, 'U2', {}, at(3));
    expect((await store.getUser(T, 'U2'))?.updatedAt).toBe(NOW.getTime() + 3);
  });

  it('applies long patches that differ only in their last column (prepared per set of columns)', async () => {
    const { store } = ctx();
    await store.upsertProfile(T, 'U1', profile('Ana'), NOW);
    const common = { tzOverride: 'Asia/Tokyo', workdayStartMinute: 420, workdayEndMinute: 900, workingDays: 0b0011111 };
    await store.updateUser(T, 'U1', { ...common, digestEnabled: false }, at(1));
    await store.updateUser(T, 'U1', { ...common, deflectionEnabled: false }, at(2));
    await store.updateUser(T, 'U1', { ...common, digestEnabled: true }, at(3));
    expect(await store.getUser(T, 'U1')).toMatchObject({ ...common, digestEnabled: true, deflectionEnabled: false, updatedAt: NOW.getTime() + 3 });
  });

  it('lists the people whose away status to read again: a stored status, a digest by then, a profile older than given; by digest time', async () => {
    const { store } = ctx();
    const H = 3600_000;
    const person = async (userId: string, key: string | null, nextIn: number | null, fetchedAt: Date) => {
      await store.upsertProfile(T, userId, profile(userId), fetchedAt);
      await store.updateUser(T, userId, { statusAwayKey: key, nextDigestAt: nextIn === null ? null : NOW.getTime() + nextIn }, NOW);
    };
    await person('U1', '0||OOO', 1 * H, at(-2 * H));
    await person('U2', '0||OOO', 0.5 * H, at(-2 * H)); // due first
    await person('U3', null, 1 * H, at(-2 * H)); // status not away
    await person('U4', '0||OOO', 3 * H, at(-2 * H)); // digest later than asked
    await person('U5', '0||OOO', 1 * H, at(-0.5 * H)); // read recently
    await person('U6', '0||OOO', null, at(-2 * H)); // no digest planned
    await store.upsertProfile('T2', 'U7', profile('U7'), at(-2 * H));
    await store.updateUser('T2', 'U7', { statusAwayKey: '0||OOO', nextDigestAt: NOW.getTime() + 2 * H }, NOW);
    expect(await store.awayStatusesToRecheck(NOW.getTime() + 2 * H, NOW.getTime() - H, 10)).toEqual([
      { teamId: T, userId: 'U2' },
      { teamId: T, userId: 'U1' },
      { teamId: 'T2', userId: 'U7' },
    ]);
    expect(await store.awayStatusesToRecheck(NOW.getTime() + 2 * H, NOW.getTime() - H, 1)).toEqual([{ teamId: T, userId: 'U2' }]);
  });

  it('finds people by display name, ignoring case, bots and deleted people, at most two', async () => {
    const { store } = ctx();
    await store.upsertProfile(T, 'U1', profile('Sam'), NOW);
    await store.upsertProfile(T, 'U2', profile('sam'), NOW);
    await store.upsertProfile(T, 'U3', profile('SAM'), NOW);
    await store.upsertProfile(T, 'U4', profile('Kim', { isBot: true }), NOW);
    await store.upsertProfile(T, 'U5', profile('Lee', { deleted: true }), NOW);
    await store.upsertProfile(T, 'U6', profile('Lee'), NOW);
    await store.upsertProfile('T2', 'U7', profile('Kim'), NOW);
    const sams = await store.findUserIdsByName(T, 'sAm');
    expect(sams).toHaveLength(2);
    expect(['U1', 'U2', 'U3']).toEqual(expect.arrayContaining(sams));
    expect(await store.findUserIdsByName(T, 'kim')).toEqual([]);
    expect(await store.findUserIdsByName(T, 'LEE')).toEqual(['U6']);
    expect(await store.findUserIdsByName(T, 'nobody')).toEqual([]);
  });
});

describeStores('display names', (ctx) => {
  it('lists one workspace’s people with their display names, by user id in byte order', async () => {
    const { store } = ctx();
    expect(await store.listDisplayNames(T)).toEqual([]);
    await store.upsertProfile(T, 'Ub', profile('Bea'), NOW);
    await store.upsertProfile(T, 'U2', profile('Ana', { deleted: true }), NOW);
    await store.upsertProfile(T, 'UC', profile('Cy', { isBot: true }), NOW);
    await store.upsertProfile('T2', 'U1', profile('Elsewhere'), NOW);
    expect(await store.listDisplayNames(T)).toEqual([
      { userId: 'U2', displayName: 'Ana' },
      { userId: 'UC', displayName: 'Cy' },
      { userId: 'Ub', displayName: 'Bea' },
    ]);
  });
});

describeStores('workspaces', (ctx) => {
  it('registers a workspace once, with the defaults', async () => {
    const { store } = ctx();
    expect(await store.getWorkspace(T)).toBeUndefined();
    await store.ensureWorkspace(T, NOW);
    await store.ensureWorkspace(T, at(5));
    expect(await store.getWorkspace(T)).toEqual({
      teamId: T,
      status: 'active',
      deflectionEnabled: true,
      nextHandoffNumber: 1,
      createdAt: NOW.getTime(),
      statusChangedAt: null,
      enterpriseId: null,
      staleAfterWorkingDays: 2,
      statusesReadAt: null,
      statusesCursor: null,
      purgedAt: null,
      name: null,
    });
  });

  it('hands out the workspace whose Slack statuses are due a read, page by page, never read first, active only', async () => {
    const { store } = ctx();
    const DAY = 86_400_000;
    expect(await store.workspaceForStatusRead(NOW.getTime())).toBeUndefined();
    for (const t of ['T3', 'T1', 'T2']) await store.ensureWorkspace(t, NOW);
    await store.setWorkspaceStatus('T3', 'uninstalled', NOW);
    expect(await store.workspaceForStatusRead(NOW.getTime())).toEqual({ teamId: 'T1', cursor: null });
    // A page read: the same workspace, from the next page.
    expect(await store.saveStatusRead('T1', null, 'dXNlcjpVMDI=', at(1))).toBe(true);
    expect(await store.workspaceForStatusRead(NOW.getTime())).toEqual({ teamId: 'T1', cursor: 'dXNlcjpVMDI=' });
    // Another process that read the first page too, later: its write changes nothing.
    expect(await store.saveStatusRead('T1', null, 'c3RhbGU=', at(1))).toBe(false);
    // The last page: read in full now, so the never-read one comes next.
    expect(await store.saveStatusRead('T1', 'dXNlcjpVMDI=', null, at(2))).toBe(true);
    // A slower process finishing the same last page, or going on from a page before it: nothing.
    expect(await store.saveStatusRead('T1', 'dXNlcjpVMDI=', null, at(3))).toBe(false);
    expect(await store.saveStatusRead('T1', 'dXNlcjpVMDI=', 'bGF0ZQ==', at(3))).toBe(false);
    expect(await store.getWorkspace('T1')).toMatchObject({ statusesReadAt: at(2).getTime(), statusesCursor: null });
    expect(await store.workspaceForStatusRead(at(2).getTime())).toEqual({ teamId: 'T2', cursor: null });
    expect(await store.saveStatusRead('T2', null, null, at(3))).toBe(true);
    // Both read: nothing is due until a read is older than the cut-off, then the oldest read first.
    expect(await store.workspaceForStatusRead(at(2).getTime())).toBeUndefined();
    expect(await store.workspaceForStatusRead(at(DAY).getTime())).toEqual({ teamId: 'T1', cursor: null });
  });

  it('keeps the stale threshold admins set (registering the workspace if needed), and the digest reads it', async () => {
    const { store } = ctx();
    expect(await store.staleAfterWorkingDays('T9')).toBeUndefined();
    await store.setStaleAfterWorkingDays('T9', 5, NOW);
    expect(await store.getWorkspace('T9')).toMatchObject({ staleAfterWorkingDays: 5, status: 'active', createdAt: NOW.getTime() });
    await store.setStaleAfterWorkingDays('T9', 1, at(1));
    expect(await store.staleAfterWorkingDays('T9')).toBe(1);
    expect(await store.getWorkspace('T9')).toMatchObject({ createdAt: NOW.getTime() });
  });

  it('records status changes (registering the workspace if needed) and says whether any is paused', async () => {
    const { store } = ctx();
    await store.ensureWorkspace(T, NOW);
    expect(await store.anyWorkspacePaused()).toBe(false);
    await store.setWorkspaceStatus('T2', 'tokens_revoked', at(1));
    expect(await store.getWorkspace('T2')).toMatchObject({ status: 'tokens_revoked', statusChangedAt: NOW.getTime() + 1, createdAt: NOW.getTime() + 1 });
    expect(await store.anyWorkspacePaused()).toBe(true);
    await store.setWorkspaceStatus('T2', 'active', at(2));
    expect(await store.getWorkspace('T2')).toMatchObject({ status: 'active', statusChangedAt: NOW.getTime() + 2, createdAt: NOW.getTime() + 1 });
    expect(await store.anyWorkspacePaused()).toBe(false);
    await store.setWorkspaceStatus(T, 'uninstalled', at(3));
    expect(await store.getWorkspace(T)).toMatchObject({ status: 'uninstalled', createdAt: NOW.getTime() });
    expect(await store.anyWorkspacePaused()).toBe(true);
  });

  it('allocates handoff numbers 1, 2, 3… per workspace, and refuses an unknown workspace', async () => {
    const { store } = ctx();
    await store.ensureWorkspace(T, NOW);
    await store.ensureWorkspace('T2', NOW);
    expect([await store.allocateHandoffNumber(T), await store.allocateHandoffNumber(T), await store.allocateHandoffNumber('T2'), await store.allocateHandoffNumber(T)]).toEqual([
      1, 2, 1, 3,
    ]);
    expect((await store.getWorkspace(T))?.nextHandoffNumber).toBe(4);
    await expect(store.allocateHandoffNumber('T9')).rejects.toThrow('workspace T9 is not registered');
  });

  it('lists every workspace by team id, in byte order on both backends', async () => {
    const { store } = ctx();
    expect(await store.listWorkspaceIds()).toEqual([]);
    for (const teamId of ['T2', 'Ta', 'T10', 'TB']) await store.ensureWorkspace(teamId, NOW);
    expect(await store.listWorkspaceIds()).toEqual(['T10', 'T2', 'TB', 'Ta']);
  });
});

/**
 * The locking reads (`…ForUpdate`) that decide a write in the same transaction: a rival transaction's
 * locking read waits until the first commits, then sees its write. PostgreSQL: FOR UPDATE (READ
 * COMMITTED does not lock a plain read); SQLite: a plain read, its transactions already serialised.
 */
describeStores('locking reads', (ctx) => {
  /** Runs `hold` then, once a rival's `read` is waiting (or has wrongly finished), `write`; the rival's read. */
  async function contend<R>(hold: (tx: Tx) => Promise<unknown>, write: (tx: Tx) => Promise<unknown>, read: (tx: Tx) => Promise<R>): Promise<R> {
    const { store, rival, waitingForLock } = ctx();
    const other = await rival();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const first = store.transaction(async (tx) => {
      await hold(tx);
      holding();
      await released;
      await write(tx);
    });
    await held;
    const second = other.transaction(read);
    // Without the lock the rival reads at once, before the write: the race then ends on `second`.
    await Promise.race([second, waitingForLock()]);
    release();
    await first;
    return second;
  }

  it('getUserForUpdate: a rival’s locking read of the person waits for the transaction, then sees its write', async () => {
    const { store } = ctx();
    await store.upsertProfile(T, 'U1', profile('Ana'), NOW);
    const seen = await contend(
      (tx) => tx.getUserForUpdate(T, 'U1'),
      (tx) => tx.updateUser(T, 'U1', { tzOverride: 'Asia/Tokyo' }, at(1)),
      (tx) => tx.getUserForUpdate(T, 'U1'),
    );
    expect(seen).toMatchObject({ userId: 'U1', tzOverride: 'Asia/Tokyo', updatedAt: NOW.getTime() + 1 });
    expect(await store.getUserForUpdate(T, 'U9')).toBeUndefined();
  });

  it('getWorkspaceForUpdate: a rival’s locking read of the workspace waits for the transaction, then sees its write', async () => {
    const { store } = ctx();
    await store.setWorkspaceStatus(T, 'tokens_revoked', NOW);
    const seen = await contend(
      (tx) => tx.getWorkspaceForUpdate(T),
      (tx) => tx.setWorkspaceStatus(T, 'active', at(1)),
      (tx) => tx.getWorkspaceForUpdate(T),
    );
    expect(seen).toMatchObject({ teamId: T, status: 'active', statusChangedAt: NOW.getTime() + 1 });
    expect(await store.getWorkspaceForUpdate('T9')).toBeUndefined();
  });

  it('a write from a rival waits for the locking read’s transaction too (a pause is not lost under a resume)', async () => {
    const { store } = ctx();
    await store.setWorkspaceStatus(T, 'tokens_revoked', NOW);
    const { rival, waitingForLock } = ctx();
    const other = await rival();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    // resumeIfPaused's shape: read the status locked, decide, write 'active'.
    const resume = store.transaction(async (tx) => {
      const ws = await tx.getWorkspaceForUpdate(T);
      holding();
      await released;
      if (ws?.status !== 'active') await tx.setWorkspaceStatus(T, 'active', at(1));
    });
    await held;
    // app_uninstalled lands meanwhile, on another replica.
    const pause = other.setWorkspaceStatus(T, 'uninstalled', at(2));
    await Promise.race([pause, waitingForLock()]);
    release();
    await Promise.all([resume, pause]);
    expect(await store.getWorkspace(T)).toMatchObject({ status: 'uninstalled', statusChangedAt: NOW.getTime() + 2 });
  });
});
