/**
 * bench:scheduler's databases: the same seeded workspace (schedulerWorld.ts) on SQLite (a file, seeded
 * once and copied per run) or on PostgreSQL (a fresh database per run, dropped afterwards unless
 * kept), with what the bench does to them outside the app: move the wave to its slot, count the
 * digests still to send, open a store on them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, runMigrations, type DbHandle } from '../../src/db/client';
import { openPostgres } from '../../src/db/postgres';
import { pgStore } from '../../src/db/pg/store';
import { sqliteStore } from '../../src/db/sqliteStore';
import type { Store } from '../../src/db/store';
import { batches, waveAt, world, type WorldSize } from './schedulerWorld';

/** A state whose recipients still have it waiting (the copy every recipient row keeps). */
const openState = (state: string) => state === 'open' || state === 'acknowledged';
import { TEAM } from './world';

export type Backend = 'sqlite' | 'postgres';

export interface BenchDb {
  backend: Backend;
  /** DATABASE_URL for the app. */
  url: string;
  /** How it was seeded, e.g. "seeded in 31.2 s (412 MB)"; "reused …" for a kept SQLite file. */
  seeded: string;
  openStore(): Promise<Store>;
  /** Makes the first `wave` people due at `slot` (a whole minute), with no digest served yet (as seeded). */
  moveWave(wave: number, slot: number): Promise<void>;
  /** Forgets every outbox row (after a direct sweep of the wave, before the app sweeps it again). */
  clearOutbox(): Promise<void>;
  /** Digest rows not yet settled (sent, skipped or failed). */
  pendingDigests(): Promise<number>;
  /** Removes the run's copy (SQLite) or database (PostgreSQL), unless kept. */
  drop(keep: boolean): Promise<string | null>;
}

const PENDING_DIGESTS = "select count(*)::int as n from outbox where kind = 'digest' and status not in ('sent', 'skipped', 'failed')";

const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------- SQLite

function seedSqlite(handle: DbHandle, o: WorldSize, now: number): void {
  const db = handle.sqlite;
  const w = world(o, now);
  db.pragma('synchronous = OFF');
  // Nobody keeps public holidays: the bench runs on the real date, which may be one in some zones.
  const insertUser = db.prepare(`insert into users (team_id, user_id, display_name, slack_tz, workday_start_minute, workday_end_minute,
      working_days, next_digest_at, next_digest_local_date, profile_fetched_at, created_at, updated_at, holiday_region) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'off')`);
  const insertHandoff = db.prepare(`insert into handoffs (id, team_id, number, author_id, title, ask, state, resolution_note, resolved_by, resolved_at,
      author_notified_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRecipient = db.prepare(
    `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, active, notified_at, added_at, handoff_open, handoff_created_at) values (?, ?, ?, ?, 1, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare(`insert into workspaces (team_id, status, next_handoff_number, created_at) values (?, 'active', ?, ?)`).run(TEAM, o.handoffs + 1, now);
    for (const p of w.people()) {
      insertUser.run(TEAM, p.userId, p.displayName, p.tz, p.startMinute, p.endMinute, p.workingDays, p.nextDigestAt, p.nextDigestLocalDate, now, now, now);
    }
  })();
  for (const batch of batches(w.handoffs(), 100_000)) {
    db.transaction(() => {
      for (const h of batch) {
        insertHandoff.run(h.id, TEAM, h.id, h.authorId, h.title, h.ask, h.state, h.resolutionNote, h.resolvedBy, h.resolvedAt, h.authorNotifiedAt, h.createdAt, h.createdAt);
        for (const r of h.recipients) insertRecipient.run(h.id, TEAM, r.userId, TEAM, r.notifiedAt, h.createdAt, openState(h.state) ? 1 : 0, h.createdAt);
      }
    })();
  }
  db.pragma('synchronous = NORMAL');
  // No ANALYZE: the app never has SQLite planner statistics (it drops any at start-up, see
  // dropPlannerStatistics), and the store-level figures below do not start the app.
}

