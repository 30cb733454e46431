/**
 * The global setup of the projects that use PostgreSQL (postgres, e2e-postgres, reliability-postgres,
 * and reliability for its replica test): is PostgreSQL reachable? Under CI it must be (fail loudly); elsewhere their
 * PostgreSQL tests skip, with one line saying so. Names this run's databases. Runs once per run: the
 * second project finds it decided.
 */
import { postgresProblem, TEST_POSTGRES_URL } from '../../scripts/check-postgres';
import { redactedUrl } from '../../src/db/postgres';
import { RUN_ENV } from './support/databases';

export default async function globalSetup(): Promise<void> {
  if (process.env[RUN_ENV] !== undefined) return;
  const problem = await postgresProblem(TEST_POSTGRES_URL);
  if (problem !== null) {
    const what = `PostgreSQL is not reachable at ${redactedUrl(TEST_POSTGRES_URL)} (${problem})`;
    if (process.env.CI === 'true') throw new Error(`${what}: CI must run the PostgreSQL tests. Start PostgreSQL or set HANDOFF_TEST_POSTGRES_URL.`);
    console.log(
      `\n${what}: skipping the PostgreSQL tests (the postgres project's PostgreSQL half, e2e-postgres, reliability-postgres and the replica test; set HANDOFF_TEST_POSTGRES_URL to run them).`,
    );
    process.env[RUN_ENV] = '';
    return;
  }
  // Workers inherit the environment; the name is unique per run so parallel runs never share a database.
  process.env[RUN_ENV] = `handoff_test_${Date.now().toString(36)}_${process.pid}`;
}
