/**
 * What the digest sweep and one person's digest read and write, through the Store contract, on
 * SQLite and PostgreSQL.
 */
import type { HandoffDraft } from '../../../src/domain/handoffDraft';
import type { Store } from '../../../src/db/store';
import { describeStores } from '../support/stores';
import { digestDedupeKey } from '../../../src/db/queries/dueDigests';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);

async function person(store: Store, userId: string, patch: Parameters<Store['updateUser']>[2] = {}, teamId = T) {
  await store.upsertProfile(teamId, userId, { displayName: userId, isBot: false, deleted: false, slackTz: 'Europe/Paris' }, NOW);
  await store.updateUser(teamId, userId, patch, NOW);
}

const draft = (authorId: string, recipientIds: string[], ask: string, neededByAt: Date | null = null): HandoffDraft => ({
  authorId,
  recipientIds,
  title: ask,
  context: '',
  ask,
  links: '',
  ifOffline: '',
  neededByAt,
  channelId: null,
  urgent: false,
});

async function create(store: Store, authorId: string, recipientIds: string[], ask: string, when: Date, neededBy: Date | null = null) {
  const r = await store.createHandoff(T, draft(authorId, recipientIds, ask, neededBy), when, { idempotencyKey: null, sourcePermalink: null });
  if (r.status !== 'created') throw new Error(r.status);
  return r.handoff.id;
}

