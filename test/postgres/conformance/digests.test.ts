/**
 * What the digest sweep and one person's digest read and write, through the Store contract, on
 * SQLite and PostgreSQL.
 */
import type { HandoffDraft } from '../../../src/domain/handoffDraft';
import type { Store } from '../../../src/db/store';
import { describeStores } from '../support/stores';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);

async function person(store: Store, userId: string, patch: Parameters<Store['updateUser']>[2] = {}, teamId = T) {
  await store.upsertProfile(teamId, userId, { displayName: userId, isBot: false, deleted: false, slackTz: 'Europe/Paris' }, NOW);
  await store.updateUser(teamId, userId, patch, NOW);
}

const draft = (authorId: string, recipientIds: string[], ask: string): HandoffDraft => ({
  authorId,
  recipientIds,
  title: ask,
  context: '',
  ask,
  links: '',
  ifOffline: '',
  neededByAt: null,
  channelId: null,
  urgent: false,
});

async function create(store: Store, authorId: string, recipientIds: string[], ask: string, when: Date) {
  const r = await store.createHandoff(T, draft(authorId, recipientIds, ask), when, { idempotencyKey: null, sourcePermalink: null });
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
      nextDigestAt: NOW.getTime() - 10,
      nextDigestLocalDate: '2026-11-30',
      lastDigestLocalDate: null,
      lastDigestAt: null,
    });
    expect((await store.dueForDigest(NOW.getTime(), 1)).map((u) => u.userId)).toEqual(['U2']);
    expect((await store.dueForDigest(NOW.getTime() + 10, 10)).map((u) => u.userId)).toEqual(['U2', 'U1', 'U3']);
  });

  it('enqueues a digest once per person and date, due at its dueAt (its turn in the wave)', async () => {
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
    expect(await store.enqueueDigest(row, NOW.getTime())).toBe(true);
    expect(await store.enqueueDigest({ ...row, dueAt: NOW.getTime() + 5 }, NOW.getTime() + 1)).toBe(false);
    expect(
      await store.enqueueDigest({ ...row, userId: 'U2', dedupeKey: 'digest:U2:2026-11-30', status: 'skipped', lastError: 'digest off', dueAt: NOW.getTime() }, NOW.getTime()),
    ).toBe(true);
    const [first] = await store.digestRowsFor(T, 'U1', '2026-11-30');
    expect(first).toMatchObject({ kind: 'digest', status: 'pending', nextAttemptAt: NOW.getTime() - 250, createdAt: NOW.getTime(), updatedAt: NOW.getTime(), lastError: null });
    expect(JSON.parse(first!.payload)).toEqual({ deadline: 1 });
    expect((await store.digestRowsFor(T, 'U2', '2026-11-30'))[0]).toMatchObject({ status: 'skipped', lastError: 'digest off' });
  });

  it('advances a schedule (keeping the last instant when none is given) and parks one for a retry', async () => {
    const { store } = ctx();
    await person(store, 'U1', { nextDigestAt: NOW.getTime(), lastDigestAt: 111 });
    const next = NOW.getTime() + 86_400_000;
    await store.advanceDigestSchedule({ teamId: T, userId: 'U1', nextAt: next, nextDate: '2026-12-01', last: '2026-11-30', lastAt: null }, NOW.getTime() + 1);
    expect(await store.getUser(T, 'U1')).toMatchObject({
      nextDigestAt: next,
      nextDigestLocalDate: '2026-12-01',
      lastDigestLocalDate: '2026-11-30',
      lastDigestAt: 111,
      updatedAt: NOW.getTime() + 1,
    });
    await store.advanceDigestSchedule({ teamId: T, userId: 'U1', nextAt: next + 1, nextDate: '2026-12-02', last: null, lastAt: NOW.getTime() }, NOW.getTime() + 2);
    expect(await store.getUser(T, 'U1')).toMatchObject({ nextDigestAt: next + 1, lastDigestLocalDate: null, lastDigestAt: NOW.getTime() });
    await store.retryDigestAt(T, 'U1', NOW.getTime() + 60_000, NOW.getTime() + 3);
    expect(await store.getUser(T, 'U1')).toMatchObject({ nextDigestAt: NOW.getTime() + 60_000, nextDigestLocalDate: '2026-12-02', updatedAt: NOW.getTime() + 3 });
  });
});

