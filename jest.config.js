/**
 * Six projects, so the inner loop stays fast while CI still runs everything:
 *   unit         pure logic, views, the harness itself               (npm test)
 *   e2e          the real app behind its receiver, one process        (npm test)
 *   reliability  fuzz, security, faults, crashes, rolling deploys, and
 *                every test that spawns real processes               (npm run test:slow)
 *   postgres     the same tests against SQLite and PostgreSQL        (npm run test:postgres)
 *   e2e-postgres the e2e files again, the app on PostgreSQL          (npm run test:e2e:postgres)
 *   reliability-postgres  the reliability files whose behaviour depends on the database, the app
 *                (in process and as child processes) on PostgreSQL   (npm run test:slow:postgres)
 * `npm run test:all` (what CI runs) is all six.
 */
// Type checking is done once by `npm run typecheck`; tests only transpile, which keeps them fast.
// `npm test` runs 3 workers: its tests mostly wait on sockets and timers, and jest's default (cores − 1)
// left a 2-core machine half idle (114 s → 48 s). `test:all` runs 2, as the reliability project
// starts real processes of its own (486 s → 246 s).
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
};
// Tests that start `node dist/index.js` or `npm start` as real processes.
const processTests = ['<rootDir>/test/e2e/lifecycle.test.ts', '<rootDir>/test/e2e/startup.test.ts'];
// PostgreSQL from HANDOFF_TEST_POSTGRES_URL (default the local one); its half is skipped with one line
// when unreachable, a failure under CI=true (see test/postgres/globalSetup.ts).
const onPostgres = { globalSetup: '<rootDir>/test/postgres/globalSetup.ts', globalTeardown: '<rootDir>/test/postgres/globalTeardown.ts' };

/** @type {import('jest').Config} */
module.exports = {
  // A global option: jest ignores it inside a project, where it would leave the 5 s default.
  testTimeout: 30000,
  // Longest files first (a fresh clone has no timings cached): see test/sequencer.js.
  testSequencer: '<rootDir>/test/sequencer.js',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/harness/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], testPathIgnorePatterns: processTests },
    // On PostgreSQL too: its replica test (test/reliability/replicas.test.ts) runs three processes on one database.
    {
      ...base,
      ...onPostgres,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.test.ts', '<rootDir>/test/crash/**/*.test.ts', ...processTests],
    },
    // Both backends side by side: the store's conformance suite, migrations, the CLI.
    { ...base, ...onPostgres, displayName: 'postgres', testMatch: ['<rootDir>/test/postgres/**/*.test.ts'] },
    // The same e2e files with the harness on PostgreSQL (HANDOFF_TEST_DB=postgres): one database per
    // file, emptied for each app (test/harness/testBackend.ts).
    {
      ...base,
      ...onPostgres,
      displayName: 'e2e-postgres',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      testPathIgnorePatterns: processTests,
      setupFiles: ['<rootDir>/test/postgres/e2e/env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/postgres/e2e/setup.ts'],
    },
    // The reliability files whose outcome depends on the database, again with the harness and the
    // child-process rigs on PostgreSQL (one database per file, emptied for each app). Cases about
    // SQLite's file (disk, pragmas, WAL) skip there, each saying why (itOnSqlite).
    {
      ...base,
      ...onPostgres,
      displayName: 'reliability-postgres',
      testMatch: ['<rootDir>/test/reliability/**/*.test.ts', '<rootDir>/test/crash/**/*.test.ts'],
      testPathIgnorePatterns: [
        // The HTTP server and the process, the same whatever the database: slow and idle connections,
        // upload floods (faults-flood); signals, logging and npm start (lifecycle, startup, which the
        // reliability project runs as processTests); SQLite's start-up file errors (faults-startup);
        // the pure text-cleaning properties (fuzz-text).
        '<rootDir>/test/reliability/faults-flood.test.ts',
        '<rootDir>/test/reliability/faults-startup.test.ts',
        '<rootDir>/test/reliability/fuzz-text.test.ts',
        // Already on PostgreSQL in the reliability project (three replicas on one database).
        '<rootDir>/test/reliability/replicas.test.ts',
      ],
      setupFiles: ['<rootDir>/test/postgres/e2e/env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/postgres/e2e/setup.ts'],
    },
  ],
};
