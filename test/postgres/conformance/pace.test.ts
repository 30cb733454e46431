/**
 * Each workspace's shared delivery pace through the Store contract, on SQLite and PostgreSQL: created
 * once, read back as written (fractional slot instants, nulls, instants with milliseconds), and every
 * write a compare-and-set on the version — of two stores (two processes) writing over the same
 * version, exactly one wins.
 */
import type { PaceState } from '../../../src/db/queries/pace';
import { describeStores } from '../support/stores';

const T = 'T1';
const NOW = Date.UTC(2026, 10, 30, 9, 0, 0, 123);

const state = (over: Partial<PaceState> = {}): PaceState => ({
  rate: 48.5,
  lastSlotAt: NOW + 20.834,
  pausedUntil: null,
  limitSeen: null,
  settleShare: 0.97,
  probeAfterMs: 30_000,
  lastLimitedAt: null,
  lastSettleLimitedAt: null,
  adjustedAt: NOW,
  windowStart: NOW - 1000,
  takenAt: '3,24,45',
  sentAt: '',
  ...over,
});

describeStores('delivery pace', (ctx) => {
  it('is created once per workspace and reads back as written', async () => {
    const { store } = ctx();
    expect(await store.getPace(T)).toBeUndefined();
    expect(await store.createPace(T, state(), new Date(NOW))).toBe(true);
    expect(await store.createPace(T, state({ rate: 1 }), new Date(NOW + 1))).toBe(false);
    expect(await store.getPace(T)).toEqual({ teamId: T, version: 1, updatedAt: NOW, ...state() });
    expect(await store.getPace('T2')).toBeUndefined();
  });

  it('writes only over the version it read, and each write moves the version on', async () => {
    const { store } = ctx();
    await store.createPace(T, state(), new Date(NOW));
    const paused = state({ pausedUntil: NOW + 2000, limitSeen: 49.75, lastLimitedAt: NOW + 1, rate: 24.25, sentAt: '1,2,999' });
    expect(await store.updatePace(T, 1, paused, new Date(NOW + 1))).toBe(true);
    expect(await store.getPace(T)).toEqual({ teamId: T, version: 2, updatedAt: NOW + 1, ...paused });
    // A write computed from version 1 comes too late: nothing changes.
    expect(await store.updatePace(T, 1, state({ rate: 99 }), new Date(NOW + 2))).toBe(false);
    expect(await store.updatePace('T2', 1, state(), new Date(NOW + 2))).toBe(false);
    expect((await store.getPace(T))?.rate).toBe(24.25);
    expect(await store.updatePace(T, 2, state({ lastSlotAt: null }), new Date(NOW + 3))).toBe(true);
    expect(await store.getPace(T)).toMatchObject({ version: 3, lastSlotAt: null, pausedUntil: null });
  });

  it('of stores writing over the same version at once, exactly one wins; of two creating, one', async () => {
    const { store, another } = ctx();
    const others = [await another(), await another()];
    const all = [store, ...others];
    const created = await Promise.all(all.map((s, i) => s.createPace(T, state({ rate: 10 + i }), new Date(NOW))));
    expect(created.filter(Boolean)).toHaveLength(1);
    for (let round = 1; round <= 5; round++) {
      const wrote = await Promise.all(all.map((s, i) => s.updatePace(T, round, state({ rate: 100 * round + i }), new Date(NOW + round))));
      expect(wrote.filter(Boolean)).toHaveLength(1);
      const row = await others[0]!.getPace(T);
      expect(row?.version).toBe(round + 1);
      expect(row?.rate).toBe(100 * round + wrote.indexOf(true));
    }
  });
});
