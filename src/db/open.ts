/**
 * Opens the database DATABASE_URL names and gives back the store the app uses, whichever backend:
 * SQLite (a file, the default) or PostgreSQL (replicas). Both apply their migrations on open.
 */
import type { DatabaseConfig } from '../config';
import { openDatabase, runMigrations, type DbHandle } from './client';
import { storageHealth, type StorageHealth } from './health';
import { openPostgres, type PgHandle } from './postgres';
import { postgresHealth, type PostgresHealth } from './postgresHealth';
import { pgStore } from './pg/store';
import { sqliteStore } from './sqliteStore';
import type { Store } from './store';

export type OpenedDatabase =
  | { kind: 'sqlite'; handle: DbHandle; store: Store; health(): StorageHealth }
  | { kind: 'postgres'; handle: PgHandle; store: Store; health(): Promise<PostgresHealth> };

/** SQLite opens synchronously: `createHandoff` keeps working without an await for the default backend. */
export function openSqlite(path: string): OpenedDatabase {
  const handle = openDatabase(path);
  runMigrations(handle);
  return { kind: 'sqlite', handle, store: sqliteStore(handle), health: () => storageHealth(handle, path) };
}

export async function openConfiguredDatabase(database: DatabaseConfig): Promise<OpenedDatabase> {
  if (database.kind === 'sqlite') return openSqlite(database.path);
  const handle = await openPostgres(database.url, { poolSize: database.poolSize });
  return { kind: 'postgres', handle, store: pgStore(handle), health: () => postgresHealth(handle.pool) };
}