describeStores('due digests', (ctx) => {
  it('finds people due, most overdue first, up to the limit, none of a paused workspace', async () => {
    const { store } = ctx();
    await person(store, 'U1', { nextDigestAt: NOW.getTime() - 10, nextDigestLocalDate: '2026-11-30', awayUntil: '2026-12-01', workingDays: 0b0011110 });
    await person(store, 'U2', { nextDigestAt: NOW.getTime() - 20 });
    await person(store, 'U3', { nextDigestAt: NOW.getTime() + 10 });
    await person(store, 'U4');
    await person(store, 'U5', { nextDigestAt: NOW.getTime() - 30 }, 'T9');
    await store.setWorkspaceStatus('T9', 'uninstalled', NOW);
    const due = await store.dueForDigest(NOW.getTime(), 10);
    expect(due.map((u) => u.userId)).toEqual(['U2', 'U1']);
    expect(due[1]).toEqual({
      teamId: T,
      userId: 'U1',
      slackTz: 'Europe/Paris',
      tzOverride: null,
      workdayStartMinute: 540,
      workdayEndMinute: 1020,
      workingDays: 0b0011110,
      awayUntil: '2026-12-01',
      holidayRegion: null,
      statusAwayUntil: null,
      nextDigestAt: NOW.getTime() - 10,
      nextDigestLocalDate: '2026-11-30',
      lastDigestLocalDate: null,
      lastDigestAt: null,
    });
    expect((await store.dueForDigest(NOW.getTime(), 1)).map((u) => u.userId)).toEqual(['U2']);
    expect((await store.dueForDigest(NOW.getTime() + 10, 10)).map((u) => u.userId)).toEqual(['U2', 'U1', 'U3']);
  });

  it('breaks ties between people due at the same instant by workspace and person, on both backends', async () => {
    const { store } = ctx();
    for (const [userId, teamId] of [
      ['U9', 'T2'],
      ['U8', T],
      ['U1', 'T2'],
      ['U7', T],
    ] as const)
      await person(store, userId, { nextDigestAt: NOW.getTime() }, teamId);
    await person(store, 'U0', { nextDigestAt: NOW.getTime() + 1 });
    expect((await store.dueForDigest(NOW.getTime() + 1, 10)).map((u) => `${u.teamId}/${u.userId}`)).toEqual(['T1/U7', 'T1/U8', 'T2/U1', 'T2/U9', 'T1/U0']);
    expect((await store.dueForDigest(NOW.getTime(), 2)).map((u) => u.userId)).toEqual(['U7', 'U8']);
  });

  it('enqueues a digest once per person and date, due when the sweep placed it in the wave', async () => {
    const { store } = ctx();
    const row = {
      teamId: T,
      userId: 'U1',
      dedupeKey: 'digest:U1:2026-11-30',
      localDate: '2026-11-30',
      payload: '{"deadline":1}',
      status: 'pending' as const,
      lastError: null,
      dueAt: NOW.getTime() - 250,
    };
    expect(await store.enqueueDigests([row], NOW.getTime())).toEqual([true]);
    expect(await store.enqueueDigests([{ ...row, dueAt: NOW.getTime() - 5 }], NOW.getTime() + 1)).toEqual([false]);
    expect(
      await store.enqueueDigests([{ ...row, userId: 'U2', dedupeKey: 'digest:U2:2026-11-30', status: 'skipped', lastError: 'digest off', dueAt: NOW.getTime() }], NOW.getTime()),
    ).toEqual([true]);
    const [first] = await store.digestRowsFor(T, 'U1', '2026-11-30');
    expect(first).toMatchObject({ kind: 'digest', status: 'pending', nextAttemptAt: NOW.getTime() - 250, createdAt: NOW.getTime(), updatedAt: NOW.getTime(), lastError: null });
    expect(JSON.parse(first!.payload)).toEqual({ deadline: 1 });
    expect((await store.digestRowsFor(T, 'U2', '2026-11-30'))[0]).toMatchObject({ status: 'skipped', lastError: 'digest off' });
    expect(await store.enqueueDigests([], NOW.getTime())).toEqual([]);
  });

  it('enqueues a slice of rows in one call, in order, each key once', async () => {
    const { store } = ctx();
    const row = (userId: string, localDate: string, teamId = T) => ({
      teamId,
      userId,
      dedupeKey: `digest:${userId}:${localDate}`,
      localDate,
      payload: '{}',
      status: 'pending' as const,
      lastError: null,
      dueAt: NOW.getTime(),
    });
    await store.enqueueDigests([row('U2', '2026-11-30')], NOW.getTime());
    // Already there (U2), the same key twice in the call (U3: its first row wins), the same key in another workspace.
    const rows = [
      row('U1', '2026-11-29'),
      row('U2', '2026-11-30'),
      row('U3', '2026-11-30'),
      { ...row('U3', '2026-11-30'), payload: '{"second":true}' },
      row('U1', '2026-11-30'),
      row('U3', '2026-11-30', 'T9'),
    ];
    expect(await store.enqueueDigests(rows, NOW.getTime())).toEqual([true, false, true, false, true, true]);
    const ids = async (userId: string, localDate: string, teamId = T) => (await store.digestRowsFor(teamId, userId, localDate)).map((r) => r.id);
    const [u1a, u3, u1b, t9] = [
      ...(await ids('U1', '2026-11-29')),
      ...(await ids('U3', '2026-11-30')),
      ...(await ids('U1', '2026-11-30')),
      ...(await ids('U3', '2026-11-30', 'T9')),
    ];
    // Ids in the order given, as the outbox breaks ties between rows due at the same instant.
    expect(u1a! < u3! && u3! < u1b! && u1b! < t9!).toBe(true);
    expect(JSON.parse((await store.digestRowsFor(T, 'U3', '2026-11-30'))[0]!.payload)).toEqual({});
  });

  it('undoes a digest planned ahead of its slot, and only that: putting the person back as before', async () => {
    const { store } = ctx();
    const slot = NOW.getTime() + 30_000;
    const dayBefore = slot - 86_400_000;
    // As the sweep leaves a person whose Monday digest it planned 30 s ahead of its slot.
    await person(store, 'U1', { nextDigestAt: slot + 86_400_000, nextDigestLocalDate: '2026-12-01', lastDigestLocalDate: '2026-11-30', lastDigestAt: slot });
    const planned = {
      teamId: T,
      userId: 'U1',
      dedupeKey: digestDedupeKey('U1', { localDate: '2026-11-30', at: new Date(slot) }),
      localDate: '2026-11-30',
      payload: JSON.stringify({ before: { last: '2026-11-27', lastAt: dayBefore } }),
      status: 'pending' as const,
      lastError: null,
      dueAt: slot + 400,
    };
    await store.enqueueDigests([planned], NOW.getTime());
    // Someone else's row with no history kept (planned at its slot, not ahead) is never undone.
    await person(store, 'U2', { lastDigestLocalDate: '2026-11-30', lastDigestAt: slot });
    await store.enqueueDigests([{ ...planned, userId: 'U2', dedupeKey: digestDedupeKey('U2', { localDate: '2026-11-30', at: new Date(slot) }), payload: '{}' }], NOW.getTime());
    const u2 = await store.getUser(T, 'U2');

    // From the slot on, it is that day's digest.
    expect(await store.transaction((tx) => tx.unplanDigest(u2!, NOW.getTime()))).toBe(false);
    expect(await store.unplanDigest((await store.getUser(T, 'U1'))!, slot + 400)).toBe(false);
    expect(await store.digestRowsFor(T, 'U1', '2026-11-30')).toHaveLength(1);

    expect(await store.transaction(async (tx) => tx.unplanDigest((await tx.getUser(T, 'U1'))!, NOW.getTime() + 1))).toBe(true);
    expect(await store.digestRowsFor(T, 'U1', '2026-11-30')).toEqual([]);
    expect(await store.getUser(T, 'U1')).toMatchObject({
      nextDigestAt: slot,
      nextDigestLocalDate: '2026-11-30',
      lastDigestLocalDate: '2026-11-27',
      lastDigestAt: dayBefore,
      updatedAt: NOW.getTime() + 1,
    });
    // Nothing left to undo.
    expect(await store.unplanDigest((await store.getUser(T, 'U1'))!, NOW.getTime() + 2)).toBe(false);
    expect(await store.digestRowsFor(T, 'U2', '2026-11-30')).toHaveLength(1);
    expect(await store.getUser(T, 'U2')).toEqual(u2);
  });

  it('advances schedules (keeping the last instant when none is given) and parks one for a retry', async () => {
    const { store } = ctx();
    await person(store, 'U1', { nextDigestAt: NOW.getTime(), lastDigestAt: 111 });
    await person(store, 'U2', { nextDigestAt: NOW.getTime(), lastDigestLocalDate: '2026-11-27', lastDigestAt: 222 });
    await person(store, 'U3', { nextDigestAt: NOW.getTime() });
    const u3 = await store.getUser(T, 'U3');
    const next = NOW.getTime() + 86_400_000;
    await store.advanceDigestSchedules(
      [
        { teamId: T, userId: 'U1', nextAt: next, nextDate: '2026-12-01', last: '2026-11-30', lastAt: null },
        { teamId: T, userId: 'U2', nextAt: next + 5, nextDate: '2026-12-02', last: '2026-11-30', lastAt: NOW.getTime() },
      ],
      NOW.getTime() + 1,
    );
    expect(await store.getUser(T, 'U1')).toMatchObject({
      nextDigestAt: next,
      nextDigestLocalDate: '2026-12-01',
      lastDigestLocalDate: '2026-11-30',
      lastDigestAt: 111,
      updatedAt: NOW.getTime() + 1,
    });
    expect(await store.getUser(T, 'U2')).toMatchObject({
      nextDigestAt: next + 5,
      nextDigestLocalDate: '2026-12-02',
      lastDigestLocalDate: '2026-11-30',
      lastDigestAt: NOW.getTime(),
    });
    expect(await store.getUser(T, 'U3')).toEqual(u3);
    await store.advanceDigestSchedules([{ teamId: T, userId: 'U1', nextAt: next + 1, nextDate: '2026-12-02', last: null, lastAt: NOW.getTime() }], NOW.getTime() + 2);
    expect(await store.getUser(T, 'U1')).toMatchObject({ nextDigestAt: next + 1, lastDigestLocalDate: null, lastDigestAt: NOW.getTime() });
    await store.advanceDigestSchedules([], NOW.getTime() + 3);
    await store.retryDigestAt(T, 'U1', NOW.getTime() + 60_000, NOW.getTime() + 3);
    expect(await store.getUser(T, 'U1')).toMatchObject({ nextDigestAt: NOW.getTime() + 60_000, nextDigestLocalDate: '2026-12-02', updatedAt: NOW.getTime() + 3 });
  });
});

