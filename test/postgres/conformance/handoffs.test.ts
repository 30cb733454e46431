/**
 * Handoffs, recipients and the event log through the Store contract, on SQLite and PostgreSQL:
 * creation (and its duplicate, repeat and author-limit answers), decisions, and every list the app
 * and the digest read.
 */
import type { HandoffDraft } from '../../../src/domain/handoffDraft';
import type { Decision, HandoffState } from '../../../src/domain/handoffLifecycle';
import type { Store } from '../../../src/db/store';
import { describeStores } from '../support/stores';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);

const draft = (ask: string, recipientIds: string[], more: Partial<HandoffDraft> = {}): HandoffDraft => ({
  authorId: 'A',
  recipientIds,
  title: `title ${ask}`,
  context: 'ctx',
  ask,
  links: 'https://example.com',
  ifOffline: 'wait',
  neededByAt: null,
  channelId: null,
  urgent: false,
  ...more,
});

const NO_OPTS = { idempotencyKey: null, sourcePermalink: null };

async function create(store: Store, ask: string, recipientIds: string[], when = NOW, more: Partial<HandoffDraft> = {}) {
  const r = await store.createHandoff(T, draft(ask, recipientIds, more), when, NO_OPTS);
  if (r.status !== 'created') throw new Error(`not created: ${r.status}`);
  return r.handoff;
}

type Ok = Extract<Decision, { ok: true }>;
const decision = (nextState: HandoffState, eventKind: Ok['eventKind'], change: Partial<Pick<Ok, 'addRecipients' | 'removeRecipients'>> = {}): Ok => ({
  ok: true,
  noop: false,
  nextState,
  eventKind,
  addRecipients: [],
  removeRecipients: [],
  unblocksAuthor: false,
  ...change,
});

