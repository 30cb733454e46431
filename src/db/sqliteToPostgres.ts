/**
 * Copies a Handoff SQLite database into an empty PostgreSQL one and verifies the copy row for row
 * (`handoff migrate-to-postgres`). Everything happens in one PostgreSQL transaction, against one
 * SQLite snapshot: the copy is committed only when every table's count and every row's values match,
 * and nobody wrote to the SQLite file meanwhile; otherwise the target is left as it was (empty).
 *
 * Values go through the drizzle columns of both schemas (SQLite driver value → application value →
 * PostgreSQL driver value), and verification reads the rows back from PostgreSQL the same way, so it
 * checks what PostgreSQL actually stored (time zones, millisecond precision, JSON) against the source.
 */
import { count, max, sql } from 'drizzle-orm';
import { compareKeys, copyTables, describeKey, normalised, type AppRow, type TablePair } from './copyTables';
import { openPostgres, type PgDb } from './postgres';
import { openSqliteSnapshot, type SqliteSnapshot } from './sqliteSnapshot';

type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/** Rows per INSERT (each column is one array parameter, so there is no parameter limit to mind). */
const COPY_BATCH = 2_000;
/** Rows read per batch while verifying. */
const VERIFY_BATCH = 500;
/** Mismatches listed per table; the count says how many more there were. */
const MISMATCHES_SHOWN = 5;
/** Any fixed number: two migrations into one database at once wait for each other. */
const COPY_LOCK = 0x68616e646f6667n;

export interface TableResult {
  table: string;
  sourceRows: number;
  targetRows: number;
  /** Rows missing or different in PostgreSQL, described; empty when the table verified. */
  mismatches: string[];
  mismatchCount: number;
  /** The next id the identity column hands out, for tables that have one (copy only). */
  nextId: number | null;
}

export interface CopyReport {
  tables: TableResult[];
  verified: boolean;
  /** Someone committed to the SQLite file while it was being read: the copy may miss their write. */
  sourceWritten: boolean;
  /** The copy was committed to PostgreSQL (only when verified and the source was not written). */
  committed: boolean;
}

export class TargetNotEmptyError extends Error {}

export interface CopyOptions {
  /** Progress lines (one per table and step). */
  log?: (line: string) => void;
  /** Runs inside the transaction between the copy and its verification (tests corrupt the copy here). */
  afterCopy?: (tx: PgTx) => Promise<void>;
}

/** Thrown inside the transaction to roll it back while handing the report out. */
class Rollback extends Error {
  constructor(readonly report: CopyReport) {
    super('rolled back');
  }
}

/**
 * One INSERT per batch with one array parameter per column (`select * from unnest(...)`): drizzle's
 * multi-row VALUES builder spent ~0.3 ms of CPU per row, most of the copy's time. Values still go
 * through each column's own encoder, as a drizzle insert would send them.
 */
async function insertRows(tx: PgTx, table: TablePair, rows: AppRow[]): Promise<void> {
  const arrays = table.columns.map((c) => {
    const values = rows.map((r) => (r[c.key] === null || r[c.key] === undefined ? null : c.pg.mapToDriverValue(r[c.key])));
    return sql`${sql.param(values)}::${sql.raw(c.pg.getSQLType())}[]`;
  });
  const names = sql.join(
    table.columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  await tx.execute(sql`insert into ${table.pg} (${names}) select * from unnest(${sql.join(arrays, sql`, `)})`);
}

/**
 * What went wrong, without drizzle's "Failed query: … params: …" wrapper, which would print the
 * statement and every value of the batch (people's data) to the operator's terminal.
 */
export function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const cause = (e as { cause?: unknown } | null)?.cause;
  return message.startsWith('Failed query:') && cause instanceof Error ? cause.message : message;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function rowCount(tx: PgTx, table: TablePair): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(table.pg);
  return row?.n ?? 0;
}

async function refuseUnlessEmpty(tx: PgTx, tables: TablePair[]): Promise<void> {
  const held: string[] = [];
  for (const t of tables) {
    const n = await rowCount(tx, t);
    if (n > 0) held.push(`${t.name}: ${n} row${n === 1 ? '' : 's'}`);
  }
  if (held.length > 0) {
    throw new TargetNotEmptyError(
      `the PostgreSQL database already holds data (${held.join(', ')}). migrate-to-postgres only fills an empty database: point --to at a new database (e.g. "createdb handoff"), or empty this one yourself.`,
    );
  }
}

