/**
 * Plain SQL that means the same on SQLite and PostgreSQL (counts, LIKE, IN, joins, length()), run on
 * whichever backend a test's app uses: for checks the reliability tests make that no Store query does.
 * `?` placeholders on both (numbered for PostgreSQL here); PostgreSQL's bigint counts come back as
 * numbers, as SQLite's do. Values of other types keep each driver's form (SQLite 0/1, PostgreSQL
 * booleans): compare them within one backend, or select them through an expression both agree on.
 */
import { Pool, types, type QueryConfig } from 'pg';
import Database from 'better-sqlite3';
import type { OpenedDatabase } from '../../src/db/open';
import type { TestApp } from './testApp';

type Row = Record<string, unknown>;
/** A test app, or a database the test opened itself (see `openSql`). */
export type SqlTarget = Pick<TestApp, 'handoff'> | SqlDatabase;

/** count(*) and other int8 results as JavaScript numbers (exact below 2^53, as everything here is). */
const INT8 = 20;
const typeParsers = {
  getTypeParser: ((oid: number, format?: string) => (oid === INT8 ? (v: string) => Number(v) : types.getTypeParser(oid, format as 'text'))) as typeof types.getTypeParser,
};

function numbered(text: string): string {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

async function onPool(pool: Pool, text: string, params: unknown[]): Promise<Row[]> {
  const config: QueryConfig = { text: numbered(text), values: params, types: typeParsers };
  return (await pool.query<Row>(config)).rows;
}

/** Every row `text` selects. */
export async function sqlAll<T = Row>(target: SqlTarget, text: string, ...params: unknown[]): Promise<T[]> {
  // Not `'handoff' in target`: the reliability tests' `t` is a Proxy that answers `get` only.
  if (typeof (target as Partial<SqlDatabase>).all !== 'function') {
    const database: OpenedDatabase = (target as Pick<TestApp, 'handoff'>).handoff.database;
    if (database.kind === 'sqlite') return database.handle.sqlite.prepare(text).all(...params) as T[];
    return (await onPool(database.handle.pool, text, params)) as T[];
  }
  return (target as SqlDatabase).all(text, params) as Promise<T[]>;
}

/** The first row `text` selects (undefined if none). */
export async function sqlGet<T = Row>(target: SqlTarget, text: string, ...params: unknown[]): Promise<T | undefined> {
  return (await sqlAll<T>(target, text, ...params))[0];
}

/** `select count(*) n …` → n. */
export async function sqlCount(target: SqlTarget, text: string, ...params: unknown[]): Promise<number> {
  const row = await sqlGet<{ n: number }>(target, text, ...params);
  return Number(row?.n);
}

/** A database a test reads from outside the app (a child process's): read-only on SQLite. */
export interface SqlDatabase {
  all(text: string, params: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** Opens the database of a DATABASE_URL (`file:…` or `postgres://…`) for reading. */
export function openSql(databaseUrl: string): SqlDatabase {
  if (/^postgres(ql)?:/.test(databaseUrl)) {
    const pool = new Pool({ connectionString: databaseUrl, max: 2, allowExitOnIdle: true });
    // An idle connection ended from outside (the file's databases dropped WITH (FORCE)) is no test failure.
    pool.on('error', () => {});
    return { all: (text, params) => onPool(pool, text, params), close: () => pool.end() };
  }
  const file = databaseUrl.replace(/^file:/, '');
  // Opened for each read, as a reader beside a running app: never holds the file between reads.
  return {
    all: async (text, params) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        return db.prepare(text).all(...params) as Row[];
      } finally {
        db.close();
      }
    },
    close: async () => {},
  };
}
