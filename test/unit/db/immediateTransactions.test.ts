/**
 * Every write transaction begins IMMEDIATE (src/db/client.ts). With two processes on one file, a
 * DEFERRED transaction that reads, then writes after the other process committed, fails at once with
 * "database is locked" — the busy timeout cannot help an upgrade. Two connections in one process
 * behave exactly like two processes here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import { workspaces } from '../../../src/db/schema';
import { sweepDueDigests } from '../../../src/scheduler/digestSweep';

let a: DbHandle;
let b: DbHandle;

beforeEach(() => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-immediate-')), 'handoff.db');
  a = openDatabase(file);
  runMigrations(a);
  b = openDatabase(file);
  // Short waits: what matters is who waits, not for how long.
  a.sqlite.pragma('busy_timeout = 100');
  b.sqlite.pragma('busy_timeout = 100');
});
afterEach(() => {
  if (b.sqlite.inTransaction) b.sqlite.exec('ROLLBACK');
  a.close();
  b.close();
});

const insertWorkspace = (h: DbHandle, teamId: string) => h.sqlite.prepare('insert into workspaces (team_id, created_at) values (?, 0)').run(teamId);

describe('write transactions begin IMMEDIATE', () => {
  it('a read-then-write transaction cannot be overtaken by another writer between its read and its write', () => {
    let otherWriter: string | null = null;
    a.db.transaction((tx) => {
      tx.select().from(workspaces).all();
      // The other process tries to write now: it has to wait for us (and gives up after its timeout)…
      try {
        insertWorkspace(b, 'T0OTHER');
        otherWriter = 'wrote';
      } catch (e) {
        otherWriter = (e as Error).message;
      }
      // …so our write, after the read, goes through.
      tx.insert(workspaces).values({ teamId: 'T0MINE', createdAt: 0 }).run();
    });
    expect(otherWriter).toBe('database is locked');
    expect(a.sqlite.prepare('select team_id from workspaces').all()).toEqual([{ team_id: 'T0MINE' }]);
  });

  it('drizzle transactions take the write lock when they begin (so they wait their turn instead of failing later)', () => {
    b.sqlite.exec('BEGIN IMMEDIATE');
    expect(() => a.db.transaction((tx) => tx.select().from(workspaces).all())).toThrow('database is locked');
    b.sqlite.exec('ROLLBACK');
    expect(a.db.transaction((tx) => tx.select().from(workspaces).all())).toEqual([]);
  });

  it('a caller may still ask for a deferred one explicitly', () => {
    b.sqlite.exec('BEGIN IMMEDIATE');
    expect(a.db.transaction((tx) => tx.select().from(workspaces).all(), { behavior: 'deferred' })).toEqual([]);
  });

  it('the digest sweep (a raw better-sqlite3 transaction) does too', async () => {
    b.sqlite.exec('BEGIN IMMEDIATE');
    // better-sqlite3's error comes from another realm than jest's, so match its fields.
    await expect(sweepDueDigests(sqliteStore(a), new Date(), 4 * 3600_000)).rejects.toMatchObject({ code: 'SQLITE_BUSY', message: 'database is locked' });
    b.sqlite.exec('ROLLBACK');
    await expect(sweepDueDigests(sqliteStore(a), new Date(), 4 * 3600_000)).resolves.toMatchObject({ due: 0, enqueued: 0 });
  });
});