describeStores('one digest', (ctx) => {
  it('reads the person, their zone columns, and how many asks they have open', async () => {
    const { store } = ctx();
    await person(store, 'U1', { tzOverride: 'Asia/Tokyo', digestEnabled: false, awayUntil: '2026-12-24' });
    expect(await store.digestPerson(T, 'U1')).toEqual({
      teamId: T,
      userId: 'U1',
      slackTz: 'Europe/Paris',
      tzOverride: 'Asia/Tokyo',
      workdayStartMinute: 540,
      workdayEndMinute: 1020,
      workingDays: 0b0111110,
      awayUntil: '2026-12-24',
      holidayRegion: null,
      statusAwayUntil: null,
      digestEnabled: false,
    });
    expect(await store.zoneColumns(T, 'U1')).toEqual({ slackTz: 'Europe/Paris', tzOverride: 'Asia/Tokyo' });
    expect(await store.digestPerson(T, 'U9')).toBeUndefined();
    expect(await store.zoneColumns(T, 'U9')).toBeUndefined();
    expect(await store.openAuthoredCount(T, 'U1')).toBe(0);
    await create(store, 'U1', ['U2'], 'a', NOW);
    expect(await store.openAuthoredCount(T, 'U1')).toBe(1);
  });

  it('lists what waits on the person and the outcomes nobody told them yet, with every recipient', async () => {
    const { store } = ctx();
    const older = await create(store, 'A', ['U2', 'U1'], 'older', at(-2000));
    const newer = await create(store, 'B', ['U1'], 'newer', at(-1000));
    await create(store, 'A', ['U2'], 'not U1', at(-500));
    const waiting = await store.waitingOn(T, 'U1');
    expect(waiting.map((h) => [h.id, h.recipients.map((r) => r.userId)])).toEqual([
      [older, ['U2', 'U1']],
      [newer, ['U1']],
    ]);
    expect(waiting[0]).toEqual(await store.loadHandoff(T, older));

    const resolve = (id: number, state: 'done' | 'declined', ms: number) =>
      store.applyDecision({
        teamId: T,
        handoffId: id,
        actorId: 'U1',
        decision: { ok: true, noop: false, nextState: state, eventKind: state, addRecipients: [], removeRecipients: [], unblocksAuthor: true },
        expectedState: 'open',
        note: null,
        now: at(ms),
      });
    await resolve(newer, 'declined', 20);
    await resolve(older, 'done', 10);
    expect((await store.untoldOutcomes(T, 'A')).map((h) => [h.id, h.state, h.recipients.length])).toEqual([[older, 'done', 2]]);
    expect((await store.untoldOutcomes(T, 'B')).map((h) => h.id)).toEqual([newer]);
    await store.markAuthorNotified(T, [older], at(30));
    expect(await store.untoldOutcomes(T, 'A')).toEqual([]);
    expect(await store.waitingOn(T, 'U1')).toEqual([]);
  });

  it('reads the schedules of the people the person waits on, not their own', async () => {
    const { store } = ctx();
    await person(store, 'U2', { tzOverride: 'Asia/Tokyo' });
    await person(store, 'U3', { workingDays: 0b1000001 });
    await person(store, 'A');
    await create(store, 'A', ['U2', 'U3', 'A'], 'x', NOW);
    await create(store, 'A', ['U2'], 'y', NOW);
    await create(store, 'B', ['U4'], 'z', NOW);
    const schedules = (await store.waitedOnSchedules(T, 'A')).sort((a, b) => a.userId.localeCompare(b.userId));
    expect(schedules).toEqual([
      {
        teamId: T,
        userId: 'U2',
        slackTz: 'Europe/Paris',
        tzOverride: 'Asia/Tokyo',
        workdayStartMinute: 540,
        workdayEndMinute: 1020,
        workingDays: 0b0111110,
        awayUntil: null,
        holidayRegion: null,
        statusAwayUntil: null,
      },
      {
        teamId: T,
        userId: 'U3',
        slackTz: 'Europe/Paris',
        tzOverride: null,
        workdayStartMinute: 540,
        workdayEndMinute: 1020,
        workingDays: 0b1000001,
        awayUntil: null,
        holidayRegion: null,
        statusAwayUntil: null,
      },
    ]);
    expect(await store.waitedOnSchedules(T, 'B')).toEqual([]);
  });
});

