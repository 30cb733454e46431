/**
 * The e2e-postgres and reliability-postgres projects, per test file: when this run has no PostgreSQL (unreachable outside CI; the
 * global setup said so in one line) every test of the file is skipped; otherwise the file's databases
 * are dropped after its last test.
 */
import { dropPostgresDatabases } from '../../harness/testBackend';
import { postgresRun } from '../support/databases';

if (postgresRun() === null) {
  // The e2e files use jest's globals; skipped versions of them skip every test, and so their hooks.
  Object.assign(globalThis, { it: it.skip, test: test.skip, describe: describe.skip });
} else {
  afterAll(dropPostgresDatabases);
}
