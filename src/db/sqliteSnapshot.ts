/**
 * A read-only, consistent view of a Handoff SQLite file for copying it elsewhere: one read transaction
 * (in WAL mode, a snapshot that later commits by others do not change), and a way to tell afterwards
 * whether anyone wrote to the file meanwhile (PRAGMA data_version), in which case the copy is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS_DIR } from './client';
import type { AppRow, TablePair } from './copyTables';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface SqliteSnapshot {
  file: string;
  /**
   * The rows of a table in batches, mapped to application values exactly as drizzle reads them; in
   * primary-key order (text by its UTF-8 bytes, SQLite's BINARY collation) when `ordered`.
   */
  batches(table: TablePair, size: number, ordered?: boolean): Generator<AppRow[]>;
  /** The highest id AUTOINCREMENT ever handed out for the table (ids of deleted rows included), or 0. */
  lastIssuedId(table: TablePair): number;
  /** Ends the snapshot; true when another connection committed a write while it was open. */
  end(): boolean;
  close(): void;
}

/** The newest migration of migrations/sqlite, as drizzle records it (the journal's `when`). */
function newestShippedMigration(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> };
  return Math.max(...journal.entries.map((e) => e.when));
}

function checkSchemaVersion(sqlite: Database.Database, file: string): void {
  let newest: number | null;
  try {
    newest = (sqlite.prepare('select max(created_at) as newest from __drizzle_migrations').get() as { newest: number | null }).newest;
  } catch {
    throw new Error(`${file} is not a Handoff database (it has no migrations table)`);
  }
  const shipped = newestShippedMigration();
  if (newest === null || newest < shipped) {
    throw new Error(`${file} has not had this version's SQLite migrations applied: run "npx handoff migrate --db ${file}" (or start Handoff once), then migrate again`);
  }
  if (newest > shipped) throw new Error(`${file} was migrated by a newer version of Handoff than this one: run the migration with that version`);
}

function* batchesOf(sqlite: Database.Database, table: TablePair, size: number, ordered: boolean): Generator<AppRow[]> {
  const columns = table.columns;
  const order = ordered ? ` order by ${table.primaryKey.map((c) => quoted(c.name)).join(', ')}` : '';
  const rows = sqlite
    .prepare(`select ${columns.map((c) => quoted(c.name)).join(', ')} from ${quoted(table.name)}${order}`)
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  let batch: AppRow[] = [];
  for (const values of rows) {
    const row: AppRow = {};
    columns.forEach((c, i) => {
      const v = values[i];
      row[c.key] = v === null || v === undefined ? null : c.sqlite.mapFromDriverValue(v);
    });
    batch.push(row);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function lastIssuedIdOf(sqlite: Database.Database, table: TablePair): number {
  try {
    const row = sqlite.prepare('select seq from sqlite_sequence where name = ?').get(table.name) as { seq: number } | undefined;
    return row?.seq ?? 0;
  } catch {
    return 0; // no AUTOINCREMENT table has been written yet: sqlite_sequence does not exist
  }
}

/** Opens `file` read-only (it must exist) and begins the snapshot. */
export function openSqliteSnapshot(file: string): SqliteSnapshot {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new Error(`${resolved} does not exist`);
  const sqlite = new Database(resolved, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    checkSchemaVersion(sqlite, resolved);
    sqlite.exec('begin');
    // A deferred transaction takes its snapshot at the first read; data_version then stays fixed until it ends.
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const version = sqlite.pragma('data_version', { simple: true }) as number;
  return {
    file: resolved,
    batches: (table, size, ordered = false) => batchesOf(sqlite, table, size, ordered),
    lastIssuedId: (table) => lastIssuedIdOf(sqlite, table),
    end: () => {
      if (sqlite.inTransaction) sqlite.exec('commit');
      return (sqlite.pragma('data_version', { simple: true }) as number) !== version;
    },
    close: () => sqlite.close(),
  };
}
