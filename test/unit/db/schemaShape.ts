/**
 * The dialect-neutral shape of a drizzle schema module (tables, columns, nullability, defaults, keys,
 * indexes, foreign keys), and the differences between a SQLite and a PostgreSQL one. Column *types*
 * differ by design (timestamptz vs integer, …); that their JavaScript types agree is checked at
 * compile time in schemaDrift.test.ts.
 */
import { is, SQL, type Column } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';

interface ColumnShape {
  notNull: boolean;
  /** The default's JSON, 'sql' for an SQL expression, null for none. */
  default: string | null;
  /** Filled in by the database (SQLite autoincrement, PostgreSQL identity). */
  generatedId: boolean;
}

interface IndexShape {
  unique: boolean;
  columns: string[];
  where: string | null;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  indexes: Record<string, IndexShape>;
  uniqueConstraints: Record<string, string[]>;
  foreignKeys: string[];
}

type Dialect = 'sqlite' | 'postgres';

function columnShape(c: Column, generatedId: boolean): ColumnShape {
  const dflt = !c.hasDefault || c.default === undefined ? null : is(c.default, SQL) ? 'sql' : JSON.stringify(c.default);
  return { notNull: c.notNull, default: dflt, generatedId };
}

/** Both dialects quote identifiers with "…", so a partial index's condition renders the same in each. */
function whereText(where: SQL | undefined, dialect: Dialect): string | null {
  if (!where) return null;
  return (dialect === 'sqlite' ? new SQLiteSyncDialect() : new PgDialect()).sqlToQuery(where).sql;
}

const columnName = (c: unknown): string => (c && typeof c === 'object' && 'name' in c ? String(c.name) : 'sql expression');

function shapeOf(table: SQLiteTable | PgTable): { name: string; shape: TableShape } {
  const dialect: Dialect = is(table, SQLiteTable) ? 'sqlite' : 'postgres';
  const tc = is(table, SQLiteTable) ? sqliteTableConfig(table) : pgTableConfig(table as PgTable);
  const columns: Record<string, ColumnShape> = {};
  for (const c of tc.columns) {
    const generatedId = dialect === 'sqlite' ? (c as Column & { autoIncrement?: boolean }).autoIncrement === true : c.generatedIdentity !== undefined;
    columns[c.name] = columnShape(c, generatedId);
  }
  const singlePk = tc.columns.filter((c) => c.primary).map((c) => c.name);
  const compositePk = tc.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name));
  const indexes: Record<string, IndexShape> = {};
  for (const idx of tc.indexes) {
    const cfg = idx.config as { name?: string; unique: boolean; columns: unknown[]; where?: SQL };
    indexes[cfg.name ?? '(unnamed)'] = { unique: cfg.unique, columns: cfg.columns.map(columnName), where: whereText(cfg.where, dialect) };
  }
  const uniqueConstraints: Record<string, string[]> = {};
  for (const u of tc.uniqueConstraints) uniqueConstraints[u.getName() ?? '(unnamed)'] = u.columns.map((c) => c.name);
  const foreignKeys = tc.foreignKeys.map((fk) => {
    const ref = fk.reference();
    const target = dialect === 'sqlite' ? sqliteTableConfig(ref.foreignTable as SQLiteTable).name : pgTableConfig(ref.foreignTable as PgTable).name;
    const from = ref.columns.map((c) => c.name).join(',');
    const to = ref.foreignColumns.map((c) => c.name).join(',');
    return `${from} -> ${target}(${to}) on delete ${fk.onDelete ?? 'no action'} on update ${fk.onUpdate ?? 'no action'}`;
  });
  return { name: tc.name, shape: { columns, primaryKey: [...singlePk, ...compositePk], indexes, uniqueConstraints, foreignKeys: foreignKeys.sort() } };
}

/** Every table exported by a schema module, by SQL name. */
export function schemaShape(module: Record<string, unknown>): Map<string, TableShape> {
  const tables = Object.values(module).filter((v): v is SQLiteTable | PgTable => is(v, SQLiteTable) || is(v, PgTable));
  return new Map(tables.map(shapeOf).map(({ name, shape }) => [name, shape]));
}

function keyedDifferences<T>(where: string, what: string, a: Record<string, T>, b: Record<string, T>): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(key in b)) out.push(`${where}: ${what} ${key} only in sqlite`);
    else if (!(key in a)) out.push(`${where}: ${what} ${key} only in postgres`);
    else if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(`${where}: ${what} ${key} differs: sqlite ${JSON.stringify(a[key])}, postgres ${JSON.stringify(b[key])}`);
  }
  return out;
}

function tableDifferences(name: string, a: TableShape, b: TableShape): string[] {
  const out = [
    ...keyedDifferences(name, 'column', a.columns, b.columns),
    ...keyedDifferences(name, 'index', a.indexes, b.indexes),
    ...keyedDifferences(name, 'unique constraint', a.uniqueConstraints, b.uniqueConstraints),
  ];
  if (JSON.stringify(a.primaryKey) !== JSON.stringify(b.primaryKey)) out.push(`${name}: primary key differs: sqlite (${a.primaryKey}), postgres (${b.primaryKey})`);
  if (JSON.stringify(a.foreignKeys) !== JSON.stringify(b.foreignKeys)) {
    out.push(`${name}: foreign keys differ: sqlite ${JSON.stringify(a.foreignKeys)}, postgres ${JSON.stringify(b.foreignKeys)}`);
  }
  return out;
}

/** Human-readable differences between a SQLite and a PostgreSQL schema module; empty when they agree. */
export function schemaDifferences(sqliteModule: Record<string, unknown>, pgModule: Record<string, unknown>): string[] {
  const sqlite = schemaShape(sqliteModule);
  const pg = schemaShape(pgModule);
  const out: string[] = [];
  for (const name of new Set([...sqlite.keys(), ...pg.keys()])) {
    const a = sqlite.get(name);
    const b = pg.get(name);
    if (!b) out.push(`${name}: table only in sqlite`);
    else if (!a) out.push(`${name}: table only in postgres`);
    else out.push(...tableDifferences(name, a, b));
  }
  return out;
}
