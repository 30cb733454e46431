/**
 * Throwaway PostgreSQL databases for tests. The global setup names the run (`HANDOFF_PG_RUN`, or ''
 * when PostgreSQL is unreachable outside CI); each test file creates databases named after it and drops
 * them, and the global teardown drops whatever a failed file left. Databases rather than schemas: the
 * generated migrations name `"public"` in their foreign keys.
 */
import crypto from 'node:crypto';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from '../../../scripts/check-postgres';

export const RUN_ENV = 'HANDOFF_PG_RUN';

/** The run's database prefix, or null when this run skips PostgreSQL. */
export function postgresRun(): string | null {
  const run = process.env[RUN_ENV];
  if (run === undefined) throw new Error(`${RUN_ENV} is not set: run these tests through jest's "postgres" project (its global setup sets it)`);
  return run === '' ? null : run;
}

/** Jest's `describe` when PostgreSQL is part of this run, `describe.skip` otherwise. */
export const describeOnPostgres = (): jest.Describe => (postgresRun() === null ? describe.skip : describe);

export async function withAdmin<T>(fn: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export function urlOf(database: string): string {
  const u = new URL(TEST_POSTGRES_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database of this run. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const run = postgresRun();
  if (run === null) throw new Error('PostgreSQL is not part of this run');
  const name = `${run}_${crypto.randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${quoted(name)}`));
  return { name, url: urlOf(name), drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  // FORCE (PostgreSQL 13+) ends connections a failed test left open.
  await withAdmin((admin) => admin.query(`drop database if exists ${quoted(name)} with (force)`));
}

export async function databasesOfRun(run: string): Promise<string[]> {
  const res = await withAdmin((admin) => admin.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [`${run}_`]));
  return res.rows.map((r) => r.datname);
}