describeStores('handoffs', (ctx) => {
  it('creates a handoff with its recipients in order and its first event, numbered per workspace', async () => {
    const { store } = ctx();
    const r = await store.createHandoff(T, draft('review the PR', ['U2', 'U1'], { urgent: true, neededByAt: at(86_400_000), channelId: 'C1' }), NOW, {
      idempotencyKey: 'view-1',
      sourcePermalink: 'https://slack/p1',
    });
    expect(r.status).toBe('created');
    const h = r.status === 'created' ? r.handoff : undefined;
    expect(h).toMatchObject({
      teamId: T,
      number: 1,
      authorId: 'A',
      title: 'title review the PR',
      context: 'ctx',
      ask: 'review the PR',
      links: 'https://example.com',
      ifOffline: 'wait',
      neededByAt: NOW.getTime() + 86_400_000,
      urgent: true,
      state: 'open',
      channelId: 'C1',
      channelTs: null,
      sourcePermalink: 'https://slack/p1',
      resolutionNote: null,
      resolvedBy: null,
      resolvedAt: null,
      authorNotifiedAt: null,
      neededByWarnedAt: null,
      idempotencyKey: 'view-1',
      createdAt: NOW.getTime(),
      updatedAt: NOW.getTime(),
    });
    expect(h?.recipients).toEqual([
      {
        handoffId: h?.id,
        teamId: T,
        userId: 'U2',
        recipientTeamId: T,
        active: true,
        notifiedAt: null,
        snoozedUntilDate: null,
        addedAt: NOW.getTime(),
        position: 0,
        staleOfferedAt: null,
        nudgedOn: null,
        handoffOpen: true,
        handoffCreatedAt: NOW.getTime(),
      },
      {
        handoffId: h?.id,
        teamId: T,
        userId: 'U1',
        recipientTeamId: T,
        active: true,
        notifiedAt: null,
        snoozedUntilDate: null,
        addedAt: NOW.getTime(),
        position: 1,
        staleOfferedAt: null,
        nudgedOn: null,
        handoffOpen: true,
        handoffCreatedAt: NOW.getTime(),
      },
    ]);
    const events = await store.listEvents(h!.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ teamId: T, handoffId: h!.id, actorId: 'A', kind: 'created', fromState: null, toState: 'open', note: null, at: NOW.getTime() });
    expect(JSON.parse(events[0]!.detail!)).toEqual({ recipients: ['U2', 'U1'], urgent: true });
    expect((await create(store, 'second', ['U1'])).number).toBe(2);
    expect((await store.createHandoff('T2', draft('elsewhere', ['U1']), NOW, NO_OPTS)).status === 'created').toBe(true);
    expect(await store.findHandoffIdByNumber(T, 1)).toBe(h!.id);
    expect(await store.findHandoffIdByNumber(T, 9)).toBeUndefined();
    expect(await store.loadHandoff(T, h!.id)).toEqual(h);
    expect(await store.loadHandoff('T2', h!.id)).toBeUndefined();
  });

  it('answers duplicate for a known submission key, repeated for the same ask, author_limit past the limit', async () => {
    const { store } = ctx();
    const first = await store.createHandoff(T, draft('ask', ['U1', 'U2']), NOW, { idempotencyKey: 'view-1', sourcePermalink: null });
    const again = await store.createHandoff(T, draft('something else', ['U3']), at(1), { idempotencyKey: 'view-1', sourcePermalink: null });
    expect(again.status).toBe('duplicate');
    expect(again.status === 'duplicate' && first.status === 'created' && again.handoff).toEqual(first.status === 'created' && first.handoff);

    const repeat = await store.createHandoff(T, draft('ask', ['U2', 'U1']), at(2), { ...NO_OPTS, repeatSince: at(-60_000) });
    expect(repeat.status).toBe('repeated');
    const sameAsk = await store.findRepeatedAsk(T, 'A', 'ask', ['U2', 'U1'], at(-60_000));
    expect(sameAsk?.id).toBe(first.status === 'created' ? first.handoff.id : undefined);
    expect(await store.findRepeatedAsk(T, 'A', 'ask', ['U2', 'U1'], at(10))).toBeUndefined();
    expect(await store.findRepeatedAsk(T, 'A', 'ask', ['U3'], at(-60_000))).toBeUndefined();
    expect(await store.findRepeatedAsk(T, 'B', 'ask', ['U2', 'U1'], at(-60_000))).toBeUndefined();
    // Other people, or an older first ask, make it a new one.
    expect((await store.createHandoff(T, draft('ask', ['U1']), at(3), { ...NO_OPTS, repeatSince: at(-60_000) })).status).toBe('created');
    expect((await store.createHandoff(T, draft('ask', ['U1', 'U2']), at(4), { ...NO_OPTS, repeatSince: at(1) })).status).toBe('created');

    expect(await store.countCreatedSince(T, 'A', at(-1))).toBe(3);
    expect(await store.countCreatedSince(T, 'A', at(3))).toBe(1);
    expect(await store.createHandoff(T, draft('more', ['U1']), at(5), { ...NO_OPTS, authorLimit: { max: 3, since: at(-1) } })).toEqual({ status: 'author_limit', recent: 3 });
    expect((await store.createHandoff(T, draft('more', ['U1']), at(5), { ...NO_OPTS, authorLimit: { max: 3, since: at(0) } })).status).toBe('created');
  });

  it('two stores creating from the same submission at once make one handoff', async () => {
    const { store, another } = ctx();
    const second = await another();
    const opts = { idempotencyKey: 'view-race', sourcePermalink: null };
    const results = await Promise.all([
      store.createHandoff(T, draft('race', ['U1']), NOW, opts),
      second.createHandoff(T, draft('race', ['U1']), NOW, opts),
      store.createHandoff(T, draft('race', ['U1']), NOW, opts),
      second.createHandoff(T, draft('race', ['U1']), NOW, opts),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['created', 'duplicate', 'duplicate', 'duplicate']);
    expect(await store.countCreatedSince(T, 'A', at(-1))).toBe(1);
  });

  it('applies a decision only from the state it was made in, and logs it', async () => {
    const { store } = ctx();
    const h = await create(store, 'ask', ['U1']);
    const ack = await store.applyDecision({
      teamId: T,
      handoffId: h.id,
      actorId: 'U1',
      decision: decision('acknowledged', 'acknowledged'),
      expectedState: 'open',
      note: null,
      now: at(1),
    });
    expect(ack).not.toBeNull();
    // A second click made from the old state changes nothing.
    expect(
      await store.applyDecision({ teamId: T, handoffId: h.id, actorId: 'U1', decision: decision('acknowledged', 'acknowledged'), expectedState: 'open', note: null, now: at(2) }),
    ).toBeNull();
    expect(
      await store.applyDecision({ teamId: 'T2', handoffId: h.id, actorId: 'U1', decision: decision('done', 'done'), expectedState: 'acknowledged', note: null, now: at(2) }),
    ).toBeNull();
    const done = await store.applyDecision({
      teamId: T,
      handoffId: h.id,
      actorId: 'U1',
      decision: decision('done', 'done'),
      expectedState: 'acknowledged',
      note: 'shipped',
      now: at(3),
    });
    expect(done).toBeGreaterThan(ack!);
    expect(await store.loadHandoff(T, h.id)).toMatchObject({
      state: 'done',
      resolutionNote: 'shipped',
      resolvedBy: 'U1',
      resolvedAt: NOW.getTime() + 3,
      updatedAt: NOW.getTime() + 3,
    });
    const events = await store.listEvents(h.id);
    expect(events.map((e) => [e.id, e.kind, e.fromState, e.toState, e.note, e.detail])).toEqual([
      [events[0]!.id, 'created', null, 'open', null, events[0]!.detail],
      [ack, 'acknowledged', 'open', 'acknowledged', null, null],
      [done, 'done', 'acknowledged', 'done', 'shipped', null],
    ]);
  });

  it('a decision that takes someone off applies once: the same one again, from the same state, changes nothing', async () => {
    const { store, another } = ctx();
    const second = await another();
    const h = await create(store, 'ask', ['U1', 'U2']);
    // One of two declines: the state stays open, so only "U1 is still on it" tells a repeat apart.
    const declined = decision('open', 'recipient_declined', { removeRecipients: ['U1'] });
    const input = { teamId: T, handoffId: h.id, actorId: 'U1', decision: declined, expectedState: 'open' as const, note: 'not mine', now: at(1) };
    const ids = await Promise.all([store.applyDecision(input), second.applyDecision(input)]);
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
    expect(await store.applyDecision(input)).toBeNull();
    // Passing it on from the same state, by the one already off it, is refused too — and undone whole.
    const passed = decision('open', 'reassigned', { removeRecipients: ['U1', 'U2'], addRecipients: ['U3'] });
    expect(await store.applyDecision({ ...input, decision: passed, now: at(2) })).toBeNull();
    const after = await store.loadHandoff(T, h.id);
    expect(after?.recipients.map((r) => [r.userId, r.active])).toEqual([
      ['U1', false],
      ['U2', true],
    ]);
    expect(after?.updatedAt).toBe(NOW.getTime() + 1);
    expect((await store.listEvents(h.id)).map((e) => e.kind)).toEqual(['created', 'recipient_declined']);
    // Someone off the handoff snoozes nothing; someone on it can move their snooze.
    expect(await store.snoozeForRecipient(h.id, 'U1', '2026-12-09')).toBe(false);
    expect([await store.snoozeForRecipient(h.id, 'U2', '2026-12-09'), await store.snoozeForRecipient(h.id, 'U2', '2026-12-10')]).toEqual([true, true]);
    expect((await store.loadHandoff(T, h.id))?.recipients.map((r) => r.snoozedUntilDate)).toEqual([null, '2026-12-10']);
  });

  it('reassignment deactivates and adds people (a returning one after the others), reopening clears the outcome', async () => {
    const { store } = ctx();
    const h = await create(store, 'ask', ['U1', 'U2']);
    await store.markRecipientNotified(h.id, 'U1', at(1));
    await store.snoozeForRecipient(h.id, 'U1', '2026-12-02');
    await store.applyDecision({ teamId: T, handoffId: h.id, actorId: 'U1', decision: decision('declined', 'declined'), expectedState: 'open', note: 'no time', now: at(2) });
    await store.markAuthorNotified(T, [h.id], at(3));
    const reassigned = decision('open', 'reassigned', { removeRecipients: ['U1', 'U2'], addRecipients: ['U3', 'U1'] });
    const id = await store.applyDecision({ teamId: T, handoffId: h.id, actorId: 'A', decision: reassigned, expectedState: 'declined', note: null, now: at(4) });
    const after = await store.loadHandoff(T, h.id);
    expect(after).toMatchObject({ state: 'open', resolutionNote: null, resolvedBy: null, resolvedAt: null, authorNotifiedAt: null });
    expect(after?.recipients.map((r) => [r.userId, r.active, r.position, r.addedAt, r.notifiedAt, r.snoozedUntilDate])).toEqual([
      ['U2', false, 1, NOW.getTime(), null, null],
      ['U3', true, 2, NOW.getTime() + 4, null, null],
      ['U1', true, 3, NOW.getTime() + 4, null, null],
    ]);
    const event = (await store.listEvents(h.id)).find((e) => e.id === id);
    expect(event).toMatchObject({ kind: 'reassigned', fromState: 'declined', toState: 'open' });
    expect(JSON.parse(event!.detail!)).toEqual({ added: ['U3', 'U1'], removed: ['U1', 'U2'] });
  });

  it('cancelling records who and when, like closing', async () => {
    const { store } = ctx();
    const h = await create(store, 'ask', ['U1']);
    await store.applyDecision({ teamId: T, handoffId: h.id, actorId: 'A', decision: decision('cancelled', 'cancelled'), expectedState: 'open', note: 'moot', now: at(5) });
    expect(await store.loadHandoff(T, h.id)).toMatchObject({ state: 'cancelled', resolutionNote: 'moot', resolvedBy: 'A', resolvedAt: NOW.getTime() + 5 });
  });

  it('lists what waits on a person and what they wrote, oldest first, with recipients; counts them', async () => {
    const { store } = ctx();
    const older = await create(store, 'older', ['U1', 'U2'], at(-2000));
    const newer = await create(store, 'newer', ['U1'], at(-1000));
    const other = await create(store, 'not U1', ['U2'], at(-500));
    const closed = await create(store, 'closed', ['U1'], at(-100));
    await store.applyDecision({ teamId: T, handoffId: closed.id, actorId: 'U1', decision: decision('done', 'done'), expectedState: 'open', note: null, now: NOW });
    const moved = await create(store, 'moved away', ['U1'], at(-50));
    await store.applyDecision({
      teamId: T,
      handoffId: moved.id,
      actorId: 'A',
      decision: decision('open', 'reassigned', { removeRecipients: ['U1'], addRecipients: ['U3'] }),
      expectedState: 'open',
      note: null,
      now: NOW,
    });

    const waiting = await store.listWaitingOn(T, 'U1');
    expect(waiting.map((h) => h.id)).toEqual([older.id, newer.id]);
    expect(waiting[0]!.recipients.map((r) => r.userId)).toEqual(['U1', 'U2']);
    expect((await store.listWaitingOn(T, 'U1', 1)).map((h) => h.id)).toEqual([older.id]);
    expect(await store.countWaitingOn(T, 'U1')).toBe(2);
    expect(await store.countWaitingOn(T, 'U3')).toBe(1);
    expect((await store.listAuthoredOpen(T, 'A')).map((h) => h.id)).toEqual([older.id, newer.id, other.id, moved.id]);
    expect((await store.listAuthoredOpen(T, 'A', 2)).map((h) => h.id)).toEqual([older.id, newer.id]);
    expect(await store.countOpenAuthored(T, 'A')).toBe(4);
    expect(await store.listWaitingOn(T, 'nobody')).toEqual([]);
  });

  it('what waits on a person follows every change of state: closed, reopened by a reassignment, acknowledged, someone added later', async () => {
    const { store } = ctx();
    const first = await create(store, 'first', ['U1'], at(-3000));
    const second = await create(store, 'second', ['U1', 'U2'], at(-2000));
    const third = await create(store, 'third', ['U2'], at(-1000));
    const ids = async (user: string) => ({ list: (await store.listWaitingOn(T, user)).map((h) => h.id), count: await store.countWaitingOn(T, user) });
    const apply = (handoffId: number, d: Ok, expectedState: HandoffState, when: number) =>
      store.applyDecision({ teamId: T, handoffId, actorId: 'A', decision: d, expectedState, note: null, now: at(when) });

    expect(await apply(first.id, decision('acknowledged', 'acknowledged'), 'open', 1)).not.toBeNull();
    expect(await ids('U1')).toEqual({ list: [first.id, second.id], count: 2 });
    expect(await apply(first.id, decision('declined', 'declined'), 'acknowledged', 2)).not.toBeNull();
    expect(await ids('U1')).toEqual({ list: [second.id], count: 1 });
    // Declined, then passed to U3 (and back to U1): open again, and still as old as it was.
    expect(await apply(first.id, decision('open', 'reassigned', { removeRecipients: ['U1'], addRecipients: ['U3', 'U1'] }), 'declined', 3)).not.toBeNull();
    expect(await ids('U1')).toEqual({ list: [first.id, second.id], count: 2 });
    expect(await ids('U3')).toEqual({ list: [first.id], count: 1 });
    // Added to an acknowledged ask: waiting on them, in the ask's age, not the time they were added.
    expect(await apply(third.id, decision('acknowledged', 'acknowledged'), 'open', 4)).not.toBeNull();
    expect(await apply(third.id, decision('acknowledged', 'reassigned', { addRecipients: ['U1'] }), 'acknowledged', 5)).not.toBeNull();
    expect(await ids('U1')).toEqual({ list: [first.id, second.id, third.id], count: 3 });
    // A decision from a stale state changes nothing, the copy included.
    expect(await apply(second.id, decision('done', 'done'), 'acknowledged', 6)).toBeNull();
    expect(await ids('U2')).toEqual({ list: [second.id, third.id], count: 2 });
    expect(await apply(second.id, decision('done', 'done'), 'open', 7)).not.toBeNull();
    expect(await apply(third.id, decision('cancelled', 'cancelled'), 'acknowledged', 8)).not.toBeNull();
    expect(await ids('U1')).toEqual({ list: [first.id], count: 1 });
    expect(await ids('U2')).toEqual({ list: [], count: 0 });
    // Every recipient row's copy agrees with its handoff.
    for (const h of [first, second, third]) {
      const loaded = await store.loadHandoff(T, h.id);
      for (const r of loaded!.recipients)
        expect([h.id, r.userId, r.handoffOpen, r.handoffCreatedAt]).toEqual([h.id, r.userId, !['done', 'declined', 'cancelled'].includes(loaded!.state), loaded!.createdAt]);
    }
  });

  it('a recipient of a sibling workspace (one org): the handoff stays T1’s, it waits on them in their own workspace, and so do people added later', async () => {
    const { store } = ctx();
    const created = await store.createHandoff(T, draft('review the rota', ['U1', 'W9']), NOW, { ...NO_OPTS, recipientTeams: { W9: 'T2' } });
    if (created.status !== 'created') throw new Error(created.status);
    const h = created.handoff;
    expect(h.recipients.map((r) => [r.userId, r.teamId, r.recipientTeamId])).toEqual([
      ['U1', T, T],
      ['W9', T, 'T2'],
    ]);
    expect(await store.handoffTeamOf(h.id)).toBe(T);
    expect(await store.handoffTeamOf(h.id + 1000)).toBeUndefined();
    // Waiting on W9 in T2 only; the handoff itself is read in T1 only.
    expect((await store.listWaitingOn('T2', 'W9')).map((x) => x.id)).toEqual([h.id]);
    expect(await store.countWaitingOn('T2', 'W9')).toBe(1);
    expect(await store.listWaitingOn(T, 'W9')).toEqual([]);
    expect(await store.loadHandoff('T2', h.id)).toBeUndefined();
    expect((await store.waitingOn('T2', 'W9')).map((x) => x.id)).toEqual([h.id]);
    expect(await store.waitingOn(T, 'W9')).toEqual([]);
    // Someone added later, of a sibling workspace; re-adding someone moves them to where they are now.
    const passed = decision('open', 'reassigned', { removeRecipients: ['U1'], addRecipients: ['W8', 'U1'] });
    expect(
      await store.applyDecision({
        teamId: T,
        handoffId: h.id,
        actorId: 'A',
        decision: passed,
        expectedState: 'open',
        note: null,
        now: at(1),
        recipientTeams: { W8: 'T3', U1: 'T3' },
      }),
    ).not.toBeNull();
    expect((await store.loadHandoff(T, h.id))!.recipients.map((r) => [r.userId, r.active, r.recipientTeamId])).toEqual([
      ['W9', true, 'T2'],
      ['W8', true, 'T3'],
      ['U1', true, 'T3'],
    ]);
    expect((await store.listWaitingOn('T3', 'W8')).map((x) => x.id)).toEqual([h.id]);
    expect(await store.listWaitingOn(T, 'U1')).toEqual([]);
    // The author's digest reads each recipient's schedule where that person is known.
    await store.upsertProfile('T2', 'W9', { isAdmin: false, displayName: 'Nine', isBot: false, deleted: false, slackTz: 'Australia/Sydney' }, NOW);
    await store.upsertProfile(T, 'W9', { isAdmin: false, displayName: 'Wrong row', isBot: false, deleted: false, slackTz: 'Europe/Lisbon' }, NOW);
    expect((await store.waitedOnSchedules(T, 'A')).map((s) => [s.userId, s.slackTz])).toEqual([['W9', 'Australia/Sydney']]);
  });

  it('finds a sibling workspace’s handoff by number for the person it is for in their own workspace, in any state, but not once passed on', async () => {
    const { store } = ctx();
    const sibling = async (ask: string, teams: Record<string, string>) => {
      const r = await store.createHandoff(T, draft(ask, Object.keys(teams)), NOW, { ...NO_OPTS, recipientTeams: teams });
      if (r.status !== 'created') throw new Error(r.status);
      return r.handoff;
    };
    const one = await sibling('review the rota', { W9: 'T2', W8: 'T2' });
    // T2's own #1 (W9 on it too) is not a sibling's.
    expect((await store.createHandoff('T2', draft('local', ['W9']), NOW, NO_OPTS)).status).toBe('created');
    await store.applyDecision({ teamId: T, handoffId: one.id, actorId: 'W9', decision: decision('done', 'done'), expectedState: 'open', note: null, now: at(1) });
    expect(await store.findSiblingHandoffIdsByNumber('T2', 'W9', 1)).toEqual([one.id]);
    expect(await store.findSiblingHandoffIdsByNumber('T2', 'W9', 2)).toEqual([]);
    expect(await store.findSiblingHandoffIdsByNumber(T, 'W9', 1)).toEqual([]);
    expect(await store.findSiblingHandoffIdsByNumber('T3', 'W9', 1)).toEqual([]);
    const two = await sibling('sign the lease', { W8: 'T2' });
    const passed = decision('open', 'reassigned', { removeRecipients: ['W8'], addRecipients: ['W7'] });
    await store.applyDecision({ teamId: T, handoffId: two.id, actorId: 'A', decision: passed, expectedState: 'open', note: null, now: at(2), recipientTeams: { W7: 'T2' } });
    expect(await store.findSiblingHandoffIdsByNumber('T2', 'W8', 2)).toEqual([]);
    expect(await store.findSiblingHandoffIdsByNumber('T2', 'W7', 2)).toEqual([two.id]);
  });

  it('lists recently resolved asks newest first, and marks authors and recipients told once', async () => {
    const { store } = ctx();
    const a = await create(store, 'a', ['U1']);
    const b = await create(store, 'b', ['U1']);
    const c = await create(store, 'c', ['U1']);
    await store.applyDecision({ teamId: T, handoffId: a.id, actorId: 'U1', decision: decision('done', 'done'), expectedState: 'open', note: null, now: at(10) });
    await store.applyDecision({ teamId: T, handoffId: b.id, actorId: 'U1', decision: decision('declined', 'declined'), expectedState: 'open', note: null, now: at(20) });
    await store.applyDecision({ teamId: T, handoffId: c.id, actorId: 'A', decision: decision('cancelled', 'cancelled'), expectedState: 'open', note: null, now: at(30) });
    expect((await store.listRecentlyResolved(T, 'A', NOW)).map((h) => h.id)).toEqual([b.id, a.id]);
    expect((await store.listRecentlyResolved(T, 'A', at(10))).map((h) => h.id)).toEqual([b.id]);
    expect((await store.listRecentlyResolved(T, 'A', NOW, 1)).map((h) => h.id)).toEqual([b.id]);

    await store.markAuthorNotified(T, [], at(40));
    await store.markAuthorNotified(T, [a.id], at(40));
    await store.markAuthorNotified(T, [a.id, b.id], at(50));
    await store.markAuthorNotified('T2', [c.id], at(50));
    expect([
      (await store.loadHandoff(T, a.id))?.authorNotifiedAt,
      (await store.loadHandoff(T, b.id))?.authorNotifiedAt,
      (await store.loadHandoff(T, c.id))?.authorNotifiedAt,
    ]).toEqual([NOW.getTime() + 40, NOW.getTime() + 50, null]);
    await store.markRecipientNotified(a.id, 'U1', at(60));
    await store.markRecipientNotified(a.id, 'U1', at(70));
    expect((await store.loadHandoff(T, a.id))?.recipients[0]?.notifiedAt).toBe(NOW.getTime() + 60);
  });

  it('records the channel post, snoozes, and logs free-form events in order', async () => {
    const { store } = ctx();
    const h = await create(store, 'ask', ['U1', 'U2']);
    await store.setChannelPost(h.id, 'C9', '1700000000.000200');
    expect(await store.snoozeForRecipient(h.id, 'U2', '2026-12-03')).toBe(true);
    // Already snoozed until then (the same click twice): nothing changes, so nothing is logged.
    expect(await store.snoozeForRecipient(h.id, 'U2', '2026-12-03')).toBe(false);
    await store.logEvent({ teamId: T, handoffId: h.id, actorId: 'U2', kind: 'snoozed', note: 'until Thursday', at: at(1) });
    await store.logEvent({ teamId: T, handoffId: h.id, actorId: 'U1', kind: 'nudged', at: at(2) });
    const loaded = await store.loadHandoff(T, h.id);
    expect(loaded).toMatchObject({ channelId: 'C9', channelTs: '1700000000.000200' });
    expect(loaded?.recipients.map((r) => r.snoozedUntilDate)).toEqual([null, '2026-12-03']);
    expect((await store.listEvents(h.id)).map((e) => [e.kind, e.actorId, e.note, e.at])).toEqual([
      ['created', 'A', null, NOW.getTime()],
      ['snoozed', 'U2', 'until Thursday', NOW.getTime() + 1],
      ['nudged', 'U1', null, NOW.getTime() + 2],
    ]);
  });
});