describeStores('follow-through on unanswered asks', (ctx) => {
  it('lists an author’s open asks per active recipient not yet asked about, with their schedule; offered once; a re-add asks again', async () => {
    const { store } = ctx();
    await person(store, 'UA');
    await person(store, 'UK', { tzOverride: 'Asia/Tokyo', workingDays: 0b0111110 });
    await person(store, 'UL');
    const first = await create(store, 'UA', ['UK', 'UL'], 'review the contract', NOW);
    const second = await create(store, 'UA', ['UK'], 'sign the form', at(60_000));
    await create(store, 'UK', ['UA'], 'not the author’s', NOW);
    const asks = await store.unansweredAsks(T, 'UA');
    expect(asks.map((a) => [a.handoffId, a.recipientId])).toEqual([
      [first, 'UK'],
      [first, 'UL'],
      [second, 'UK'],
    ]);
    expect(asks[0]).toMatchObject({ number: 1, title: 'review the contract', ask: 'review the contract', addedAt: NOW.getTime() });
    expect(asks[0]!.schedule).toMatchObject({ userId: 'UK', tzOverride: 'Asia/Tokyo', workingDays: 0b0111110, workdayStartMinute: 540 });
    await store.markStaleOffered(first, 'UK', at(1));
    await store.markStaleOffered(first, 'UK', at(2)); // once: the first time is kept
    expect((await store.unansweredAsks(T, 'UA')).map((a) => [a.handoffId, a.recipientId])).toEqual([
      [first, 'UL'],
      [second, 'UK'],
    ]);
    const row = (await store.loadHandoff(T, first))!.recipients.find((r) => r.userId === 'UK')!;
    expect(row.staleOfferedAt).toBe(at(1).getTime());
  });

  it('a nudge is set once per recipient day, only later days move it, only for an active recipient', async () => {
    const { store } = ctx();
    await person(store, 'UA');
    await person(store, 'UK');
    const id = await create(store, 'UA', ['UK'], 'review the contract', NOW);
    expect(await store.nudgeRecipient(id, 'UK', '2026-12-09')).toBe(true);
    expect(await store.nudgeRecipient(id, 'UK', '2026-12-09')).toBe(false);
    expect(await store.nudgeRecipient(id, 'UK', '2026-12-08')).toBe(false);
    expect((await store.loadHandoff(T, id))!.recipients[0]!.nudgedOn).toBe('2026-12-09');
    expect(await store.nudgeRecipient(id, 'UK', '2026-12-10')).toBe(true);
    expect(await store.nudgeRecipient(id, 'UNOBODY', '2026-12-10')).toBe(false);
    // Two nudges at once for the same day: one wins.
    const both = await Promise.all([store.nudgeRecipient(id, 'UK', '2026-12-11'), store.nudgeRecipient(id, 'UK', '2026-12-11')]);
    expect(both.filter(Boolean)).toHaveLength(1);
  });

  it('lists unresolved asks with a "needed by" not yet warned about, soonest first, per person on them; warned once', async () => {
    const { store } = ctx();
    await person(store, 'UA');
    await person(store, 'UK', { tzOverride: 'Asia/Tokyo' });
    await person(store, 'UL');
    const later = await create(store, 'UA', ['UK'], 'later', NOW, at(3 * 3600_000));
    const sooner = await create(store, 'UA', ['UK', 'UL'], 'sooner', NOW, at(3600_000));
    await create(store, 'UA', ['UK'], 'no date', NOW);
    const asks = await store.neededByAsks(T, 'UA');
    expect(asks.map((a) => [a.handoffId, a.recipientId])).toEqual([
      [sooner, 'UK'],
      [sooner, 'UL'],
      [later, 'UK'],
    ]);
    expect(asks[0]).toMatchObject({ number: 2, title: 'sooner', neededByAt: at(3600_000).getTime() });
    expect(asks[0]!.schedule).toMatchObject({ userId: 'UK', tzOverride: 'Asia/Tokyo' });
    await store.markNeededByWarned(T, [sooner], at(1));
    await store.markNeededByWarned('T9', [later], at(1)); // another workspace's call changes nothing here
    expect((await store.neededByAsks(T, 'UA')).map((a) => a.handoffId)).toEqual([later]);
    expect((await store.loadHandoff(T, sooner))!.neededByWarnedAt).toBe(at(1).getTime());
  });
});
