/**
 * The outbox through the Store contract, on SQLite and PostgreSQL: enqueueing by dedupe key, claims
 * and their leases, every way a claim ends, take-overs, backlog and retention. On PostgreSQL, two
 * stores (two replicas) claiming at once never get the same row.
 */
import type { Store } from '../../../src/db/store';
import { describeStores } from '../support/stores';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);
const lease = (claimant: string, ms = 60_000) => ({ claimant, until: NOW.getTime() + ms });

async function dm(store: Store, key: string, opts: { teamId?: string; dueIn?: number; payload?: Record<string, unknown> } = {}): Promise<number> {
  const id = await store.enqueue(
    { teamId: opts.teamId ?? T, kind: 'dm', dedupeKey: key, userId: 'U1', payload: opts.payload ?? { n: key }, nextAttemptAt: at(opts.dueIn ?? 0) },
    NOW,
  );
  if (id === null) throw new Error(`${key} was not enqueued`);
  return id;
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

describeStores('outbox', (ctx) => {
  it('enqueues once per (team, dedupe key) and reads the row back as written', async () => {
    const { store } = ctx();
    const id = await store.enqueue(
      { teamId: T, kind: 'digest', dedupeKey: 'digest:U1:2026-11-30', userId: 'U1', localDate: '2026-11-30', payload: { deadline: 1, items: ['a'] }, nextAttemptAt: at(5) },
      NOW,
    );
    expect(id).not.toBeNull();
    expect(await store.enqueue({ teamId: T, kind: 'digest', dedupeKey: 'digest:U1:2026-11-30', userId: 'U1' }, NOW)).toBeNull();
    expect(await store.enqueue({ teamId: 'T2', kind: 'digest', dedupeKey: 'digest:U1:2026-11-30', userId: 'U1' }, NOW)).not.toBeNull();
    const row = await store.getOutboxRow(id!);
    expect(row).toMatchObject({
      id,
      teamId: T,
      kind: 'digest',
      dedupeKey: 'digest:U1:2026-11-30',
      userId: 'U1',
      channelId: null,
      handoffId: null,
      localDate: '2026-11-30',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: NOW.getTime() + 5,
      lastError: null,
      messageTs: null,
      createdAt: NOW.getTime(),
      updatedAt: NOW.getTime(),
      sentAt: null,
      claimedBy: null,
      leaseUntil: null,
      postingSince: null,
    });
    // JSON comes back equal as JSON (PostgreSQL's jsonb normalises spacing and key order).
    expect(JSON.parse(row!.payload)).toEqual({ deadline: 1, items: ['a'] });
    expect(await store.getOutboxRow(999)).toBeUndefined();
    expect((await store.digestRowsFor(T, 'U1', '2026-11-30')).map((r) => r.id)).toEqual([id]);
    expect(await store.digestRowsFor(T, 'U1', '2026-12-01')).toEqual([]);
  });

  it('claims due rows in due order, up to the limit, never twice, never of a paused workspace', async () => {
    const { store } = ctx();
    const later = await dm(store, 'later', { dueIn: 60_000 });
    const second = await dm(store, 'second', { dueIn: -1000 });
    const first = await dm(store, 'first', { dueIn: -2000 });
    const third = await dm(store, 'third', { dueIn: -1000 });
    await store.setWorkspaceStatus('T9', 'uninstalled', NOW);
    const paused = await dm(store, 'paused', { teamId: 'T9', dueIn: -5000 });

    const claimed = await store.claimDue(NOW, 2, lease('A'));
    expect(ids(claimed)).toEqual([second, first].sort((a, b) => a - b));
    for (const row of claimed) expect(row).toMatchObject({ status: 'sending', claimedBy: 'A', leaseUntil: NOW.getTime() + 60_000, postingSince: null });
    expect(ids(await store.claimDue(NOW, 10, lease('B')))).toEqual([third]);
    expect(await store.claimDue(NOW, 10, lease('B'))).toEqual([]);
    expect((await store.getOutboxRow(later))?.status).toBe('pending');
    expect((await store.getOutboxRow(paused))?.status).toBe('pending');
  });

  it('claims only the ids asked for, and none of the skipped workspaces', async () => {
    const { store } = ctx();
    const a = await dm(store, 'a');
    const b = await dm(store, 'b');
    const other = await dm(store, 'other', { teamId: 'T2' });
    expect(ids(await store.claimDue(NOW, 10, lease('A'), [b]))).toEqual([b]);
    expect(ids(await store.claimDue(NOW, 10, lease('A'), undefined, [T]))).toEqual([other]);
    expect(ids(await store.claimDue(NOW, 10, lease('A'), [], []))).toEqual([a]);
  });

  it('leaving workspaces out: each other workspace’s first due row, earliest first, however many of the left-out one’s come before', async () => {
    const { store } = ctx();
    // More than a claim among ids looks through (500), all due before the others'.
    for (let i = 0; i < 600; i++) await dm(store, `big${i}`, { teamId: 'TBIG', dueIn: -60_000 + i });
    const c1 = await dm(store, 'c1', { teamId: 'TC', dueIn: -500 });
    const c2 = await dm(store, 'c2', { teamId: 'TC', dueIn: -400 });
    const b1 = await dm(store, 'b1', { teamId: 'TB', dueIn: -1000 });
    await dm(store, 'not-yet', { teamId: 'TD', dueIn: 60_000 });
    await store.setWorkspaceStatus('TE', 'uninstalled', NOW);
    await dm(store, 'uninstalled', { teamId: 'TE', dueIn: -5000 });

    const [first] = await store.claimDue(NOW, 1, lease('A'), undefined, ['TBIG']);
    expect(first).toMatchObject({ id: b1, status: 'sending', claimedBy: 'A' });
    // One row a workspace per claim: its first due one.
    expect(ids(await store.claimDue(NOW, 10, lease('A'), undefined, ['TBIG']))).toEqual([c1]);
    expect(ids(await store.claimDue(NOW, 10, lease('A'), undefined, ['TBIG']))).toEqual([c2]);
    expect(await store.claimDue(NOW, 10, lease('A'), undefined, ['TBIG', 'TX'])).toEqual([]);
    // Not left out, the big workspace's rows come first again (due order).
    expect((await store.claimDue(NOW, 1, lease('A'), undefined, ['TX']))[0]?.dedupeKey).toBe('big0');
  });

  it('only the holder may post, renew, finish or hand back a claim', async () => {
    const { store } = ctx();
    const id = await dm(store, 'x');
    await store.claimDue(NOW, 1, lease('A'));
    expect(await store.startPosting(id, lease('B', 90_000), at(1))).toBe(false);
    expect(await store.markSent(id, 'B', '1.1', at(1))).toBe(false);
    expect(await store.markRetry(id, 'B', 'e', at(5), at(1))).toBe(false);
    expect(await store.markFinal(id, 'B', 'failed', 'e', at(1))).toBe(false);
    expect(await store.releaseClaim(id, 'B')).toBe(false);
    expect(await store.renewLeases(lease('B', 90_000))).toBe(0);
    expect(await store.getOutboxRow(id)).toMatchObject({ status: 'sending', claimedBy: 'A', leaseUntil: NOW.getTime() + 60_000 });

    expect(await store.startPosting(id, lease('A', 90_000), at(1))).toBe(true);
    expect(await store.getOutboxRow(id)).toMatchObject({ leaseUntil: NOW.getTime() + 90_000, postingSince: NOW.getTime() + 1 });
    expect(await store.renewLeases(lease('A', 120_000))).toBe(1);
    expect(await store.markSent(id, 'A', '1700000000.000100', at(2))).toBe(true);
    expect(await store.getOutboxRow(id)).toMatchObject({
      status: 'sent',
      messageTs: '1700000000.000100',
      sentAt: NOW.getTime() + 2,
      updatedAt: NOW.getTime() + 2,
      attempts: 1,
      lastError: null,
      claimedBy: null,
      leaseUntil: null,
      postingSince: null,
    });
    expect(await store.markSent(id, 'A', 'again', at(3))).toBe(false);
  });

  it('keeps what a sent row posted, finds it by workspace and message ts, and replaces it only from what it still is', async () => {
    const { store } = ctx();
    const id = await dm(store, 'posted');
    const other = await dm(store, 'posted-elsewhere', { teamId: 'T2' });
    for (const [row, team] of [
      [id, T],
      [other, 'T2'],
    ] as const) {
      await store.claimDue(NOW, 5, lease('A'), [row]);
      await store.transaction(async (tx) => {
        expect(await tx.markSent(row, 'A', '1700000000.000100', at(1))).toBe(true);
        await tx.setPosted(row, `v1 of ${team}`);
      });
    }
    expect(await store.postedMessageAt(T, '1700000000.000100')).toEqual({ id, userId: 'U1', posted: `v1 of ${T}` });
    expect(await store.postedMessageAt(T, '1700000000.000999')).toBeUndefined();
    expect(await store.replacePosted(id, 'v0', 'v2')).toBe(false);
    expect(await store.replacePosted(id, `v1 of ${T}`, 'v2')).toBe(true);
    expect(await store.replacePosted(id, `v1 of ${T}`, 'v3')).toBe(false);
    expect(await store.postedMessageAt(T, '1700000000.000100')).toEqual({ id, userId: 'U1', posted: 'v2' });
    // The same ts in another workspace is another message.
    expect(await store.postedMessageAt('T2', '1700000000.000100')).toEqual({ id: other, userId: 'U1', posted: 'v1 of T2' });
    // A sent row that kept nothing is not found.
    const bare = await dm(store, 'bare');
    await store.claimDue(NOW, 5, lease('A'), [bare]);
    await store.markSent(bare, 'A', '1700000000.000200', at(1));
    expect(await store.postedMessageAt(T, '1700000000.000200')).toBeUndefined();
  });

  it('ends a claim as retry, failure, skip, found-sent or hand-back, counting attempts as asked', async () => {
    const { store } = ctx();
    const [retry, uncounted, failed, skipped, found, back] = [
      await dm(store, 'r'),
      await dm(store, 'u'),
      await dm(store, 'f'),
      await dm(store, 's'),
      await dm(store, 'fs'),
      await dm(store, 'b'),
    ];
    await store.claimDue(NOW, 10, lease('A'));
    expect(await store.markRetry(retry, 'A', 'slack said no', at(30_000), at(1))).toBe(true);
    expect(await store.markRetry(uncounted, 'A', 'rate limited', at(30_000), at(1), false)).toBe(true);
    expect(await store.markFinal(failed, 'A', 'failed', 'gone', at(1))).toBe(true);
    expect(await store.markFinal(skipped, 'A', 'skipped', null, at(1), false)).toBe(true);
    expect(await store.markFoundSent(found, 'A', '1.2', at(1))).toBe(true);
    expect(await store.releaseClaim(back, 'A')).toBe(true);
    const released = { claimedBy: null, leaseUntil: null, postingSince: null };
    expect(await store.getOutboxRow(retry)).toMatchObject({
      status: 'pending',
      lastError: 'slack said no',
      nextAttemptAt: NOW.getTime() + 30_000,
      attempts: 1,
      updatedAt: NOW.getTime() + 1,
      ...released,
    });
    expect(await store.getOutboxRow(uncounted)).toMatchObject({ status: 'pending', lastError: 'rate limited', attempts: 0, ...released });
    expect(await store.getOutboxRow(failed)).toMatchObject({ status: 'failed', lastError: 'gone', attempts: 1, ...released });
    expect(await store.getOutboxRow(skipped)).toMatchObject({ status: 'skipped', lastError: null, attempts: 0, ...released });
    expect(await store.getOutboxRow(found)).toMatchObject({ status: 'sent', messageTs: '1.2', sentAt: NOW.getTime() + 1, attempts: 0, ...released });
    expect(await store.getOutboxRow(back)).toMatchObject({ status: 'pending', nextAttemptAt: NOW.getTime(), updatedAt: NOW.getTime(), ...released });
  });

  it('hands back every claim at shutdown: posted ones unverified and due now, the others untouched', async () => {
    const { store } = ctx();
    const posted = await dm(store, 'posted', { dueIn: -10 });
    const idle = await dm(store, 'idle', { dueIn: -5 });
    const theirs = await dm(store, 'theirs');
    await store.claimDue(NOW, 2, lease('A'));
    await store.claimDue(NOW, 1, lease('B'));
    await store.startPosting(posted, lease('A'), at(1));
    expect(await store.releaseAll('A', at(7))).toBe(2);
    expect(await store.getOutboxRow(posted)).toMatchObject({
      status: 'pending',
      lastError: 'unverified: outcome unknown at shutdown',
      nextAttemptAt: NOW.getTime() + 7,
      updatedAt: NOW.getTime() + 7,
      claimedBy: null,
      postingSince: null,
    });
    expect(await store.getOutboxRow(idle)).toMatchObject({ status: 'pending', lastError: null, nextAttemptAt: NOW.getTime() - 5, claimedBy: null });
    expect(await store.getOutboxRow(theirs)).toMatchObject({ status: 'sending', claimedBy: 'B' });
  });

  it('takes over a foreign claim only as observed; one that may have posted becomes unverified', async () => {
    const { store } = ctx();
    const quiet = await dm(store, 'quiet', { dueIn: -3 });
    const posting = await dm(store, 'posting', { dueIn: -2 });
    const renewed = await dm(store, 'renewed', { dueIn: -1 });
    const mine = await dm(store, 'mine');
    await store.claimDue(NOW, 3, lease('old', 1000));
    await store.claimDue(NOW, 1, lease('me'));
    await store.startPosting(posting, lease('old', 1000), at(1));

    const claims = (await store.foreignClaims('me')).sort((a, b) => a.id - b.id);
    expect(claims).toEqual([
      { id: quiet, claimedBy: 'old', leaseUntil: NOW.getTime() + 1000, postingSince: null },
      { id: posting, claimedBy: 'old', leaseUntil: NOW.getTime() + 1000, postingSince: NOW.getTime() + 1 },
      { id: renewed, claimedBy: 'old', leaseUntil: NOW.getTime() + 1000, postingSince: null },
    ]);
    // The holder extends one claim after it was observed: that one stays its.
    await store.startPosting(renewed, lease('old', 5000), at(2));
    const [q, p, r] = claims as [(typeof claims)[0], (typeof claims)[0], (typeof claims)[0]];
    expect(await store.takeOver(r, at(2000))).toBe(false);
    expect(await store.takeOver(q, at(2000))).toBe(true);
    expect(await store.takeOver(p, at(2000))).toBe(true);
    expect(await store.takeOver(p, at(2001))).toBe(false);
    expect(await store.getOutboxRow(renewed)).toMatchObject({ status: 'sending', claimedBy: 'old', leaseUntil: NOW.getTime() + 5000 });
    // Due now, in their old places in the queue (their due times were earlier than now).
    expect(await store.getOutboxRow(quiet)).toMatchObject({ status: 'pending', nextAttemptAt: NOW.getTime() - 3, claimedBy: null, leaseUntil: null, lastError: null });
    expect(await store.getOutboxRow(posting)).toMatchObject({
      status: 'pending',
      nextAttemptAt: NOW.getTime() - 2,
      claimedBy: null,
      postingSince: null,
      lastError: 'unverified: interrupted by a restart',
    });
    expect((await store.getOutboxRow(mine))?.claimedBy).toBe('me');
  });

  it('a claim that never started posting is taken over as it was, without the unverified mark', async () => {
    const { store } = ctx();
    const id = await dm(store, 'x');
    await store.claimDue(NOW, 1, lease('old', 1000));
    const [claim] = await store.foreignClaims('me');
    expect(await store.takeOver(claim!, at(5000))).toBe(true);
    expect(await store.getOutboxRow(id)).toMatchObject({ status: 'pending', lastError: null, nextAttemptAt: NOW.getTime(), updatedAt: NOW.getTime() + 5000 });
    expect(await store.takeOver(claim!, at(6000))).toBe(false);
  });

  it('a taken-over claim due later than now (a holder whose clock ran ahead) is due now', async () => {
    const { store } = ctx();
    const id = await dm(store, 'ahead', { dueIn: 3000 });
    await store.claimDue(at(3000), 1, lease('fast-clock', 60_000));
    const [claim] = await store.foreignClaims('me');
    expect(await store.takeOver(claim!, at(1000))).toBe(true);
    expect(await store.getOutboxRow(id)).toMatchObject({ status: 'pending', nextAttemptAt: NOW.getTime() + 1000 });
  });

  it('replaces a payload, reports the backlog and deletes old finished rows only', async () => {
    const { store } = ctx();
    const a = await dm(store, 'a', { dueIn: -50 });
    const b = await dm(store, 'b', { dueIn: -20 });
    await dm(store, 'future', { dueIn: 60_000 });
    await store.setPayload(a, { text: 'hello', blocks: [1, 2] }, at(3));
    expect(await store.getOutboxRow(a)).toMatchObject({ updatedAt: NOW.getTime() + 3 });
    expect(JSON.parse((await store.getOutboxRow(a))!.payload)).toEqual({ text: 'hello', blocks: [1, 2] });
    expect(await store.outboxBacklog(NOW)).toEqual({ due: 2, sending: 0, oldestDueAt: NOW.getTime() - 50 });
    await store.claimDue(NOW, 1, lease('A'));
    expect(await store.outboxBacklog(NOW)).toEqual({ due: 1, sending: 1, oldestDueAt: NOW.getTime() - 20 });
    await store.markSent(a, 'A', '1.1', at(10));
    await store.claimDue(NOW, 1, lease('A'));
    await store.markFinal(b, 'A', 'failed', 'x', at(20));
    expect(await store.outboxBacklog(at(-1000))).toEqual({ due: 0, sending: 0, oldestDueAt: null });

    expect(await store.deleteFinishedBefore(NOW.getTime() + 10, 10)).toBe(0);
    expect(await store.deleteFinishedBefore(NOW.getTime() + 100, 1)).toBe(1);
    expect(await store.deleteFinishedBefore(NOW.getTime() + 100, 10)).toBe(1);
    expect(await store.getOutboxRow(a)).toBeUndefined();
    expect(await store.getOutboxRow(b)).toBeUndefined();
    expect(await store.outboxBacklog(at(120_000))).toEqual({ due: 1, sending: 0, oldestDueAt: NOW.getTime() + 60_000 });
  });

  it('tells when the next pending row not yet due becomes due (a wave planned ahead)', async () => {
    const { store } = ctx();
    expect(await store.nextDueAfter(NOW)).toBeNull();
    await dm(store, 'overdue', { dueIn: -5 });
    await dm(store, 'now', { dueIn: 0 });
    expect(await store.nextDueAfter(NOW)).toBeNull();
    const soon = await dm(store, 'soon', { dueIn: 1500 });
    await dm(store, 'later', { dueIn: 60_000 });
    expect(await store.nextDueAfter(NOW)).toBe(NOW.getTime() + 1500);
    // Only pending rows count: once the soonest is claimed, the next one is what's left.
    await store.claimDue(at(1500), 3, lease('A'), [soon]);
    expect(await store.nextDueAfter(NOW)).toBe(NOW.getTime() + 60_000);
    expect(await store.nextDueAfter(at(60_000))).toBeNull();
  });

  it('two stores on one database claiming at once never get the same row, and together get them all', async () => {
    const { store, another } = ctx();
    const second = await another();
    const all: number[] = [];
    for (let i = 0; i < 200; i++) all.push(await dm(store, `k${i}`, { dueIn: -i }));
    const drain = async (s: Store, claimant: string) => {
      const got: number[] = [];
      for (;;) {
        const rows = await s.claimDue(NOW, 7, lease(claimant));
        if (rows.length === 0) return got;
        got.push(...rows.map((r) => r.id));
      }
    };
    const [a, b] = await Promise.all([drain(store, 'A'), drain(second, 'B')]);
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(all.sort((x, y) => x - y));
  });
});
