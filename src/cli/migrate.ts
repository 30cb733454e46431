/**
 * `handoff migrate` (and `npm run db:migrate`): applies pending migrations to the DATABASE_URL
 * database, creating the file if needed. Safe to run any number of times.
 */
import dotenv from 'dotenv';
import { openDatabase, runMigrations, type DbHandle } from '../db/client';
import { databasePathOf, parseOptions, UsageError, type CommandResult } from './args';

export const MIGRATE_USAGE = `Usage: handoff migrate [--db <path>]

  --db <path>   SQLite file (default: DATABASE_URL, else ./data/handoff.db)
  -h, --help    show this help

Applies pending migrations; creates the database file if it does not exist.`;

function appliedCount(handle: DbHandle): number {
  try {
    return (handle.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  } catch {
    return 0; // no migrations table yet: a new database
  }
}

export function migrateCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): CommandResult {
  try {
    const opts = parseOptions(argv, 'migrate', ['db'] as const);
    if (opts === 'help') return { exitCode: 0, out: MIGRATE_USAGE };
    const file = opts.get('db') ?? databasePathOf(env);
    const handle = openDatabase(file);
    try {
      const before = appliedCount(handle);
      runMigrations(handle);
      const after = appliedCount(handle);
      const applied = after - before;
      return {
        exitCode: 0,
        out:
          applied > 0
            ? `${file}: applied ${applied} migration${applied === 1 ? '' : 's'} (${after} in total).`
            : `${file}: already up to date (${after} migration${after === 1 ? '' : 's'}).`,
      };
    } finally {
      handle.close();
    }
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${MIGRATE_USAGE}` };
    return { exitCode: 1, out: `Migration failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

if (require.main === module) {
  dotenv.config({ quiet: true });
  const r = migrateCommand(process.argv.slice(2));
  (r.exitCode === 0 ? console.log : console.error)(r.out);
  process.exitCode = r.exitCode;
}
