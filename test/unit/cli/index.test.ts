/** The `handoff` operator CLI: next-digests, digest-preview, migrate, and the bin wrapper. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli, HELP } from '../../../src/cli';
import { digestPreviewCommand } from '../../../src/cli/digestPreview';
import { migrateCommand } from '../../../src/cli/migrate';
import { databaseOf, parseOptions } from '../../../src/cli/args';
import { MIGRATIONS_DIR, openDatabase, runMigrations } from '../../../src/db/client';

/** Every migration drizzle-kit generated (migrations/meta/_journal.json), e.g. "2 migrations". */
const MIGRATION_COUNT = (JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const MIGRATIONS = `${MIGRATION_COUNT} migration${MIGRATION_COUNT === 1 ? '' : 's'}`;

const NOW = '2026-11-26T00:30:00Z'; // 09:30 Thursday in Tokyo

function tempDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-cli-')), 'handoff.db');
}

/** A Tokyo recipient with two open asks from New York, and a New York author with one resolved ask. */
function seededDb(teams = ['T0001']): string {
  const file = tempDb();
  const h = openDatabase(file);
  runMigrations(h);
  const t = Date.parse('2026-11-25T19:00:00Z');
  const s = h.sqlite;
  for (const team of teams) s.prepare(`insert into workspaces (team_id, created_at) values (?, ?)`).run(team, t);
  const user = s.prepare(
    `insert into users (team_id, user_id, display_name, slack_tz, next_digest_at, next_digest_local_date, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  user.run('T0001', 'UTOKYO', 'kenji', 'Asia/Tokyo', Date.parse('2026-11-27T00:00:00Z'), '2026-11-27', t, t);
  user.run('T0001', 'UNYC', 'nora', 'America/New_York', Date.parse('2026-11-26T14:00:00Z'), '2026-11-26', t, t);
  user.run('T0001', 'UIDLE', 'ida', 'Europe/Lisbon', null, null, t, t);
  const handoff = s.prepare(`insert into handoffs (team_id, number, author_id, title, ask, state, resolution_note, resolved_by, resolved_at, created_at, updated_at)
    values ('T0001', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const recipient = s.prepare(
    `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, added_at, handoff_open, handoff_created_at) values (?, 'T0001', ?, 'T0001', ?, ?, ?)`,
  );
  const add = (n: number, author: string, to: string, title: string, state = 'open', note: string | null = null) => {
    const resolved = state === 'done' ? t + 3600_000 : null;
    const id = handoff.run(n, author, title, `${title}, please`, state, note, resolved ? to : null, resolved, t + n, t + n).lastInsertRowid;
    recipient.run(id, to, t, state === 'open' || state === 'acknowledged' ? 1 : 0, t + n);
  };
  add(1, 'UNYC', 'UTOKYO', 'Q3 numbers');
  add(2, 'UNYC', 'UTOKYO', 'Deck review');
  add(3, 'UNYC', 'UTOKYO', 'Budget sign-off', 'done', 'Signed, see the sheet');
  h.close();
  return file;
}

describe('handoff CLI: dispatch', () => {
  it('shows help for help/--help (exit 0) and for no command (exit 2)', async () => {
    expect(await runCli(['help'])).toEqual({ exitCode: 0, out: HELP });
    expect((await runCli(['--help'])).exitCode).toBe(0);
    expect(await runCli([])).toEqual({ exitCode: 2, out: HELP });
  });

  it('refuses an unknown command with the help', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.out).toMatch(/Unknown command "frobnicate"/);
    expect(r.out).toContain('digest-preview');
  });

  it('next-digests wraps nextDigestsCommand (same schedule code as the scheduler)', async () => {
    const r = await runCli(['next-digests', '--tz', 'Asia/Tokyo', '--start', '09:00', '--days', 'mon-fri', '--from', '2026-11-25T19:00:00Z', '--count', '3']);
    expect(r.exitCode).toBe(0);
    expect(r.out.split('\n').map((l) => l.slice(0, 24))).toEqual(['2026-11-26T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '2026-11-30T00:00:00.000Z']);
    expect((await runCli(['next-digests', '--tz', 'Mars/Olympus'])).exitCode).toBe(2);
  });

  it('next-digests uses the injected clock when --from is omitted', async () => {
    const r = await runCli(['next-digests', '--tz', 'UTC', '--count', '1'], { now: () => new Date('2026-11-27T10:00:00Z') });
    expect(r.out).toMatch(/^2026-11-30T09:00:00.000Z/); // Friday 10:00 → Monday 09:00
  });
});

describe('handoff CLI: argument helpers', () => {
  it('parses --name value and --name=value, and rejects unknown or valueless options', async () => {
    expect(parseOptions(['digest-preview', '--user', 'U1', '--team=T1'], 'digest-preview', ['user', 'team'])).toEqual(
      new Map([
        ['user', 'U1'],
        ['team', 'T1'],
      ]),
    );
    expect(parseOptions(['-h'], 'x', ['user'])).toBe('help');
    expect(() => parseOptions(['--nope', '1'], 'x', ['user'])).toThrow(/Unknown argument "--nope"/);
    expect(() => parseOptions(['--user'], 'x', ['user'])).toThrow(/--user needs a value/);
    expect(() => parseOptions(['--user', '--team', 'T'], 'x', ['user', 'team'])).toThrow(/--user needs a value/);
  });

  it('reads DATABASE_URL as the app does', async () => {
    expect(databaseOf({})).toEqual({ kind: 'sqlite', path: './data/handoff.db' });
    expect(databaseOf({ DATABASE_URL: 'file:/var/lib/h.db' })).toEqual({ kind: 'sqlite', path: '/var/lib/h.db' });
    expect(databaseOf({ DATABASE_URL: '/tmp/x.db' })).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
    expect(databaseOf({ DATABASE_URL: ':memory:' })).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(databaseOf({ DATABASE_URL: 'postgres://db/h' })).toEqual({ kind: 'postgres', url: 'postgres://db/h', poolSize: 10 });
    // --db wins over DATABASE_URL
    expect(databaseOf({ DATABASE_URL: 'postgres://db/h' }, '/tmp/y.db')).toEqual({ kind: 'sqlite', path: '/tmp/y.db' });
  });
});

describe('handoff CLI: migrate', () => {
  it('creates and migrates a new database, then reports it up to date', async () => {
    const file = tempDb();
    const first = await migrateCommand([], { DATABASE_URL: `file:${file}` });
    expect(first).toEqual({ exitCode: 0, out: `${file}: applied ${MIGRATIONS} (${MIGRATION_COUNT} in total).` });
    expect(fs.existsSync(file)).toBe(true);
    expect(await migrateCommand(['--db', file], {})).toEqual({ exitCode: 0, out: `${file}: already up to date (${MIGRATIONS}).` });
    const h = openDatabase(file);
    expect(h.sqlite.prepare(`select count(*) as n from sqlite_master where name = 'outbox'`).get()).toEqual({ n: 1 });
    h.close();
  });

  it('explains a failure instead of throwing', async () => {
    const aFile = tempDb();
    fs.writeFileSync(aFile, 'not a directory');
    const r = await migrateCommand(['--db', path.join(aFile, 'sub', 'handoff.db')], {});
    expect(r.exitCode).toBe(1);
    expect(r.out).toMatch(/^Migration failed: /);
    expect((await migrateCommand(['--bogus'], {})).exitCode).toBe(2);
  });
});

describe('handoff CLI: digest-preview', () => {
  it('prints the recipient’s digest: what waits on them, oldest first, with names', async () => {
    const file = seededDb();
    const r = await digestPreviewCommand(['--team', 'T0001', '--user', 'UTOKYO', '--now', NOW], { env: { DATABASE_URL: `file:${file}` } });
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('Digest preview for @kenji (UTOKYO) in T0001, local date 2026-11-26');
    expect(r.out).toContain('Schedule: 09:00–17:00 Mon–Fri, Asia/Tokyo');
    expect(r.out).toContain('Next digest: Fri 2026-11-27 09:00 Tokyo time (2026-11-27T00:00:00.000Z)');
    expect(r.out).toContain('Digest for 2026-11-26: not planned yet');
    expect(r.out).toContain('Notification text: Good morning: 2 waiting on you.');
    expect(r.out).toContain('Your handoffs · Thursday 26 November');
    const q3 = r.out.indexOf('#1 · Q3 numbers');
    const deck = r.out.indexOf('#2 · Deck review');
    expect(q3).toBeGreaterThan(r.out.indexOf('Waiting on you (oldest first)'));
    expect(deck).toBeGreaterThan(q3);
    expect(r.out).toContain('from @nora (UNYC) to @kenji (UTOKYO)');
    // The title was taken from the ask: it is said once, not as title and again as "Needs:".
    expect(r.out).toContain('#1 · Q3 numbers, please');
    expect(r.out).not.toContain('Needs: Q3 numbers');
    expect(r.out).not.toContain('Budget sign-off'); // resolved: not waiting on them
  });

  it('prints the author’s digest: unblocked, with the note, and what they still wait on', async () => {
    const file = seededDb();
    const r = await runCli(['digest-preview', '--user', 'UNYC', '--now', '2026-11-26T14:00:00Z', '--date', '2026-11-26'], { env: { DATABASE_URL: `file:${file}` } });
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('You’re unblocked');
    // Times in the person's own zone (New York), not the server's or UTC.
    expect(r.out).toContain('#3 · Budget sign-off, please — @kenji (UTOKYO) marked it done 2026-11-25 15:00 New York time (EST)');
    expect(r.out).toContain('      > Signed, see the sheet');
    expect(r.out).toContain('You’re waiting on 2 handoffs.');
    expect(r.out).toMatch(/@kenji \(UTOKYO\)’s day starts next, in 10 h/);
  });

  it('says whether that date’s digest already went out, in the person’s zone', async () => {
    const file = seededDb();
    const h = openDatabase(file);
    h.sqlite
      .prepare(
        `insert into outbox (team_id, kind, dedupe_key, user_id, local_date, status, next_attempt_at, created_at, updated_at, sent_at) values ('T0001', 'digest', 'digest:UNYC:2026-11-26', 'UNYC', '2026-11-26', 'sent', 0, 0, 0, ?)`,
      )
      .run(Date.parse('2026-11-26T14:00:05Z'));
    h.close();
    const r = await runCli(['digest-preview', '--user', 'UNYC', '--now', '2026-11-26T15:00:00Z', '--date', '2026-11-26'], { env: { DATABASE_URL: `file:${file}` } });
    expect(r.out).toContain('Digest for 2026-11-26: already sent, Thu 2026-11-26 09:00 New York time (EST)');
    expect(r.out).toContain('as of Thu 2026-11-26 10:00 New York time (EST)');
  });

  it('reads only: nothing is marked as told', async () => {
    const file = seededDb();
    await digestPreviewCommand(['--user', 'UNYC'], { env: { DATABASE_URL: `file:${file}` }, now: () => new Date(NOW) });
    const h = openDatabase(file);
    expect(h.sqlite.prepare(`select count(*) as n from handoffs where author_notified_at is not null`).get()).toEqual({ n: 0 });
    expect(h.sqlite.prepare(`select count(*) as n from outbox`).get()).toEqual({ n: 0 });
    h.close();
  });

  it('says so when there is nothing to say', async () => {
    const file = seededDb();
    const r = await digestPreviewCommand(['--user', 'UIDLE', '--now', NOW], { env: { DATABASE_URL: `file:${file}` } });
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('Next digest: not scheduled');
    expect(r.out).toMatch(/No digest: nothing waits on them/);
  });

  it('explains unknown people, a missing database, and ambiguous workspaces', async () => {
    const file = seededDb(['T0001', 'T0002']);
    const env = { DATABASE_URL: `file:${file}` };
    expect(await digestPreviewCommand(['--team', 'T0001', '--user', 'UNOBODY'], { env })).toMatchObject({
      exitCode: 1,
      out: expect.stringMatching(/doesn’t know UNOBODY in T0001/),
    });
    expect(await digestPreviewCommand(['--user', 'UTOKYO'], { env })).toMatchObject({
      exitCode: 2,
      out: expect.stringMatching(/Several workspaces \(T0001, T0002\): pass --team/),
    });
    expect(await digestPreviewCommand(['--user', 'U1', '--db', '/nonexistent/handoff.db'], { env })).toMatchObject({
      exitCode: 1,
      out: expect.stringMatching(/^No database at \/nonexistent\/handoff.db/),
    });
    expect(await digestPreviewCommand(['--team', 'T0001'], { env })).toMatchObject({ exitCode: 2, out: expect.stringMatching(/--user is required/) });
    expect((await digestPreviewCommand(['--user', 'UTOKYO', '--team', 'T0001', '--date', '26/11/2026'], { env })).exitCode).toBe(2);
    expect((await digestPreviewCommand(['--help'])).exitCode).toBe(0);
  });
});

describe('bin/handoff.js', () => {
  const bin = path.resolve(__dirname, '../../../bin/handoff.js');
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

  it('runs the built CLI (building dist first if it is missing)', async () => {
    const r = run(['next-digests', '--tz', 'Asia/Tokyo', '--from', '2026-11-25T19:00:00Z', '--count', '1']);
    expect(r.stderr.replace(/handoff: dist\/cli is missing[^\n]*\n/, '')).toBe('');
    expect(r.stdout).toBe('2026-11-26T00:00:00.000Z  2026-11-26 Thu 09:00 Tokyo time\n');
    expect(r.status).toBe(0);
  }, 120_000);

  it('sends usage errors to stderr with exit code 2, and migrates DATABASE_URL', async () => {
    const bad = run(['next-digests']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--tz is required');
    const file = tempDb();
    const ok = run(['migrate'], { DATABASE_URL: `file:${file}` });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`applied ${MIGRATIONS}`);
  }, 120_000);
});
