/**
 * Which backend the harness runs the app on: SQLite (a temp file per app, the default) or PostgreSQL
 * (HANDOFF_TEST_DB=postgres, which jest's e2e-postgres project sets). On PostgreSQL a test file
 * creates a database the first time it needs one and empties it for the next app, rather than
 * creating one per app: emptying with DELETE took ≈3 ms against ≈70–300 ms for TRUNCATE … RESTART
 * IDENTITY and ≈0.5 s to create and migrate a database (the server fsyncs new files; this machine,
 * load 8). The e2e-postgres project drops the file's databases after it (test/postgres/e2eSetup.ts).
 */
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../postgres/support/databases';

export type TestBackend = 'sqlite' | 'postgres';

export const TEST_BACKEND: TestBackend = process.env.HANDOFF_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/**
 * For a test that only means something on SQLite (file permissions, a full disk, WAL): skipped on
 * PostgreSQL. Looked up when called: the benches and rigs import this file outside jest, where `it`
 * does not exist.
 */
export const itOnSqlite = ((...args: Parameters<jest.It>) => (TEST_BACKEND === 'sqlite' ? it : it.skip)(...args)) as jest.It;

/**
 * For two apps in this one test process working on one database at the same instant: on SQLite they
 * share one JavaScript thread, and SQLite's lock wait is synchronous, so one would wait out its busy
 * timeout on the other's open transaction. Real processes on SQLite are tested by test/reliability.
 */
export const itOnPostgres = ((...args: Parameters<jest.It>) => (TEST_BACKEND === 'postgres' ? it : it.skip)(...args)) as jest.It;

interface Held {
  database: TestDatabase;
  /** Apps running on it now; 0 = it may be emptied for the next app. */
  apps: number;
}

/** This test file's databases, by URL. */
const databases = new Map<string, Held>();

/** A database with nothing in it, held for one app: one this file emptied, or a new one. */
export async function freshPostgresDatabase(): Promise<string> {
  const free = [...databases.values()].find((h) => h.apps === 0);
  if (free) {
    free.apps = 1; // before the await: an app starting meanwhile must not take it too
    await emptyDatabase(free.database.url);
    return free.database.url;
  }
  const database = await createTestDatabase();
  databases.set(database.url, { database, apps: 1 });
  return database.url;
}

/** Another app on one of this file's databases (a second process on the same database): kept until it closes. */
export function holdPostgresDatabase(url: string): void {
  const held = databases.get(url);
  if (held) held.apps += 1;
}

export function releasePostgresDatabase(url: string): void {
  const held = databases.get(url);
  if (held) held.apps = Math.max(0, held.apps - 1);
}

/** Drops this file's databases (after its last test). */
export async function dropPostgresDatabases(): Promise<void> {
  const all = [...databases.values()];
  databases.clear();
  for (const h of all) await h.database.drop();
}

/**
 * Deletes every row of the application's tables (children before parents, as the foreign keys
 * require) and restarts their id sequences, so the next app sees what a new database would show.
 * The migrations table (schema `drizzle`) stays: the database needs no migrating again.
 */
async function emptyDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`);
    const refs = await client.query<{ child: string; parent: string }>(
      `select c.relname as child, p.relname as parent from pg_constraint k
         join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
         join pg_namespace n on n.oid = c.relnamespace
       where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid`,
    );
    const sequences = await client.query<{ name: string }>(`select sequencename as name from pg_sequences where schemaname = 'public'`);
    const order = childrenFirst(
      tables.rows.map((r) => r.name),
      refs.rows,
    );
    const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
    await client.query(['begin', ...order.map((t) => `delete from ${q(t)}`), ...sequences.rows.map((s) => `alter sequence ${q(s.name)} restart`), 'commit'].join(';\n'));
  } finally {
    await client.end();
  }
}

/** Tables ordered so that each comes before every table it references. */
function childrenFirst(tables: string[], refs: { child: string; parent: string }[]): string[] {
  const out: string[] = [];
  const placed = new Set<string>();
  const place = (t: string, path: Set<string>) => {
    if (placed.has(t) || path.has(t)) return;
    path.add(t);
    // Every table referencing `t` goes first.
    for (const r of refs) if (r.parent === t) place(r.child, path);
    placed.add(t);
    out.push(t);
  };
  for (const t of tables) place(t, new Set());
  return out;
}
