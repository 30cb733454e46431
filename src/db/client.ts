/**
 * Opens SQLite (WAL, foreign keys, busy timeout) and applies drizzle-kit migrations.
 *
 * Several processes may write one file (a rolling deploy runs two). SQLite's busy timeout only helps
 * a transaction that asks for the write lock when it begins: a DEFERRED one (the default) that reads
 * first and writes later cannot wait for the lock when it upgrades — if another connection wrote
 * meanwhile it fails at once with "database is locked" (SQLITE_BUSY). So every transaction here
 * begins IMMEDIATE: drizzle's `db.transaction` does by default (see `immediateByDefault`), and raw
 * better-sqlite3 transactions must be run with `.immediate()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DbHandle {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

export function openDatabase(file: string): DbHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commit.
  sqlite.pragma('synchronous = NORMAL');
  const db = immediateByDefault(drizzle(sqlite, { schema }));
  return { db, sqlite, close: () => sqlite.close() };
}

/** `db.transaction(fn)` begins IMMEDIATE unless a caller asks otherwise (nested ones are savepoints). */
function immediateByDefault(db: Db): Db {
  const begin = db.transaction.bind(db);
  db.transaction = ((fn, config) => begin(fn, { behavior: 'immediate', ...config })) as Db['transaction'];
  return db;
}

export function runMigrations(handle: DbHandle): void {
  migrate(handle.db, { migrationsFolder: MIGRATIONS_DIR });
}

export function databaseHealth(handle: DbHandle): { ok: boolean; migrations: number; error?: string } {
  try {
    const row = handle.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    return { ok: true, migrations: row.n };
  } catch (e) {
    return { ok: false, migrations: 0, error: (e as Error).message };
  }
}
