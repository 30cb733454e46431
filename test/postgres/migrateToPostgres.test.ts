/**
 * `handoff migrate-to-postgres`: a SQLite database written through the app's own query functions is
 * copied into an empty PostgreSQL database; every row reads back equal, identity sequences continue
 * after the copied ids, and the command refuses (committing nothing) a non-empty target, a copy that
 * does not verify, and a source written while it was read.
 */
import fs from 'node:fs';
import { getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { migrateToPostgresCommand } from '../../src/cli/migrateToPostgres';
import { openPostgres, type PgHandle } from '../../src/db/postgres';
import * as pgSchema from '../../src/db/pgSchema';
import * as sqliteSchema from '../../src/db/schema';
import { firstSightOfEvent } from '../../src/db/queries/deflections';
import { copySqliteToPostgres } from '../../src/db/sqliteToPostgres';
import crypto from 'node:crypto';
import { createTestDatabase, describeOnPostgres, dropDatabase, postgresRun, urlOf, withAdmin, type TestDatabase } from './support/databases';
import { AT, populatedSqlite, T, UNICODE_TITLE, type PopulatedSqlite } from './support/populatedSqlite';

type Row = Record<string, unknown>;

const PASSWORD = 's3cr3t-Pa55';
const withPassword = (url: string) => {
  const u = new URL(url);
  u.password = PASSWORD; // trust auth ignores it; the command must still never print it
  return u.toString();
};

const tablesOf = <T>(module: Record<string, unknown>, isTable: (v: unknown) => v is T) => Object.values(module).filter(isTable);
const sqliteTables = tablesOf(sqliteSchema, (v): v is SQLiteTable => is(v, SQLiteTable));
const pgTableNamed = (name: string) => tablesOf(pgSchema, (v): v is PgTable => is(v, PgTable)).find((t) => getTableName(t) === name)!;

/** Rows comparable across backends: JSON columns parsed (jsonb keeps JSON values, not the text), sorted by their other values. */
function comparable(rows: Row[], pgTable: PgTable): Row[] {
  const jsonKeys = Object.entries(getTableColumns(pgTable))
    .filter(([, c]) => c.getSQLType() === 'jsonb')
    .map(([k]) => k);
  const plain = (r: Row) => JSON.stringify(Object.entries(r).filter(([k]) => !jsonKeys.includes(k)));
  return rows
    .map((r) => ({ ...r, ...Object.fromEntries(jsonKeys.map((k) => [k, r[k] === null ? null : JSON.parse(String(r[k]))])) }))
    .sort((a, b) => plain(a).localeCompare(plain(b)));
}

/** A database of this run whose text order is ICU English ('Ua' < 'UB'), not bytes as in SQLite ('UB' < 'Ua'). */
async function icuDatabase(): Promise<TestDatabase> {
  const name = `${postgresRun()}_icu_${crypto.randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database "${name}" template template0 encoding 'UTF8' locale_provider icu icu_locale 'en'`));
  return { name, url: urlOf(name), drop: () => dropDatabase(name) };
}

