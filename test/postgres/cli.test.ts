/** `handoff migrate` and `handoff digest-preview` on a DATABASE_URL that names PostgreSQL. */
import { digestPreviewCommand } from '../../src/cli/digestPreview';
import { migrateCommand } from '../../src/cli/migrate';
import { redactedUrl } from '../../src/db/postgres';
import { openPgStore } from '../../src/db/pg/store';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from './support/databases';
import fs from 'node:fs';
import path from 'node:path';

const MIGRATION_COUNT = fs.readdirSync(path.resolve(__dirname, '../../migrations/postgres')).filter((f) => f.endsWith('.sql')).length;
const MIGRATIONS = `${MIGRATION_COUNT} migration${MIGRATION_COUNT === 1 ? '' : 's'}`;

describeOnPostgres()('the CLI on PostgreSQL', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => database.drop());

  it('migrate applies every migration to a new database, then reports it up to date', async () => {
    const env = { DATABASE_URL: database.url };
    const first = await migrateCommand([], env);
    expect(first).toEqual({ exitCode: 0, out: `${redactedUrl(database.url)}: applied ${MIGRATIONS} (${MIGRATION_COUNT} in total).` });
    expect(await migrateCommand(['--db', database.url], {})).toEqual({ exitCode: 0, out: `${redactedUrl(database.url)}: already up to date (${MIGRATIONS}).` });
  });

  it('digest-preview reads PostgreSQL', async () => {
    const store = await openPgStore(database.url);
    await store.close();
    const r = await digestPreviewCommand(['--user', 'U1'], { env: { DATABASE_URL: database.url } });
    expect(r).toMatchObject({ exitCode: 2, out: expect.stringMatching(/^Error: The database has no workspace yet; pass --team\./) });
    const known = await digestPreviewCommand(['--user', 'U1', '--team', 'T1'], { env: { DATABASE_URL: database.url } });
    expect(known).toEqual({ exitCode: 1, out: 'Handoff doesn’t know U1 in T1 yet (people are added when the app first sees them).' });
  });
});