/** Returns how many rows it copied. */
async function copyTable(tx: PgTx, source: SqliteSnapshot, table: TablePair): Promise<number> {
  let copied = 0;
  for (const batch of source.batches(table, COPY_BATCH)) {
    try {
      await insertRows(tx, table, batch);
    } catch (e) {
      // A value PostgreSQL will not take (text that is not JSON, a number too big): say where.
      throw new Error(`copying ${table.name}, rows ${copied + 1}–${copied + batch.length}: ${errorText(e)}`, { cause: e });
    }
    copied += batch.length;
  }
  return copied;
}

/** Sets the identity sequence past every id the SQLite database ever issued; returns the next id. */
async function continueIdentity(tx: PgTx, source: SqliteSnapshot, table: TablePair): Promise<number | null> {
  if (!table.identity) return null;
  const [row] = await tx.select({ top: max(table.identity.pg) }).from(table.pg);
  const next = Math.max(Number(row?.top ?? 0), source.lastIssuedId(table)) + 1;
  await tx.execute(sql`select setval(pg_get_serial_sequence(${`"${table.name}"`}, ${table.identity.name}), ${next}, false)`);
  return next;
}

function rowDifferences(table: TablePair, sourceRow: AppRow, targetRow: AppRow): string | null {
  const differing = table.columns.filter((c) => normalised(c, sourceRow[c.key]) !== normalised(c, targetRow[c.key]));
  if (differing.length === 0) return null;
  const shown = (v: unknown) => {
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  const what = differing.map((c) => `${c.name} is ${shown(sourceRow[c.key])} in SQLite, ${shown(targetRow[c.key])} in PostgreSQL`);
  return `${table.name} ${describeKey(table, sourceRow)}: ${what.join('; ')}`;
}

const CURSOR = 'handoff_verify';
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A table's rows as PostgreSQL stores them, through a cursor (one sort, constant memory), in SQLite's
 * key order: text keys collate "X" (by bytes, as SQLite's BINARY). Raw rows are mapped through the
 * columns as drizzle's own selects map them (its driver keeps instants and dates as text).
 */
async function* targetRows(tx: PgTx, table: TablePair): AsyncGenerator<AppRow> {
  const order = table.primaryKey.map((c) => `${quoted(c.name)}${c.pg.getSQLType() === 'text' ? ' collate "C"' : ''}`).join(', ');
  const columns = table.columns.map((c) => quoted(c.name)).join(', ');
  await tx.execute(sql.raw(`declare ${CURSOR} no scroll cursor for select ${columns} from ${quoted(table.name)} order by ${order}`));
  try {
    for (;;) {
      const { rows } = await tx.execute<Record<string, unknown>>(sql.raw(`fetch forward ${VERIFY_BATCH} from ${CURSOR}`));
      if (rows.length === 0) return;
      for (const raw of rows) {
        const row: AppRow = {};
        for (const c of table.columns) row[c.key] = raw[c.name] === null ? null : c.pg.mapFromDriverValue(raw[c.name]);
        yield row;
      }
    }
  } finally {
    await tx.execute(sql.raw(`close ${CURSOR}`));
  }
}

function* sourceRows(source: SqliteSnapshot, table: TablePair): Generator<AppRow> {
  for (const batch of source.batches(table, VERIFY_BATCH, true)) yield* batch;
}

/** Walks both tables in key order side by side (a merge join): missing, extra and differing rows. */
async function verifyTable(tx: PgTx, source: SqliteSnapshot, table: TablePair): Promise<Omit<TableResult, 'nextId'>> {
  const mismatches: string[] = [];
  let mismatchCount = 0;
  const note = (text: string) => {
    mismatchCount++;
    if (mismatches.length < MISMATCHES_SHOWN) mismatches.push(text);
  };
  const fromSqlite = sourceRows(source, table);
  const fromPg = targetRows(tx, table);
  let sourceCount = 0;
  let targetCount = 0;
  let s = fromSqlite.next();
  let p = await fromPg.next();
  while (!s.done || !p.done) {
    const order = s.done ? 1 : p.done ? -1 : compareKeys(table, s.value, p.value);
    if (order < 0 && !s.done) note(`${table.name} ${describeKey(table, s.value)}: missing in PostgreSQL`);
    else if (order > 0 && !p.done) note(`${table.name} ${describeKey(table, p.value)}: only in PostgreSQL`);
    else if (!s.done && !p.done) {
      const difference = rowDifferences(table, s.value, p.value);
      if (difference !== null) note(difference);
    }
    if (order <= 0 && !s.done) {
      sourceCount++;
      s = fromSqlite.next();
    }
    if (order >= 0 && !p.done) {
      targetCount++;
      p = await fromPg.next();
    }
  }
  if (sourceCount !== targetCount) {
    mismatchCount++;
    mismatches.unshift(`${table.name}: ${sourceCount} rows in SQLite, ${targetCount} in PostgreSQL`);
  }
  return { table: table.name, sourceRows: sourceCount, targetRows: targetCount, mismatches: mismatches.slice(0, MISMATCHES_SHOWN), mismatchCount };
}

async function verifyAll(tx: PgTx, source: SqliteSnapshot, tables: TablePair[], nextIds: Map<string, number | null>, log: (line: string) => void): Promise<TableResult[]> {
  const results: TableResult[] = [];
  for (const t of tables) {
    const started = performance.now();
    const result = { ...(await verifyTable(tx, source, t)), nextId: nextIds.get(t.name) ?? null };
    log(`verified ${t.name}: ${result.mismatchCount === 0 ? `${result.sourceRows} rows equal` : `${result.mismatchCount} mismatch(es)`} (${seconds(started)})`);
    results.push(result);
  }
  return results;
}

const reportOf = (tables: TableResult[], sourceWritten: boolean, committed: boolean): CopyReport => ({
  tables,
  verified: tables.every((t) => t.mismatchCount === 0),
  sourceWritten,
  committed,
});

async function withBoth<T>(from: string, to: string, fn: (source: SqliteSnapshot, db: PgDb) => Promise<T>): Promise<T> {
  const source = openSqliteSnapshot(from);
  try {
    const pg = await openPostgres(to, { poolSize: 1 });
    try {
      return await fn(source, pg.db);
    } finally {
      await pg.close();
    }
  } finally {
    source.close();
  }
}

/**
 * Applies the PostgreSQL migrations to `to` (a postgres:// URL), copies the SQLite file `from` into it
 * and verifies the copy; commits only when the copy verified and the source was not written meanwhile.
 * Throws TargetNotEmptyError when the target already holds rows.
 */
export async function copySqliteToPostgres(from: string, to: string, options: CopyOptions = {}): Promise<CopyReport> {
  const log = options.log ?? (() => {});
  const tables = copyTables();
  return withBoth(from, to, async (source, db) => {
    try {
      return await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${COPY_LOCK.toString()})`);
        await refuseUnlessEmpty(tx, tables);
        const nextIds = new Map<string, number | null>();
        for (const t of tables) {
          const started = performance.now();
          const copied = await copyTable(tx, source, t);
          nextIds.set(t.name, await continueIdentity(tx, source, t));
          log(`copied ${t.name}: ${copied} rows (${seconds(started)})`);
        }
        await options.afterCopy?.(tx);
        const results = await verifyAll(tx, source, tables, nextIds, log);
        const report = reportOf(results, source.end(), true);
        if (!report.verified || report.sourceWritten) throw new Rollback({ ...report, committed: false });
        return report;
      });
    } catch (e) {
      if (e instanceof Rollback) return e.report;
      throw e;
    }
  });
}

/**
 * Compares a PostgreSQL database filled by an earlier copy with the SQLite file, in a read-only
 * transaction (opening it applies any pending PostgreSQL migrations, as every open does).
 */
export async function verifySqliteAgainstPostgres(from: string, to: string, options: Pick<CopyOptions, 'log'> = {}): Promise<CopyReport> {
  const log = options.log ?? (() => {});
  const tables = copyTables();
  return withBoth(from, to, (source, db) =>
    db.transaction(
      async (tx) => {
        const results = await verifyAll(tx, source, tables, new Map(), log);
        return reportOf(results, source.end(), false);
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    ),
  );
}
