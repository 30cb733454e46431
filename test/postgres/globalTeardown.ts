/** Drops every database this run created that a test file did not (a failed or interrupted file). */
import { databasesOfRun, dropDatabase, RUN_ENV } from './support/databases';

export default async function globalTeardown(): Promise<void> {
  const run = process.env[RUN_ENV];
  if (!run) return;
  for (const name of await databasesOfRun(run)) await dropDatabase(name);
}