describeStores('planned-ahead digests', (ctx) => {
  const SLOT = NOW.getTime() + 60_000;

  /** `userId`, whose 2026-11-30 digest (slot a minute from NOW) the sweep planned ahead, as the sweep leaves it. */
  async function plannedAhead(store: Store, userId: string, payload: Record<string, unknown>) {
    await person(store, userId, { nextDigestAt: SLOT + 86_400_000, nextDigestLocalDate: '2026-12-01', lastDigestLocalDate: '2026-11-30', lastDigestAt: SLOT });
    const row = {
      teamId: T,
      userId,
      dedupeKey: `digest:${userId}:2026-11-30`,
      localDate: '2026-11-30',
      payload: JSON.stringify(payload),
      status: 'pending' as const,
      lastError: null,
      dueAt: SLOT + 7,
    };
    expect(await store.enqueueDigest(row, NOW.getTime())).toBe(true);
    return (await store.getUser(T, userId))!;
  }

  it('undoes a digest planned ahead: deletes its row and puts the person back as before it was planned', async () => {
    const { store } = ctx();
    const u = await plannedAhead(store, 'U1', { slotAt: SLOT, before: { last: '2026-11-27', lastAt: SLOT - 3 * 86_400_000 } });
    expect(await store.unplanDigest(u, NOW.getTime())).toBe(true);
    expect(await store.digestRowsFor(T, 'U1', '2026-11-30')).toEqual([]);
    expect(await store.getUser(T, 'U1')).toMatchObject({
      nextDigestAt: SLOT,
      nextDigestLocalDate: '2026-11-30',
      lastDigestLocalDate: '2026-11-27',
      lastDigestAt: SLOT - 3 * 86_400_000,
      updatedAt: NOW.getTime(),
    });
    // Nothing is left to undo.
    expect(await store.unplanDigest((await store.getUser(T, 'U1'))!, NOW.getTime())).toBe(false);
  });

  it('undoes nothing without the history it replaced, nor from the slot on; a rolled-back transaction undoes the undo', async () => {
    const { store } = ctx();
    const u1 = await plannedAhead(store, 'U1', { slotAt: SLOT });
    expect(await store.unplanDigest(u1, NOW.getTime())).toBe(false);
    expect(await store.digestRowsFor(T, 'U1', '2026-11-30')).toHaveLength(1);
    const u2 = await plannedAhead(store, 'U2', { slotAt: SLOT, before: { last: null, lastAt: null } });
    expect(await store.unplanDigest(u2, SLOT)).toBe(false);
    expect(await store.unplanDigest(u2, SLOT + 8)).toBe(false);
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.unplanDigest(u2, NOW.getTime())).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await store.digestRowsFor(T, 'U2', '2026-11-30')).toHaveLength(1);
    expect(await store.getUser(T, 'U2')).toEqual(u2);
  });

  it('says when the next pending row not yet due comes due', async () => {
    const { store } = ctx();
    expect(await store.nextDueAfter(NOW)).toBeNull();
    await plannedAhead(store, 'U1', { slotAt: SLOT });
    expect(await store.enqueue({ teamId: T, kind: 'dm', dedupeKey: 'dm:now', userId: 'U1', payload: {} }, NOW)).not.toBeNull();
    expect(await store.nextDueAfter(NOW)).toBe(SLOT + 7);
    expect(await store.nextDueAfter(new Date(SLOT + 7))).toBeNull();
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
      { teamId: T, userId: 'U2', slackTz: 'Europe/Paris', tzOverride: 'Asia/Tokyo', workdayStartMinute: 540, workdayEndMinute: 1020, workingDays: 0b0111110, awayUntil: null },
      { teamId: T, userId: 'U3', slackTz: 'Europe/Paris', tzOverride: null, workdayStartMinute: 540, workdayEndMinute: 1020, workingDays: 0b1000001, awayUntil: null },
    ]);
    expect(await store.waitedOnSchedules(T, 'B')).toEqual([]);
  });
});
