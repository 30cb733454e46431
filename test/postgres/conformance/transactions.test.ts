/**
 * Store transactions, on SQLite and PostgreSQL: commit, rollback, savepoints, a handle used too late,
 * and a caller outside the transaction never caught in its rollback. On PostgreSQL, rows a
 * transaction claimed (outbox rows, due people) are skipped, not waited for, by another replica.
 */
import type { Store, Tx } from '../../../src/db/store';
import { describeStores } from '../support/stores';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const teams = async (store: Store, ids: string[]) => (await Promise.all(ids.map((id) => store.getWorkspace(id)))).map((w) => w?.teamId ?? null);

describeStores('transactions', (ctx) => {
  it('commits every write of the callback and returns its value', async () => {
    const { store } = ctx();
    const n = await store.transaction(async (tx) => {
      await tx.ensureWorkspace(T, NOW);
      await tx.enqueue({ teamId: T, kind: 'dm', dedupeKey: 'a' }, NOW);
      return tx.allocateHandoffNumber(T);
    });
    expect(n).toBe(1);
    expect((await store.getWorkspace(T))?.nextHandoffNumber).toBe(2);
    expect((await store.outboxBacklog(NOW)).due).toBe(1);
  });

  it('rolls every write back when the callback throws, and passes the error on', async () => {
    const { store } = ctx();
    const failing = store.transaction(async (tx) => {
      await tx.ensureWorkspace(T, NOW);
      await tx.enqueue({ teamId: T, kind: 'dm', dedupeKey: 'a' }, NOW);
      throw new Error('no');
    });
    await expect(failing).rejects.toThrow('no');
    expect(await store.getWorkspace(T)).toBeUndefined();
    expect((await store.outboxBacklog(NOW)).due).toBe(0);
    // The store is usable afterwards.
    await store.ensureWorkspace(T, NOW);
    expect((await store.getWorkspace(T))?.teamId).toBe(T);
  });

  it('a nested transaction is a savepoint: its rollback keeps the outer writes, the outer rollback undoes it', async () => {
    const { store } = ctx();
    await store.transaction(async (tx) => {
      await tx.ensureWorkspace('OUTER', NOW);
      await expect(
        tx.transaction(async (inner) => {
          await inner.ensureWorkspace('INNER', NOW);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await tx.transaction((inner) => inner.ensureWorkspace('KEPT', NOW));
    });
    expect(await teams(store, ['OUTER', 'INNER', 'KEPT'])).toEqual(['OUTER', null, 'KEPT']);

    await expect(
      store.transaction(async (tx) => {
        await tx.transaction((inner) => inner.ensureWorkspace('LOST', NOW));
        throw new Error('outer');
      }),
    ).rejects.toThrow('outer');
    expect(await teams(store, ['LOST'])).toEqual([null]);
  });

  it('a query that undoes its own part (a prompt already shown) leaves the rest of the transaction alone', async () => {
    const { store } = ctx();
    await store.upsertProfile(T, 'U1', { displayName: 'U1', isBot: false, deleted: false, slackTz: null }, NOW);
    const prompt = { teamId: T, userId: 'U1', channelId: 'C1', threadTs: '1.1', messageTs: '1.2', reason: 'meeting' };
    expect(await store.reservePrompt(prompt, NOW, 0)).not.toBeNull();
    const later = new Date(NOW.getTime() + 1000);
    const again = await store.transaction(async (tx) => {
      await tx.ensureWorkspace(T, later);
      return tx.reservePrompt(prompt, later, 0);
    });
    expect(again).toBeNull();
    expect((await store.getUser(T, 'U1'))?.lastDeflectionAt).toBe(NOW.getTime());
    expect((await store.getWorkspace(T))?.createdAt).toBe(later.getTime());
  });

  it('refuses a transaction handle used after its transaction settled', async () => {
    const { store } = ctx();
    let leaked: Tx | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.ensureWorkspace(T, NOW)).rejects.toThrow('this transaction has already finished');
    await expect(leaked!.transaction(async () => 1)).rejects.toThrow('this transaction has already finished');
    expect(await store.getWorkspace(T)).toBeUndefined();
  });

  it('a call made outside an open transaction is not undone by its rollback', async () => {
    const { store } = ctx();
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const failing = store.transaction(async (tx) => {
      await tx.ensureWorkspace('IN', NOW);
      inside();
      await released;
      throw new Error('rollback');
    });
    await opened;
    const outside = store.ensureWorkspace('OUT', NOW);
    release();
    await expect(failing).rejects.toThrow('rollback');
    await outside;
    expect(await teams(store, ['IN', 'OUT'])).toEqual([null, 'OUT']);
  });
});

describeStores(
  'claims across replicas',
  (ctx) => {
    it('outbox rows claimed in an open transaction are skipped by another replica, and claimable again after its rollback', async () => {
      const { store, another } = ctx();
      const other = await another();
      for (let i = 0; i < 6; i++) await store.enqueue({ teamId: T, kind: 'dm', dedupeKey: `k${i}`, nextAttemptAt: new Date(NOW.getTime() - 10 + i) }, NOW);
      let inside!: () => void;
      const opened = new Promise<void>((resolve) => {
        inside = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holding = store.transaction(async (tx) => {
        const mine = await tx.claimDue(NOW, 3, { claimant: 'A', until: NOW.getTime() + 1000 });
        inside();
        await released;
        throw new Error(`give back ${mine.length}`);
      });
      await opened;
      // Not waiting for A: B takes the next rows at once (a wait here would never end, A waits for B's answer).
      const theirs = await other.claimDue(NOW, 10, { claimant: 'B', until: NOW.getTime() + 1000 });
      expect(theirs.map((r) => r.dedupeKey)).toEqual(['k3', 'k4', 'k5']);
      release();
      await expect(holding).rejects.toThrow('give back 3');
      expect((await other.claimDue(NOW, 10, { claimant: 'B', until: NOW.getTime() + 1000 })).map((r) => r.dedupeKey)).toEqual(['k0', 'k1', 'k2']);
    });

    it('two replicas sweeping at once split the people due between them', async () => {
      const { store, another } = ctx();
      const other = await another();
      for (let i = 0; i < 5; i++) {
        await store.upsertProfile(T, `U${i}`, { displayName: `U${i}`, isBot: false, deleted: false, slackTz: null }, NOW);
        await store.updateUser(T, `U${i}`, { nextDigestAt: NOW.getTime() - 100 + i }, NOW);
      }
      let inside!: () => void;
      const opened = new Promise<void>((resolve) => {
        inside = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const sweeping = store.transaction(async (tx) => {
        const slice = await tx.dueForDigest(NOW.getTime(), 2);
        inside();
        await released;
        return slice.map((u) => u.userId);
      });
      await opened;
      const theirs = await other.transaction(async (tx) => (await tx.dueForDigest(NOW.getTime(), 10)).map((u) => u.userId));
      release();
      expect(await sweeping).toEqual(['U0', 'U1']);
      expect(theirs).toEqual(['U2', 'U3', 'U4']);
    });
  },
  ['postgres'],
);
