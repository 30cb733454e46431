/**
 * What the PostgreSQL queries run on: a `Conn` is the pool (each statement on any free connection)
 * or one open transaction (every statement on its connection). Statements are named, so each
 * connection prepares them once. Values cross in the application's shapes: instants as epoch ms
 * (`instant()` on the way in, the schema's column mappers on the way out), JSON as text.
 */
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { types, type Pool, type PoolClient, type QueryResultRow } from 'pg';
import { Mutex } from '../mutex';
import { selectList } from '../prepared';

export interface Statement {
  name: string;
  text: string;
}

/** A named statement; `name` must be unique across the PostgreSQL store. */
export const statement = (name: string, text: string): Statement => ({ name: `handoff.${name}`, text });

export type Raw = Record<string, unknown>;

export interface Conn {
  rows<R extends QueryResultRow = Raw>(st: Statement, values: unknown[]): Promise<R[]>;
  /** Rows changed (or returned) by the statement. */
  changes(st: Statement, values: unknown[]): Promise<number>;
  /** Runs `fn` atomically: in a new transaction on the pool, as a savepoint inside a transaction. */
  atomic<T>(fn: (c: Conn) => Promise<T>): Promise<T>;
}

const DATE_OID = 1082;
/** `date` stays 'YYYY-MM-DD' text (node-postgres would make a local-midnight Date of it). */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === DATE_OID ? (v: string) => v : types.getTypeParser(oid, format))) as typeof types.getTypeParser,
};

type Queryable = Pool | PoolClient;

/** The pool, or one transaction (or savepoint) on a client, with what may nest inside it. */
export class Level implements Conn {
  /** Held while a transaction or savepoint opened from this level is open (not used on the pool). */
  private readonly mutex = new Mutex();
  private open = true;

  private constructor(
    private readonly pool: Pool,
    private readonly client: PoolClient | null,
    private readonly depth: number,
  ) {}

  static ofPool(pool: Pool): Level {
    return new Level(pool, null, 0);
  }

  async rows<R extends QueryResultRow = Raw>(st: Statement, values: unknown[]): Promise<R[]> {
    return (await this.query<R>(st, values)).rows;
  }

  async changes(st: Statement, values: unknown[]): Promise<number> {
    return (await this.query(st, values)).rowCount ?? 0;
  }

  private query<R extends QueryResultRow>(st: Statement, values: unknown[]) {
    if (!this.open) return Promise.reject(new Error(this.depth === 0 ? 'the store is closed' : 'this transaction has already finished'));
    const on: Queryable = this.client ?? this.pool;
    const run = () => on.query<R>({ name: st.name, text: st.text, values, types: TYPES });
    // On a transaction's client, a statement of the outer level waits while a savepoint is open.
    return this.client && this.mutex.busy ? this.mutex.run(run) : run();
  }

  atomic<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.nest(fn);
  }

  /** Runs `fn` on a new inner level: BEGIN … COMMIT on a pooled client, or a savepoint. */
  nest<T>(fn: (inner: Level) => Promise<T>): Promise<T> {
    if (!this.open) return Promise.reject(new Error(this.depth === 0 ? 'the store is closed' : 'this transaction has already finished'));
    return this.client ? this.mutex.run(() => this.savepoint(this.client!, fn)) : this.begin(fn);
  }

  private async begin<T>(fn: (inner: Level) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const inner = new Level(this.pool, client, 1);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(inner);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw e;
      }
    } finally {
      inner.open = false;
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than pool it.
      client.release(broken);
    }
  }

  private async savepoint<T>(client: PoolClient, fn: (inner: Level) => Promise<T>): Promise<T> {
    const inner = new Level(this.pool, client, this.depth + 1);
    const name = `store_${this.depth + 1}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(inner);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      throw e;
    } finally {
      inner.open = false;
    }
  }

  /** Refuses further calls on the pool level (the store closes the pool itself). */
  close(): void {
    this.open = false;
  }
}

/** An instant (epoch ms) as a timestamptz parameter. */
export const instant = (ms: number): string => new Date(ms).toISOString();
export const maybeInstant = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : instant(ms));

export interface PgRowReader<Row> {
  /** `alias.col as "jsName", …`; `only` keeps some columns, `prefix` names them `prefixJsName`. */
  columns(alias?: string, opts?: { only?: readonly string[]; prefix?: string }): string;
  /** A raw row as the SQLite store returns it (instants as ms, JSON as text, bigint ids as numbers). */
  read(raw: Raw): Row;
  table: string;
}

/** Select lists and row readers from the pg-core schema, like `rowReader` in ../prepared.ts. */
export function pgRowReader<Row>(table: PgTable): PgRowReader<Row> {
  const columns = Object.entries(getTableColumns(table));
  return {
    table: getTableName(table),
    columns: (alias, opts) => selectList(columns, alias, opts),
    read: (raw) => {
      for (const [key, c] of columns) if (raw[key] !== null && raw[key] !== undefined) raw[key] = c.mapFromDriverValue(raw[key]);
      return raw as Row;
    },
  };
}

/** Queries `Q` as functions of a `Conn`: what each src/db/pg module implements for its part. */
export type On<Q> = { [K in keyof Q]: Q[K] extends (...args: infer A) => infer R ? (c: Conn, ...args: A) => R : never };

/** `impl` with every function bound to `c`: the store's methods for that part. */
export function bound<Q>(c: Conn, impl: On<Q>): Q {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(impl) as [string, (c: Conn, ...args: unknown[]) => unknown][]) out[name] = (...args: unknown[]) => f(c, ...args);
  // Each entry has just been bound with the signature `On<Q>` gave it; TypeScript cannot follow a mapped loop.
  return out as Q;
}
