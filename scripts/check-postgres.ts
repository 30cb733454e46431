/**
 * Is the PostgreSQL the tests use reachable? `.ci/run` calls this before the tests (CI must run them
 * against PostgreSQL, never skip them); test/postgres's global setup uses `postgresProblem` too.
 *
 *   npx tsx scripts/check-postgres.ts     # HANDOFF_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test
 */
import { Client } from 'pg';
import { redactedUrl } from '../src/db/postgres';

export const TEST_POSTGRES_URL = process.env.HANDOFF_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Null when `url` answers a query; otherwise why not. */
export async function postgresProblem(url: string): Promise<string | null> {
  // A connect timeout, not a test budget: a firewalled port would otherwise hang until the OS gives up.
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

if (require.main === module) {
  void postgresProblem(TEST_POSTGRES_URL).then((problem) => {
    if (problem === null) {
      console.log(`PostgreSQL reachable at ${redactedUrl(TEST_POSTGRES_URL)}`);
      return;
    }
    console.error(`PostgreSQL is NOT reachable at ${redactedUrl(TEST_POSTGRES_URL)} (${problem}).`);
    console.error('CI runs the suite against PostgreSQL as well as SQLite: start PostgreSQL or set HANDOFF_TEST_POSTGRES_URL.');
    process.exit(1);
  });
}
