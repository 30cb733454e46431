/**
 * Opens PostgreSQL through node-postgres and drizzle's node-postgres driver, and applies
 * migrations/postgres. DATABASE_URL=postgres://… selects it (db/open.ts).
 *
 * Several replicas may start at once on an empty database: migrations run under a session-level
 * advisory lock, so one applies them and the others then find nothing left to do.
 */
import path from 'node:path';
import { Pool } from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as pgSchema from './pgSchema';

export type PgDb = NodePgDatabase<typeof pgSchema>;

export interface PgHandle {
  db: PgDb;
  pool: Pool;
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Most connections this process holds at once (node-postgres's default is 10). */
  poolSize?: number;
}

export const PG_MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations', 'postgres');

/** Any fixed 64-bit number: it only has to be the same in every replica. ("handoff" in ASCII.) */
const MIGRATION_LOCK = 0x68616e646f6666n;

/** The URL without its password, for error messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable PostgreSQL URL)';
  }
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PgHandle> {
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client that loses its server (a restart) reports here; without a listener it would crash the process.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema: pgSchema });
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end();
    throw new Error(`PostgreSQL at ${redactedUrl(url)} cannot be reached: ${(e as Error).message}. Check DATABASE_URL and that the server is running.`, { cause: e });
  }
  try {
    await migrateLocked(pool);
  } catch (e) {
    await pool.end();
    throw new Error(`PostgreSQL at ${redactedUrl(url)}: could not apply migrations: ${(e as Error).message}`, { cause: e });
  }
  return { db, pool, close: () => pool.end() };
}

async function migrateLocked(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}
