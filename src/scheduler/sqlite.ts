/**
 * Raw better-sqlite3 statements for the scheduler's hot paths. Drizzle builds and prepares each query
 * on every call (≈50–120 µs); a statement prepared once runs in ≈2–5 µs. With a 10,000-person morning
 * wave that is the difference between seconds and tens of milliseconds of blocked event loop.
 * Statements run on the same connection as drizzle, so they join its transactions.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';

/** The better-sqlite3 connection behind a drizzle database or transaction. */
export function sqliteOf(db: Db): Database.Database {
  const d = db as unknown as { $client?: Database.Database; session?: { client?: Database.Database } };
  const client = d.$client ?? d.session?.client;
  if (!client || typeof client.prepare !== 'function') throw new Error('expected a drizzle database on better-sqlite3');
  return client;
}

const cache = new WeakMap<Database.Database, Map<(s: Database.Database) => unknown, unknown>>();

/** `make(connection)`, evaluated once per connection (pass a module-level function). */
export function prepared<T>(db: Db, make: (s: Database.Database) => T): T {
  const sqlite = sqliteOf(db);
  let forDb = cache.get(sqlite);
  if (!forDb) cache.set(sqlite, (forDb = new Map()));
  if (!forDb.has(make)) forDb.set(make, make(sqlite));
  return forDb.get(make) as T;
}
