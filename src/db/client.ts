/**
 * Opens SQLite (WAL, foreign keys, busy timeout) and applies drizzle-kit migrations. A storage
 * problem at start-up becomes a StorageError naming the file and the fix; every later write's
 * outcome is watched for /healthz.
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
import { isStorageError, monitorWrites, WriteMonitor } from './writeMonitor';
import { storageError } from './storageErrors';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DbHandle {
  db: Db;
  sqlite: Database.Database;
  /** How the last write went (see writeMonitor.ts). */
  writes: WriteMonitor;
  close(): void;
}

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations', 'sqlite');

export function openDatabase(file: string): DbHandle {
  const target = file === ':memory:' ? file : path.resolve(file);
  if (file !== ':memory:') {
    const dir = path.dirname(target);
    try {
      makeDirectory(dir);
    } catch (e) {
      throw storageError('create', dir, e);
    }
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commit.
    sqlite.pragma('synchronous = NORMAL');
  } catch (e) {
    sqlite?.close();
    throw storageError('open', target, e);
  }
  const writes = new WriteMonitor();
  monitorWrites(sqlite, writes);
  const db = immediateByDefault(drizzle(sqlite, { schema }));
  const opened = sqlite;
  return { db, sqlite, writes, close: () => opened.close() };
}

/**
 * `mkdir -p`, one level at a time from the nearest existing folder. Node's recursive mkdir spins
 * forever on some paths it cannot create (e.g. under /proc); this fails at once, with the code of
 * the level that could not be made.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      // Someone else (another process starting) made it meanwhile: fine if it is a folder.
      if ((e as { code?: string }).code !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw e;
    }
  }
}

/** `db.transaction(fn)` begins IMMEDIATE unless a caller asks otherwise (nested ones are savepoints). */
function immediateByDefault(db: Db): Db {
  const begin = db.transaction.bind(db);
  db.transaction = ((fn, config) => begin(fn, { behavior: 'immediate', ...config })) as Db['transaction'];
  return db;
}

export function runMigrations(handle: DbHandle): void {
  try {
    migrate(handle.db, { migrationsFolder: MIGRATIONS_DIR });
    dropPlannerStatistics(handle.sqlite);
  } catch (e) {
    // Only storage failures are the operator's to fix; a broken migration is a bug and stays one.
    // What is thrown may be a later error (drizzle's ROLLBACK after SQLite already rolled back on a
    // full disk): the storage failure that caused it is the one the write monitor saw.
    const cause = isStorageError(e) || isStorageError((e as { cause?: unknown } | null)?.cause) ? e : handle.writes.lastFailure();
    if (!cause) throw e;
    throw storageError('write to', handle.sqlite.name === ':memory:' ? ':memory:' : path.resolve(handle.sqlite.name), cause);
  }
}

/**
 * Drops the planner's statistics (`sqlite_stat1`, `sqlite_stat4`) that an ANALYZE wrote — an
 * operator's, a `PRAGMA optimize`, a bench's seed. Handoff never writes them: its indexes and query
 * plans are built and tested for SQLite's planner without statistics, and with them two things went
 * wrong on a seeded database:
 * - better-sqlite3 builds SQLite with SQLITE_ENABLE_STAT4, and with `sqlite_stat4` every statement
 *   whose bound values could change its plan is compiled again on every run (20–40 µs a call, on
 *   statements prepared once to save exactly that);
 * - `sqlite_stat1` from a skewed workspace (one author of most handoffs) turned "recently resolved
 *   asks of this author" from an index search into a scan of every handoff.
 * An ANALYZE while the app runs writes them again (a running process keeps the plans it has until it
 * loads the schema again); the next start drops them.
 */
export function dropPlannerStatistics(sqlite: Database.Database): void {
  const present = sqlite.prepare("select count(*) as n from sqlite_master where name in ('sqlite_stat1', 'sqlite_stat4')").get() as { n: number };
  if (present.n === 0) return; // nothing written: the schema (and a second process's statements) stay as they are
  // IF EXISTS: two processes starting together may both have seen them; the second drops nothing.
  sqlite.exec('DROP TABLE IF EXISTS sqlite_stat4; DROP TABLE IF EXISTS sqlite_stat1;');
  // This connection read them when it loaded the schema, and a DROP does not unload them: a reset does.
  sqlite.pragma('writable_schema = RESET');
}
