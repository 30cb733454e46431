/**
 * Thread participants through the Store contract, on SQLite and PostgreSQL: idempotent batched
 * writes whose flags only turn on, last seen moving at most hourly, the read order deflection uses,
 * workspaces apart, and retention in bounded slices.
 */
import type { ThreadSighting } from '../../../src/domain/threadParticipants';
import { describeStores } from '../support/stores';

const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);
const MINUTE = 60_000;
const HOUR = 3600_000;
const DAY = 86_400_000;

const seen = (userId: string, o: Partial<ThreadSighting> = {}): ThreadSighting => ({
  teamId: 'T1',
  channelId: 'C1',
  threadTs: '100.1',
  userId,
  started: false,
  inParent: false,
  ...o,
});

describeStores('thread participants', (ctx) => {
  it('stores a batch, merges repeats within it and across batches, and never turns a flag off', async () => {
    const { store } = ctx();
    // The same person twice in one batch (PostgreSQL's upsert must not see a row twice).
    await store.recordThreadParticipants([seen('UANA', { started: true, inParent: true }), seen('UBEN', { inParent: true }), seen('UANA')], NOW);
    await store.recordThreadParticipants([seen('UANA'), seen('UBEN'), seen('UCHO')], at(MINUTE));
    // A retry of the same event: nothing changes.
    await store.recordThreadParticipants([seen('UANA'), seen('UBEN'), seen('UCHO')], at(MINUTE));
    expect(await store.threadParticipantsOf('T1', 'C1', '100.1')).toEqual([
      { userId: 'UANA', started: true, inParent: true, lastSeenAt: NOW.getTime() },
      { userId: 'UBEN', started: false, inParent: true, lastSeenAt: NOW.getTime() },
      { userId: 'UCHO', started: false, inParent: false, lastSeenAt: at(MINUTE).getTime() },
    ]);
    // A reply's parent_user_id learnt later turns `started` on for someone seen before.
    await store.recordThreadParticipants([seen('UCHO', { started: true })], at(2 * MINUTE));
    expect((await store.threadParticipantsOf('T1', 'C1', '100.1')).map((p) => [p.userId, p.started, p.inParent])).toEqual([
      ['UANA', true, true],
      ['UCHO', true, false],
      ['UBEN', false, true],
    ]);
    expect(await store.recordThreadParticipants([], NOW)).toBeUndefined();
  });

  it('moves last seen only when it is over an hour old, and orders the rest by it', async () => {
    const { store } = ctx();
    await store.recordThreadParticipants([seen('UANA'), seen('UBEN')], NOW);
    await store.recordThreadParticipants([seen('UANA')], at(30 * MINUTE));
    expect((await store.threadParticipantsOf('T1', 'C1', '100.1')).map((p) => [p.userId, p.lastSeenAt])).toEqual([
      ['UANA', NOW.getTime()],
      ['UBEN', NOW.getTime()],
    ]);
    await store.recordThreadParticipants([seen('UBEN')], at(2 * HOUR));
    expect((await store.threadParticipantsOf('T1', 'C1', '100.1')).map((p) => [p.userId, p.lastSeenAt])).toEqual([
      ['UBEN', at(2 * HOUR).getTime()],
      ['UANA', NOW.getTime()],
    ]);
  });

  it('keeps threads, channels and workspaces apart', async () => {
    const { store } = ctx();
    await store.recordThreadParticipants(
      [seen('UANA'), seen('UBEN', { threadTs: '200.1' }), seen('UCHO', { channelId: 'C2' }), seen('UDAN', { teamId: 'T2' }), seen('UEVE', { teamId: 'T2', started: true })],
      NOW,
    );
    expect((await store.threadParticipantsOf('T1', 'C1', '100.1')).map((p) => p.userId)).toEqual(['UANA']);
    expect((await store.threadParticipantsOf('T2', 'C1', '100.1')).map((p) => p.userId)).toEqual(['UEVE', 'UDAN']);
    expect(await store.threadParticipantsOf('T3', 'C1', '100.1')).toEqual([]);
  });

  it('reads at most 50 people of a thread', async () => {
    const { store } = ctx();
    await store.recordThreadParticipants(
      Array.from({ length: 60 }, (_, i) => seen(`U${String(i).padStart(3, '0')}`)),
      NOW,
    );
    const read = await store.threadParticipantsOf('T1', 'C1', '100.1');
    expect(read).toHaveLength(50);
    expect(read[0]?.userId).toBe('U000');
  });

  it('deletes rows not seen since a cut-off, a bounded slice at a time', async () => {
    const { store } = ctx();
    await store.recordThreadParticipants(
      Array.from({ length: 7 }, (_, i) => seen(`UOLD${i}`)),
      NOW,
    );
    await store.recordThreadParticipants([seen('UNEW', { teamId: 'T2' })], at(DAY));
    const cutOff = at(DAY).getTime();
    expect(await store.deleteThreadParticipantsSeenBefore(cutOff, 5)).toBe(5);
    expect(await store.deleteThreadParticipantsSeenBefore(cutOff, 5)).toBe(2);
    expect(await store.deleteThreadParticipantsSeenBefore(cutOff, 5)).toBe(0);
    expect(await store.threadParticipantsOf('T1', 'C1', '100.1')).toEqual([]);
    expect((await store.threadParticipantsOf('T2', 'C1', '100.1')).map((p) => p.userId)).toEqual(['UNEW']);
  });
});
