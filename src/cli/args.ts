/** Argument parsing shared by the `handoff` subcommands (nextDigests.ts keeps its own, unchanged). */
import fs from 'node:fs';
import { databaseFrom, type DatabaseConfig } from '../config';

export interface CommandResult {
  exitCode: number;
  out: string;
  /** Binary output (a PNG) for standard output, instead of `out`. */
  bytes?: Buffer;
}

export class UsageError extends Error {}

/** `--name value` / `--name=value` options; 'help' for -h/--help. The command name may lead. */
export function parseOptions<T extends string>(argv: string[], command: string, names: readonly T[]): Map<T, string> | 'help' {
  const args = argv[0] === command ? argv.slice(1) : argv;
  const opts = new Map<T, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-h' || arg === '--help') return 'help';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1] as T | undefined;
    if (!m || !name || !names.includes(name)) throw new UsageError(`Unknown argument "${arg}".`);
    const value = m[2] ?? args[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    opts.set(name, value);
  }
  return opts;
}

/** The database `--db` or else DATABASE_URL names, as the app reads it (default ./data/handoff.db). */
export function databaseOf(env: NodeJS.ProcessEnv, flag?: string): DatabaseConfig {
  return databaseFrom(flag?.trim() || env.DATABASE_URL?.trim() || 'file:./data/handoff.db');
}

/** The answer for a SQLite file that does not exist (the commands never create one), else null. */
export function missingDatabase(database: DatabaseConfig): CommandResult | null {
  if (database.kind !== 'sqlite' || database.path === ':memory:' || fs.existsSync(database.path)) return null;
  return { exitCode: 1, out: `No database at ${database.path}. Set DATABASE_URL (or --db) to Handoff’s SQLite file or PostgreSQL URL.` };
}
