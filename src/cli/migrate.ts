/**
 * `handoff migrate` (and `npm run db:migrate`): applies pending migrations to the DATABASE_URL
 * database — a SQLite file (created if needed) or PostgreSQL. Safe to run any number of times, and
 * from several replicas at once on PostgreSQL (migrations run under an advisory lock).
 */
import dotenv from 'dotenv';
import { Client } from 'pg';
import type { DatabaseConfig } from '../config';
import { openDatabase, runMigrations, type DbHandle } from '../db/client';
import { openPostgres, redactedUrl } from '../db/postgres';
import { databaseOf, parseOptions, UsageError, type CommandResult } from './args';

export const MIGRATE_USAGE = `Usage: handoff migrate [--db <path or postgres://…>]

  --db <database>  SQLite file or PostgreSQL URL (default: DATABASE_URL, else ./data/handoff.db)
  -h, --help       show this help

Applies pending migrations; creates a SQLite database file if it does not exist.`;

function sqliteAppliedCount(handle: DbHandle): number {
  try {
    return (handle.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  } catch {
    return 0; // no migrations table yet: a new database
  }
}

async function postgresAppliedCount(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(`select count(*) as n from drizzle.__drizzle_migrations`);
    return Number(r.rows[0]?.n ?? 0);
  } catch {
    return 0; // no migrations table yet: a new database
  } finally {
    await client.end();
  }
}

/** Applies the migrations; returns how many there were before and after. */
async function migrate(database: DatabaseConfig): Promise<{ before: number; after: number }> {
  if (database.kind === 'postgres') {
    const before = await postgresAppliedCount(database.url).catch(() => 0);
    const handle = await openPostgres(database.url, { poolSize: 1 });
    await handle.close();
    return { before, after: await postgresAppliedCount(database.url) };
  }
  const handle = openDatabase(database.path);
  try {
    const before = sqliteAppliedCount(handle);
    runMigrations(handle);
    return { before, after: sqliteAppliedCount(handle) };
  } finally {
    handle.close();
  }
}

export async function migrateCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  try {
    const opts = parseOptions(argv, 'migrate', ['db'] as const);
    if (opts === 'help') return { exitCode: 0, out: MIGRATE_USAGE };
    const database = databaseOf(env, opts.get('db'));
    const name = database.kind === 'postgres' ? redactedUrl(database.url) : database.path;
    const { before, after } = await migrate(database);
    const applied = after - before;
    const plural = (n: number) => `migration${n === 1 ? '' : 's'}`;
    return {
      exitCode: 0,
      out: applied > 0 ? `${name}: applied ${applied} ${plural(applied)} (${after} in total).` : `${name}: already up to date (${after} ${plural(after)}).`,
    };
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${MIGRATE_USAGE}` };
    return { exitCode: 1, out: `Migration failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

if (require.main === module) {
  dotenv.config({ quiet: true });
  void migrateCommand(process.argv.slice(2)).then((r) => {
    (r.exitCode === 0 ? console.log : console.error)(r.out);
    process.exitCode = r.exitCode;
  });
}
