/**
 * The SQLite store's transactions share one connection with every other caller, so its mutex must
 * keep other callers' statements out of an open transaction: two transactions whose callbacks
 * interleave awaits run one after the other, and a plain call made meanwhile waits for the commit or
 * rollback instead of landing inside it (where a rollback would undo it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import type { Store } from '../../../src/db/store';

const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
/** A turn of the event loop: whatever else is ready (the other transaction) runs now if it can. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

let handle: DbHandle;
let store: Store;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-sqlite-store-'));
  handle = openDatabase(path.join(dir, 'handoff.db'));
  runMigrations(handle);
  store = sqliteStore(handle);
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteStore transactions', () => {
  it('two concurrent transactions interleaving awaits run one after the other', async () => {
    const log: string[] = [];
    const run = (name: string) =>
      store.transaction(async (tx) => {
        log.push(`${name} begins`);
        await tx.ensureWorkspace(name, NOW);
        await nextTurn();
        log.push(`${name} allocates ${await tx.allocateHandoffNumber(name)}`);
        await nextTurn();
        log.push(`${name} ends`);
      });
    await Promise.all([run('A'), run('B'), run('C')]);
    expect(log).toEqual(['A begins', 'A allocates 1', 'A ends', 'B begins', 'B allocates 1', 'B ends', 'C begins', 'C allocates 1', 'C ends']);
  });

  it('a call made while a transaction is open waits for it, and survives its rollback', async () => {
    const log: string[] = [];
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const failing = store.transaction(async (tx) => {
      await tx.ensureWorkspace('T1', NOW);
      inside();
      await nextTurn();
      log.push('transaction throws');
      throw new Error('boom');
    });
    await opened;
    const outside = store.ensureWorkspace('T2', NOW).then(() => log.push('outside call done'));
    await expect(failing).rejects.toThrow('boom');
    await outside;
    expect(log).toEqual(['transaction throws', 'outside call done']);
    expect(await store.getWorkspace('T1')).toBeUndefined();
    expect((await store.getWorkspace('T2'))?.teamId).toBe('T2');
    expect(handle.sqlite.inTransaction).toBe(false);
  });

  it('a call made while no transaction is open runs at once, before the next turn of the event loop', async () => {
    let done = false;
    const call = store.ensureWorkspace('T1', NOW).then(() => {
      done = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(done).toBe(true);
    await call;
  });

  it('query functions that open their own transaction become savepoints inside the store transaction', async () => {
    await store.enqueue({ teamId: 'T1', kind: 'dm', dedupeKey: 'a' }, NOW);
    const released = await store.transaction(async (tx) => {
      await tx.claimDue(NOW, 5, { claimant: 'A', until: NOW.getTime() + 1000 });
      // releaseAll runs drizzle's db.transaction, deleteFinishedBefore better-sqlite3's .immediate().
      const n = await tx.releaseAll('A', NOW);
      await tx.deleteFinishedBefore(NOW.getTime(), 10);
      return n;
    });
    expect(released).toBe(1);
    expect((await store.outboxBacklog(NOW)).due).toBe(1);
  });

  it('close waits for the open transaction, then refuses calls', async () => {
    const log: string[] = [];
    const open = store.transaction(async (tx) => {
      await nextTurn();
      await tx.ensureWorkspace('T1', NOW);
      log.push('committed');
    });
    const closing = (async () => {
      await Promise.resolve();
      await store.close();
      log.push('closed');
    })();
    await Promise.all([open, closing]);
    expect(log).toEqual(['committed', 'closed']);
    await expect(store.getWorkspace('T1')).rejects.toThrow('the store is closed');
    // Reopen so afterEach's close has a store to close.
    handle = openDatabase(path.join(dir, 'handoff.db'));
    store = sqliteStore(handle);
    expect((await store.getWorkspace('T1'))?.teamId).toBe('T1');
  });
});
