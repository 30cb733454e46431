/**
 * `handoff migrate-to-postgres` arguments, without a database: what it needs, what it refuses, and
 * that a password in the URL is never echoed, not even in an error. (The copy itself is tested in
 * test/postgres/migrateToPostgres.test.ts.)
 */
import { runCliAsync, HELP } from '../../../src/cli';
import { MIGRATE_TO_POSTGRES_USAGE, migrateToPostgresCommand } from '../../../src/cli/migrateToPostgres';

describe('handoff migrate-to-postgres (arguments)', () => {
  it('is listed in the help and shows its usage', async () => {
    expect(HELP).toContain('migrate-to-postgres');
    expect(await runCliAsync(['migrate-to-postgres', '--help'])).toEqual({ exitCode: 0, out: MIGRATE_TO_POSTGRES_USAGE });
  });

  it('needs both --from and --to', async () => {
    expect(await migrateToPostgresCommand(['--to', 'postgres://h/db'])).toMatchObject({ exitCode: 2, out: expect.stringContaining('--from is required.') });
    expect(await migrateToPostgresCommand(['--from', 'file:./x.db'])).toMatchObject({ exitCode: 2, out: expect.stringContaining('--to is required.') });
  });

  it('refuses a --to that is not PostgreSQL, without printing its password', async () => {
    const r = await migrateToPostgresCommand(['--from', 'x.db', '--to', 'mysql://admin:hunter2@db/handoff']);
    expect(r.exitCode).toBe(2);
    expect(r.out).toContain('--to must be a postgres:// URL');
    expect(r.out).not.toContain('hunter2');
  });

  it('never prints the password (percent-encoded here) when it fails', async () => {
    // The missing source fails the command before any connection; its output still names the target.
    const r = await migrateToPostgresCommand(['--from', '/nonexistent/handoff.db', '--to=postgresql://admin:p%40ss%2Fword@127.0.0.1:1/handoff']);
    expect(r.exitCode).toBe(1);
    expect(r.out).toContain('postgresql://admin:***@127.0.0.1:1/handoff');
    expect(r.out).not.toMatch(/p%40ss|p@ss/);
  });
});
