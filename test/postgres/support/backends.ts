/**
 * The seed of the conformance suite (issue 14): one test body, run against SQLite and PostgreSQL
 * through the same small interface. Rows are the schemas' shared JavaScript row types (see
 * test/unit/db/schemaDrift.test.ts), so a body cannot tell which backend it runs on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { openDatabase, runMigrations } from '../../../src/db/client';
import { openPostgres } from '../../../src/db/postgres';
import * as sqliteSchema from '../../../src/db/schema';
import * as pgSchema from '../../../src/db/pgSchema';
import { createTestDatabase, postgresRun } from './databases';

type TableKey = 'workspaces' | 'users' | 'handoffs' | 'handoffRecipients' | 'handoffEvents' | 'outbox' | 'deflections' | 'deflectionMutes' | 'processedEvents';
export type NewRow<K extends TableKey> = (typeof sqliteSchema)[K]['$inferInsert'];

export interface Backend {
  insert<K extends TableKey>(table: K, row: NewRow<K>): Promise<void>;
  /** Inserts unless a unique key already holds such a row (`ON CONFLICT DO NOTHING`); true if inserted. */
  insertIfAbsent<K extends TableKey>(table: K, row: NewRow<K>): Promise<boolean>;
  count(table: TableKey): Promise<number>;
  close(): Promise<void>;
}

export interface BackendKind {
  name: 'sqlite' | 'postgres';
  /** Null: this backend is not part of the run (PostgreSQL unreachable outside CI). */
  skipReason: string | null;
  open(): Promise<Backend>;
}

// Drizzle types each table by dialect; the rows are the same (checked at compile time), so one cast
// per call bridges the per-table generics that TypeScript cannot follow through a key.
/* eslint-disable @typescript-eslint/no-explicit-any */
async function openSqlite(): Promise<Backend> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-conformance-')), 'handoff.db');
  const handle = openDatabase(file);
  runMigrations(handle);
  const { db } = handle;
  const table = (k: TableKey): any => sqliteSchema[k];
  return {
    insert: async (k, row) => void db.insert(table(k)).values(row).run(),
    insertIfAbsent: async (k, row) => db.insert(table(k)).values(row).onConflictDoNothing().run().changes === 1,
    count: async (k) => db.select({ n: count() }).from(table(k)).get()?.n ?? 0,
    close: async () => {
      handle.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

async function openPg(): Promise<Backend> {
  const database = await createTestDatabase();
  const handle = await openPostgres(database.url, { poolSize: 4 });
  const { db } = handle;
  const table = (k: TableKey): any => pgSchema[k];
  return {
    insert: async (k, row) => void (await db.insert(table(k)).values(row)),
    insertIfAbsent: async (k, row) => ((await db.insert(table(k)).values(row).onConflictDoNothing()).rowCount ?? 0) === 1,
    count: async (k) => (await db.select({ n: count() }).from(table(k)))[0]?.n ?? 0,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export const BACKENDS: BackendKind[] = [
  { name: 'sqlite', skipReason: null, open: openSqlite },
  { name: 'postgres', skipReason: postgresRun() === null ? 'PostgreSQL unreachable' : null, open: openPg },
];

/** A unique-key violation, whichever backend raised it (drizzle may wrap the driver's error). */
export function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: unknown; cause?: unknown } | undefined; err; err = err.cause as typeof err) {
    if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err.code === '23505') return true;
  }
  return false;
}
