/**
 * Statements prepared once per connection, for the hot paths (every request, every delivery, the
 * sweep). Drizzle builds and prepares each query on every call (≈50–120 µs); a statement prepared
 * once runs in ≈2–5 µs, and a request touches a dozen of them. Drizzle stays for the schema, the
 * migrations and the rare queries.
 *
 * Select lists and row readers are derived from the drizzle schema (`rowReader`), so a column added
 * to `schema.ts` is read everywhere without a hand-copied list to forget. Statements run on the same
 * connection as drizzle, so they join its transactions.
 *
 * A bound LIMIT is written `limit +?` (or `limit +@name`), never `limit ?`: SQLite (3.53, as built here)
 * reads a bare bound LIMIT while planning and then marks the statement to be compiled again whenever
 * that parameter is bound, i.e. on every call. The unary plus keeps the value out of the plan (every
 * plan was checked unchanged) and the statement compiled once. On the ack bench's database, the list's
 * three reads went from 269, 312 and 46 µs a call to 173, 149 and 8. test/unit/db/boundLimits.test.ts
 * keeps it so.
 */
import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

/** The better-sqlite3 connection behind a drizzle database or transaction. */
export function sqliteOf(db: Db): Database.Database {
  const d = db as unknown as { $client?: Database.Database; session?: { client?: Database.Database } };
  const client = d.$client ?? d.session?.client;
  if (!client || typeof client.prepare !== 'function') throw new Error('expected a drizzle database on better-sqlite3');
  return client;
}

const cache = new WeakMap<Database.Database, Map<(s: Database.Database) => unknown, unknown>>();

/** `make(connection)`, evaluated once per connection (pass a module-level function). */
export function prepared<T>(db: Db, make: (s: Database.Database) => T): T {
  const sqlite = sqliteOf(db);
  let forDb = cache.get(sqlite);
  if (!forDb) cache.set(sqlite, (forDb = new Map()));
  if (!forDb.has(make)) forDb.set(make, make(sqlite));
  return forDb.get(make) as T;
}

export interface RowReader<T> {
  /**
   * `alias.col as jsName, …` for a select list; `only` keeps some columns, `prefix` names them
   * `prefixJsName` (two tables' columns in one row).
   */
  columns(alias?: string, opts?: { only?: readonly string[]; prefix?: string }): string;
  /** A raw row (booleans as 0/1) as drizzle would have returned it. */
  read(raw: Record<string, unknown>): T;
  table: string;
}

/** `alias.col as "jsName", …` for a table's columns (`[schema key, column]`), in either dialect. */
export function selectList(columns: [string, { name: string }][], alias?: string, opts: { only?: readonly string[]; prefix?: string } = {}): string {
  return columns
    .filter(([key]) => !opts.only || opts.only.includes(key))
    .map(([key, c]) => `${alias ? `${alias}.` : ''}${c.name} as "${opts.prefix ?? ''}${key}"`)
    .join(', ');
}

/**
 * A select list and a row reader for `table`, from its drizzle definition: column names are aliased
 * to their schema keys, and boolean-mode integers come back as booleans.
 */
export function rowReader<T extends SQLiteTable>(table: T): RowReader<T['$inferSelect']> {
  const columns = Object.entries(getTableColumns(table));
  const booleans = columns.filter(([, c]) => c.columnType === 'SQLiteBoolean').map(([key]) => key);
  return {
    table: getTableName(table),
    columns: (alias, opts) => selectList(columns, alias, opts),
    read: (raw) => {
      for (const key of booleans) if (raw[key] !== null && raw[key] !== undefined) raw[key] = raw[key] === 1;
      return raw as T['$inferSelect'];
    },
  };
}

/** Runs `fn` in a write transaction that takes the lock up front (BEGIN IMMEDIATE), so the busy timeout applies. */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return sqliteOf(db).transaction(fn).immediate();
}

const updates = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `update <table> set … where … = ? and …`: the columns of `set` (undefined ones left out, as
 * drizzle's `.set()` does) on the rows matching every column of `where`. Prepared once per
 * connection and set of columns; each value is encoded by its column as drizzle encodes it
 * (booleans as 0/1), so this writes what `db.update(table).set(set).where(eq…)` wrote.
 */
export function updateWhere<T extends SQLiteTable>(db: Db, table: T, set: Partial<T['$inferSelect']>, where: Partial<T['$inferSelect']>): Database.RunResult {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const column = (key: string): SQLiteColumn => {
    const c = columns[key];
    if (!c) throw new Error(`${key} is not a column of ${getTableName(table)}`);
    return c;
  };
  const values = set as Record<string, unknown>;
  const keys = where as Record<string, unknown>;
  const setKeys = Object.keys(values).filter((k) => values[k] !== undefined);
  const whereKeys = Object.keys(keys);
  if (setKeys.length === 0) throw new Error('No values to set');
  if (whereKeys.length === 0) throw new Error('updateWhere needs a where clause');
  const sqlite = sqliteOf(db);
  let forDb = updates.get(sqlite);
  if (!forDb) updates.set(sqlite, (forDb = new Map()));
  const id = `${getTableName(table)}|${setKeys.join(',')}|${whereKeys.join(',')}`;
  let statement = forDb.get(id);
  if (!statement) {
    const assign = setKeys.map((k) => `"${column(k).name}" = ?`).join(', ');
    const match = whereKeys.map((k) => `"${column(k).name}" = ?`).join(' and ');
    forDb.set(id, (statement = sqlite.prepare(`update "${getTableName(table)}" set ${assign} where ${match}`)));
  }
  const encode = (key: string, value: unknown) => (value === null ? null : column(key).mapToDriverValue(value));
  return statement.run(...setKeys.map((k) => encode(k, values[k])), ...whereKeys.map((k) => encode(k, keys[k])));
}
