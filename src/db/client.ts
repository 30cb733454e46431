/** Opens SQLite (WAL, foreign keys, busy timeout) and applies drizzle-kit migrations. */
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
  const db = drizzle(sqlite, { schema });
  return { db, sqlite, close: () => sqlite.close() };
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
