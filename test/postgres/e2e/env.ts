/** The e2e-postgres project's first setup file: the harness runs every app of the e2e files on PostgreSQL. */
process.env.HANDOFF_TEST_DB = 'postgres';