describeOnPostgres()('migrate-to-postgres', () => {
  let source: PopulatedSqlite;
  let target: TestDatabase;
  const handles: PgHandle[] = [];
  const open = async () => {
    const h = await openPostgres(target.url, { poolSize: 2 });
    handles.push(h);
    return h;
  };
  const rowCounts = async (h: PgHandle) => {
    const counts: Record<string, number> = {};
    for (const t of sqliteTables) {
      const name = getTableName(t);
      counts[name] = (await h.db.select().from(pgTableNamed(name))).length;
    }
    return counts;
  };
  const migrate = (...extra: string[]) => migrateToPostgresCommand(['--from', `file:${source.file}`, '--to', withPassword(target.url), ...extra]);

  beforeEach(async () => {
    source = populatedSqlite();
    target = await createTestDatabase();
  });
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close();
    await target.drop();
    source.close();
  });

  it('copies every table so that every row reads back equal, and prints a verified table without the password', async () => {
    const result = await migrate();
    expect(result.exitCode).toBe(0);
    expect(result.out).not.toContain(PASSWORD);
    expect(result.out).toContain('postgres:***@');
    const pg = await open();
    for (const t of sqliteTables) {
      const name = getTableName(t);
      const pgTable = pgTableNamed(name);
      const fromSqlite = source.handle.db.select().from(t).all() as Row[];
      const fromPg = (await pg.db.select().from(pgTable)) as Row[];
      // Every table holds rows, so the comparison below is never vacuous.
      expect({ name, rows: fromSqlite.length > 0 }).toEqual({ name, rows: true });
      expect({ name, rows: comparable(fromPg, pgTable) }).toEqual({ name, rows: comparable(fromSqlite, pgTable) });
      expect(result.out).toMatch(new RegExp(`^${name} +${fromSqlite.length} +${fromSqlite.length} +verified`, 'm'));
    }
    // Spot checks of the values most easily mangled, read from PostgreSQL.
    const [first] = await pg.db.select().from(pgSchema.handoffs).where(sql`${pgSchema.handoffs.idempotencyKey} = 'view-1'`);
    expect(first).toMatchObject({
      title: UNICODE_TITLE,
      urgent: true,
      neededByAt: AT + 86_400_123,
      state: 'done',
      resolutionNote: 'Fertig ✅',
      context: 'Line one\nLine two\twith a tab',
    });
    const [bob] = await pg.db.select().from(pgSchema.users).where(sql`${pgSchema.users.userId} = 'UBOB' and ${pgSchema.users.teamId} = ${T}`);
    expect(bob).toMatchObject({ displayName: 'ボブ', awayUntil: '2026-12-24', nextDigestAt: AT + 3_600_001, digestEnabled: false, tzOverride: 'Asia/Kolkata', lastDigestAt: null });
    const [digest] = await pg.db.select().from(pgSchema.outbox).where(sql`${pgSchema.outbox.kind} = 'digest'`);
    expect(JSON.parse(digest!.payload)).toEqual({ z: 1, a: { y: [1, 2.5, 'ß'], b: null }, emoji: '🎉' });
  });

  it('continues every identity sequence after the copied ids, and past ids SQLite issued to rows since deleted', async () => {
    const sqliteMax = (table: string) => (source.handle.sqlite.prepare(`select max(id) as n from ${table}`).get() as { n: number }).n;
    const issued = (source.handle.sqlite.prepare("select seq from sqlite_sequence where name = 'outbox'").get() as { seq: number }).seq;
    expect(issued).toBeGreaterThan(sqliteMax('outbox')); // the fixture's deleted newest row
    // A bare path works as well as a file: URL.
    expect((await migrateToPostgresCommand(['--from', source.file, '--to', target.url])).exitCode).toBe(0);
    const pg = await open();
    const [handoff] = await pg.db
      .insert(pgSchema.handoffs)
      .values({ teamId: T, number: 99, authorId: 'UALICE', title: 'after', ask: 'a', createdAt: AT, updatedAt: AT })
      .returning({ id: pgSchema.handoffs.id });
    expect(handoff?.id).toBe(sqliteMax('handoffs') + 1);
    const [row] = await pg.db
      .insert(pgSchema.outbox)
      .values({ teamId: T, kind: 'dm', dedupeKey: 'after', nextAttemptAt: AT, createdAt: AT, updatedAt: AT })
      .returning({ id: pgSchema.outbox.id });
    expect(row?.id).toBe(issued + 1);
    const [event] = await pg.db
      .insert(pgSchema.handoffEvents)
      .values({ teamId: T, handoffId: handoff!.id, actorId: 'UALICE', kind: 'created', at: AT })
      .returning({ id: pgSchema.handoffEvents.id });
    expect(event?.id).toBe(sqliteMax('handoff_events') + 1);
    const [prompt] = await pg.db
      .insert(pgSchema.deflections)
      .values({ teamId: T, userId: 'UALICE', channelId: 'C9', threadTs: '1', messageTs: '1', reason: 'r', createdAt: AT, updatedAt: AT })
      .returning({ id: pgSchema.deflections.id });
    expect(prompt?.id).toBe(sqliteMax('deflections') + 1);
  });

  it('verifies on a database whose collation orders text keys differently from SQLite', async () => {
    await target.drop();
    target = await icuDatabase();
    const result = await migrate();
    expect(result.out).toMatch(/^users +11 +11 +verified$/m);
    expect(result.exitCode).toBe(0);
    expect((await migrate('--verify-only')).exitCode).toBe(0);
  });

  it('refuses a target that already holds data, and leaves it unchanged', async () => {
    expect((await migrate()).exitCode).toBe(0);
    const before = await rowCounts(await open());
    const again = await migrate();
    expect(again.exitCode).toBe(1);
    expect(again.out).toContain('Refused: the PostgreSQL database already holds data (workspaces: 2 rows');
    expect(again.out).not.toContain(PASSWORD);
    expect(await rowCounts(handles[0]!)).toEqual(before);
  });

  it('commits nothing when the copy does not verify: a changed value and a missing row are named', async () => {
    const report = await copySqliteToPostgres(source.file, target.url, {
      afterCopy: async (tx) => {
        await tx.execute(sql`update outbox set payload = '{"z":2}' where kind = 'digest'`);
        await tx.execute(sql`delete from handoff_recipients where user_id = 'UCARLA' and snoozed_until_date is not null`);
      },
    });
    expect(report).toMatchObject({ verified: false, committed: false, sourceWritten: false });
    const failed = Object.fromEntries(report.tables.filter((t) => t.mismatchCount > 0).map((t) => [t.table, t.mismatches]));
    expect(Object.keys(failed).sort()).toEqual(['handoff_recipients', 'outbox']);
    expect(failed.outbox).toEqual([expect.stringMatching(/^outbox id=1: payload is .* in SQLite, "\{\\"z\\":2\}" in PostgreSQL$/)]);
    expect(failed.handoff_recipients).toEqual([
      'handoff_recipients: 5 rows in SQLite, 4 in PostgreSQL',
      'handoff_recipients handoff_id=1, user_id="UCARLA": missing in PostgreSQL',
    ]);
    const counts = await rowCounts(await open());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('--verify-only passes on a faithful copy and fails, naming the row and column, once PostgreSQL differs by one millisecond', async () => {
    expect((await migrate()).exitCode).toBe(0);
    const ok = await migrate('--verify-only');
    expect(ok.exitCode).toBe(0);
    expect(ok.out).toContain('PostgreSQL holds exactly the rows of the SQLite database.');
    const pg = await open();
    await pg.db.execute(sql`update handoffs set needed_by_at = needed_by_at + interval '1 millisecond' where idempotency_key = 'view-1'`);
    const bad = await migrate('--verify-only');
    expect(bad.exitCode).toBe(1);
    expect(bad.out).toMatch(/^handoffs +3 +3 +NO \(1\)$/m);
    expect(bad.out).toContain(`handoffs id=1: needed_by_at is ${AT + 86_400_123} in SQLite, ${AT + 86_400_124} in PostgreSQL`);
    expect(bad.out).toContain('PostgreSQL does NOT match the SQLite database.');
  });

  it('commits nothing when the SQLite database is written during the copy (Handoff still running)', async () => {
    const report = await copySqliteToPostgres(source.file, target.url, {
      afterCopy: async () => {
        firstSightOfEvent(source.handle.db, T, 'EvDuringCopy', new Date(AT));
      },
    });
    // The copy matches the snapshot it was taken from, but the snapshot is already out of date.
    expect(report).toMatchObject({ verified: true, sourceWritten: true, committed: false });
    const counts = await rowCounts(await open());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('names the table when PostgreSQL rejects a value, and commits nothing', async () => {
    // Only a hand edit or a bug could store this (the app writes JSON.stringify output), but SQLite would keep it.
    source.handle.sqlite.prepare("update outbox set payload = '{not json' where kind = 'digest'").run();
    const result = await migrate();
    expect(result.exitCode).toBe(1);
    expect(result.out).toMatch(/Failed: copying outbox, rows 1–3: invalid input syntax for type json$/);
    expect(result.out).not.toContain('digest:UALICE'); // no statement parameters (people's data) in the output
    const counts = await rowCounts(await open());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('refuses a source that does not exist (without creating it) or lacks this version’s migrations', async () => {
    const missing = `${source.file}.nope`;
    const none = await migrateToPostgresCommand(['--from', missing, '--to', target.url]);
    expect(none).toMatchObject({ exitCode: 1, out: expect.stringContaining(`${missing} does not exist`) });
    expect(fs.existsSync(missing)).toBe(false);
    // As if the file were last opened by the previous version (drizzle leaves the id column null).
    source.handle.sqlite.exec('delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)');
    const behind = await migrate();
    expect(behind.exitCode).toBe(1);
    expect(behind.out).toContain(`has not had this version's SQLite migrations applied: run "npx handoff migrate --db ${source.file}"`);
  });
});
