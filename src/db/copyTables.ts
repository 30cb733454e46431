/**
 * The tables a SQLite → PostgreSQL copy moves, derived from the two drizzle schemas (schema.ts and
 * pgSchema.ts) rather than listed by hand: a column added to both schemas (the drift test keeps them
 * equal) is copied and verified without touching the migrator.
 */
import { getTableColumns, is, type Column } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from './schema';
import * as pgSchema from './pgSchema';

export interface ColumnPair {
  /** The SQL name, the same on both sides. */
  name: string;
  /** The JavaScript key of the row objects (the PostgreSQL schema's). */
  key: string;
  sqlite: Column;
  pg: Column;
  /** jsonb on PostgreSQL: compared as JSON values, since jsonb does not keep the text as written. */
  json: boolean;
}

export interface TablePair {
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  columns: ColumnPair[];
  primaryKey: ColumnPair[];
  /** The PostgreSQL identity column whose sequence must continue after the copied ids. */
  identity: ColumnPair | null;
}

/** A row as the application sees it (epoch ms, booleans, JSON text), keyed like the schema's rows. */
export type AppRow = Record<string, unknown>;

const tablesOf = <T>(module: Record<string, unknown>, isTable: (v: unknown) => v is T) => Object.values(module).filter(isTable);

function pairColumns(name: string, sqlite: SQLiteTable, pg: PgTable): ColumnPair[] {
  const sqliteByName = new Map(Object.values(getTableColumns(sqlite)).map((c) => [c.name, c]));
  const pgColumns = Object.entries(getTableColumns(pg));
  if (pgColumns.length !== sqliteByName.size) throw new Error(`table ${name}: the SQLite and PostgreSQL schemas have different columns (run the schema drift test)`);
  return pgColumns.map(([key, pgColumn]) => {
    const sqliteColumn = sqliteByName.get(pgColumn.name);
    if (!sqliteColumn) throw new Error(`table ${name}: column ${pgColumn.name} is missing from the SQLite schema`);
    return { name: pgColumn.name, key, sqlite: sqliteColumn, pg: pgColumn, json: pgColumn.getSQLType() === 'jsonb' };
  });
}

function pairOf(sqlite: SQLiteTable, pg: PgTable): TablePair {
  const config = pgTableConfig(pg);
  const columns = pairColumns(config.name, sqlite, pg);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const pkNames = [...config.columns.filter((c) => c.primary).map((c) => c.name), ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name))];
  // Verification looks rows up by primary key; a table without one could not be checked row for row.
  if (pkNames.length === 0) throw new Error(`table ${config.name} has no primary key: the migrator cannot verify it row for row`);
  const identity = columns.find((c) => c.pg.generatedIdentity !== undefined) ?? null;
  return { name: config.name, sqlite, pg, columns, primaryKey: pkNames.map((n) => byName.get(n)!), identity };
}

/** Parents before children, so every foreign key finds its row (schema order among equals). */
function inForeignKeyOrder(pairs: TablePair[]): TablePair[] {
  const parents = new Map(
    pairs.map((p) => [
      p.name,
      pgTableConfig(p.pg)
        .foreignKeys.map((fk) => pgTableConfig(fk.reference().foreignTable).name)
        .filter((n) => n !== p.name),
    ]),
  );
  const ordered: TablePair[] = [];
  const placed = new Set<string>();
  while (ordered.length < pairs.length) {
    const ready = pairs.filter((p) => !placed.has(p.name) && (parents.get(p.name) ?? []).every((n) => placed.has(n)));
    if (ready.length === 0) throw new Error('the foreign keys of the schema form a cycle: no copy order exists');
    for (const p of ready) {
      ordered.push(p);
      placed.add(p.name);
    }
  }
  return ordered;
}

/** Every table of the schemas, paired by SQL name, in foreign-key order. */
export function copyTables(sqliteModule: Record<string, unknown> = sqliteSchema, pgModule: Record<string, unknown> = pgSchema): TablePair[] {
  const sqliteTables = new Map(tablesOf(sqliteModule, (v): v is SQLiteTable => is(v, SQLiteTable)).map((t) => [sqliteTableConfig(t).name, t]));
  const pgTables = tablesOf(pgModule, (v): v is PgTable => is(v, PgTable));
  if (pgTables.length !== sqliteTables.size) throw new Error('the SQLite and PostgreSQL schemas have different tables (run the schema drift test)');
  return inForeignKeyOrder(
    pgTables.map((pg) => {
      const name = pgTableConfig(pg).name;
      const sqlite = sqliteTables.get(name);
      if (!sqlite) throw new Error(`table ${name} is missing from the SQLite schema`);
      return pairOf(sqlite, pg);
    }),
  );
}

/** JSON with object keys sorted, so two equal JSON values print the same. */
function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonicalJson((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A column's value in a form that compares equal across the two databases when the data is equal. */
export function normalised(column: ColumnPair, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (!column.json) return value;
  try {
    return JSON.stringify(canonicalJson(JSON.parse(String(value))));
  } catch {
    return `(not JSON) ${String(value)}`;
  }
}

/** One key value against another, in SQLite's order: numbers by value, text by its UTF-8 bytes (BINARY). */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  // JavaScript's own string order is by UTF-16 units, which differs from UTF-8 bytes beyond U+FFFF.
  return Buffer.compare(Buffer.from(String(a), 'utf8'), Buffer.from(String(b), 'utf8'));
}

/** Orders two rows of a table by primary key, as `order by` the key does in SQLite. */
export function compareKeys(table: TablePair, a: AppRow, b: AppRow): number {
  for (const c of table.primaryKey) {
    const d = compareValues(a[c.key], b[c.key]);
    if (d !== 0) return d;
  }
  return 0;
}

/** `id=12` or `team_id="T1", user_id="U1"`, for messages. */
export const describeKey = (table: TablePair, row: AppRow): string => table.primaryKey.map((c) => `${c.name}=${JSON.stringify(row[c.key])}`).join(', ');
