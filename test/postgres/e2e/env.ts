/** The first setup file of e2e-postgres and reliability-postgres: the harness (and the process rigs) run every app on PostgreSQL. */
process.env.HANDOFF_TEST_DB = 'postgres';