/** `seedFile`: a seeded file to reuse (seeded there first if missing); the run works on a copy in `dir`. */
export function sqliteDb(o: WorldSize, dir: string, seedFile: string | null): BenchDb {
  const file = seedFile ?? path.join(dir, 'seed.db');
  let seeded: string;
  if (fs.existsSync(file)) {
    seeded = `reused ${file}`;
  } else {
    const t0 = performance.now();
    const handle = openDatabase(file);
    runMigrations(handle);
    seedSqlite(handle, o, Date.now());
    handle.close();
    seeded = `seeded in ${seconds(t0)} (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`;
  }
  const work = path.join(dir, 'work.db');
  fs.copyFileSync(file, work);
  const withDb = <T>(fn: (h: DbHandle) => T): T => {
    const h = openDatabase(work);
    try {
      return fn(h);
    } finally {
      h.close();
    }
  };
  return {
    backend: 'sqlite',
    url: `file:${work}`,
    seeded,
    openStore: async () => sqliteStore(openDatabase(work)),
    async moveWave(wave, slot) {
      withDb(({ sqlite: db }) => {
        const update = db.prepare(
          'update users set workday_start_minute = ?, workday_end_minute = ?, next_digest_at = ?, next_digest_local_date = ?, last_digest_local_date = null, last_digest_at = null where team_id = ? and user_id = ?',
        );
        db.transaction(() => {
          for (const p of waveAt(wave, slot)) update.run(p.startMinute, p.endMinute, p.at, p.date, TEAM, p.userId);
        })();
      });
    },
    async clearOutbox() {
      withDb(({ sqlite: db }) => db.exec('delete from outbox'));
    },
    pendingDigests: async () => withDb(({ sqlite: db }) => (db.prepare(PENDING_DIGESTS.replace('::int', '')).get() as { n: number }).n),
    async drop(keep) {
      if (keep) return work;
      fs.rmSync(work, { force: true });
      return null;
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

function databaseUrl(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** An epoch-ms array parameter as timestamptz (exact: no float seconds on the way). */
const ts = (param: string) => `(timestamptz 'epoch' + ${param} * interval '1 millisecond')`;

/** Rows per INSERT: every column is one array parameter (`unnest`), so one statement carries a batch. */
const PG_BATCH = 20_000;
const SEEDED_TABLES = ['users', 'handoffs', 'handoff_recipients'];

/**
 * The seeded tables' secondary indexes and foreign keys, as the migrations made them, dropped: they
 * are built again in one pass each after the load (`restore`), ≈3× faster than maintaining them row
 * by row. Primary keys stay (they are constraints the inserts rely on).
 */
async function dropSecondaryStructures(c: Client): Promise<{ restore(): Promise<void> }> {
  const indexes = await c.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
     where i.schemaname = 'public' and i.tablename = any($1)
       and not exists (select 1 from pg_constraint k where k.conname = i.indexname)`,
    [SEEDED_TABLES],
  );
  const fks = await c.query<{ tbl: string; name: string; def: string }>(
    `select k.conrelid::regclass::text as tbl, k.conname as name, pg_get_constraintdef(k.oid) as def from pg_constraint k
     where k.contype = 'f' and k.conrelid::regclass::text = any($1)`,
    [SEEDED_TABLES],
  );
  for (const k of fks.rows) await c.query(`alter table ${quoted(k.tbl)} drop constraint ${quoted(k.name)}`);
  for (const i of indexes.rows) await c.query(`drop index ${quoted(i.name)}`);
  return {
    async restore() {
      for (const i of indexes.rows) await c.query(i.def);
      // Validated here, in one pass over the rows.
      for (const k of fks.rows) await c.query(`alter table ${quoted(k.tbl)} add constraint ${quoted(k.name)} ${k.def}`);
    },
  };
}

/**
 * Multi-row inserts from array parameters, with synchronous_commit off (a bench database: a crash
 * just means seeding again) and the next batch generated while the server inserts this one (the
 * client queues the statements). Then the indexes and foreign keys, and VACUUM ANALYZE, so
 * index-only scans find an up-to-date visibility map and the planner real statistics.
 */
async function seedPostgres(c: Client, o: WorldSize, now: number): Promise<void> {
  const w = world(o, now);
  await c.query('set synchronous_commit = off');
  await c.query("set maintenance_work_mem = '256MB'");
  const structures = await dropSecondaryStructures(c);
  await c.query(`insert into workspaces (team_id, status, next_handoff_number, created_at) values ($1, 'active', $2, ${ts('$3::bigint')})`, [TEAM, o.handoffs + 1, now]);
  let inFlight: Array<Promise<unknown>> = [];
  for (const batch of batches(w.people(), PG_BATCH)) {
    await Promise.all(inFlight);
    inFlight = [
      c.query(
        `insert into users (team_id, user_id, display_name, slack_tz, workday_start_minute, workday_end_minute, working_days,
           next_digest_at, next_digest_local_date, profile_fetched_at, created_at, updated_at, holiday_region)
         select $1, u, n, tz, s, e, d, ${ts('at')}, ld::date, ${ts('$2::bigint')}, ${ts('$2::bigint')}, ${ts('$2::bigint')}, 'off'
         from unnest($3::text[], $4::text[], $5::text[], $6::smallint[], $7::smallint[], $8::smallint[], $9::bigint[], $10::text[]) as t(u, n, tz, s, e, d, at, ld)`,
        [
          TEAM,
          now,
          batch.map((p) => p.userId),
          batch.map((p) => p.displayName),
          batch.map((p) => p.tz),
          batch.map((p) => p.startMinute),
          batch.map((p) => p.endMinute),
          batch.map((p) => p.workingDays),
          batch.map((p) => p.nextDigestAt),
          batch.map((p) => p.nextDigestLocalDate),
        ],
      ),
    ];
  }
  for (const batch of batches(w.handoffs(), PG_BATCH)) {
    const recipients = batch.flatMap((h) => h.recipients.map((r) => ({ id: h.id, userId: r.userId, notifiedAt: r.notifiedAt, addedAt: h.createdAt, open: openState(h.state) })));
    await Promise.all(inFlight);
    inFlight = [
      c.query(
        `insert into handoffs (id, team_id, number, author_id, title, ask, state, resolution_note, resolved_by, resolved_at, author_notified_at, created_at, updated_at)
         select id, $1, id, a, t, k, s, rn, rb, ${ts('ra')}, ${ts('an')}, ${ts('ca')}, ${ts('ca')}
         from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[])
           as t(id, a, t, k, s, rn, rb, ra, an, ca)`,
        [
          TEAM,
          batch.map((h) => h.id),
          batch.map((h) => h.authorId),
          batch.map((h) => h.title),
          batch.map((h) => h.ask),
          batch.map((h) => h.state),
          batch.map((h) => h.resolutionNote),
          batch.map((h) => h.resolvedBy),
          batch.map((h) => h.resolvedAt),
          batch.map((h) => h.authorNotifiedAt),
          batch.map((h) => h.createdAt),
        ],
      ),
      c.query(
        `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, active, notified_at, added_at, handoff_open, handoff_created_at)
         select id, $1, u, $1, true, ${ts('na')}, ${ts('aa')}, o, ${ts('aa')} from unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::boolean[]) as t(id, u, na, aa, o)`,
        [TEAM, recipients.map((r) => r.id), recipients.map((r) => r.userId), recipients.map((r) => r.notifiedAt), recipients.map((r) => r.addedAt), recipients.map((r) => r.open)],
      ),
    ];
  }
  await Promise.all(inFlight);
  await structures.restore();
  // Ids were given explicitly: the identity continues after them, as after a migration.
  await c.query(`select setval(pg_get_serial_sequence('handoffs', 'id'), $1)`, [o.handoffs]);
  await c.query('vacuum analyze');
}

/** A fresh database on the server of `baseUrl`, migrated and seeded. */
export async function postgresDb(o: WorldSize, baseUrl: string): Promise<BenchDb> {
  const name = `handoff_bench_${crypto.randomBytes(4).toString('hex')}`;
  await withClient(baseUrl, (admin) => admin.query(`create database ${quoted(name)}`));
  const url = databaseUrl(baseUrl, name);
  const t0 = performance.now();
  try {
    await (await openPostgres(url)).close();
    await withClient(url, (c) => seedPostgres(c, o, Date.now()));
  } catch (e) {
    await withClient(baseUrl, (admin) => admin.query(`drop database if exists ${quoted(name)} with (force)`));
    throw e;
  }
  const size = await withClient(url, async (c) => (await c.query<{ mb: number }>('select pg_database_size(current_database()) / 1e6 as mb')).rows[0]!.mb);
  return {
    backend: 'postgres',
    url,
    seeded: `seeded in ${seconds(t0)} (${Number(size).toFixed(0)} MB, database ${name})`,
    openStore: async () => pgStore(await openPostgres(url)),
    async moveWave(wave, slot) {
      const people = [...waveAt(wave, slot)];
      await withClient(url, (c) =>
        c.query(
          `update users u set workday_start_minute = t.s, workday_end_minute = t.e, next_digest_at = ${ts('t.at')}, next_digest_local_date = t.ld::date,
             last_digest_local_date = null, last_digest_at = null
           from unnest($2::text[], $3::smallint[], $4::smallint[], $5::bigint[], $6::text[]) as t(u, s, e, at, ld)
           where u.team_id = $1 and u.user_id = t.u`,
          [TEAM, people.map((p) => p.userId), people.map((p) => p.startMinute), people.map((p) => p.endMinute), people.map((p) => p.at), people.map((p) => p.date)],
        ),
      );
    },
    async clearOutbox() {
      // Vacuumed, as autovacuum leaves a table between two waves: not 10,000 dead rows in the claim's way.
      await withClient(url, async (c) => {
        await c.query('delete from outbox');
        await c.query('vacuum analyze outbox, users');
      });
    },
    pendingDigests: () => withClient(url, async (c) => (await c.query<{ n: number }>(PENDING_DIGESTS)).rows[0]!.n),
    async drop(keep) {
      if (keep) return url;
      await withClient(baseUrl, (admin) => admin.query(`drop database if exists ${quoted(name)} with (force)`));
      return null;
    },
  };
}
