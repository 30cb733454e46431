/**
 * Start-up storage errors (issue 10, item 12), through the real process (`node dist/index.js`, as
 * test/e2e/startup.test.ts starts it). Before, a full disk said "disk I/O error" and a read-only
 * file system "ENOENT: mkdir" (and a path under /proc made Node's recursive mkdir spin forever).
 * Now the message names the file or folder, what is wrong with it, and the fix, and the process
 * exits non-zero without a stack trace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaseLog } from './support/cases';
import { TEST_BACKEND } from '../harness/testBackend';
import { BOT_TOKEN, buildApp, SIGNING_SECRET } from './support/child';

let entry: string;

beforeAll(async () => {
  entry = process.env.HANDOFF_ENTRY ?? (await buildApp());
}, 120_000);

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-startup-'));

/** Runs the app to completion (it is expected to fail at start-up); `wrap` is a command it runs under. */
function start(databaseUrl: string, wrap: string[] = []): { code: number | null; out: string } {
  const cwd = tmp();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: cwd,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    PORT: '0',
    DATABASE_URL: databaseUrl,
  };
  const [cmd, ...args] = [...wrap, process.execPath, entry];
  // A generous bound only so a hung start-up fails the test instead of the whole run.
  const r = spawnSync(cmd!, args, { cwd, env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function expectClearFailure(r: { code: number | null; out: string }, message: string): void {
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull(); // null: killed by the timeout, i.e. it hung
  expect(r.out).toContain(`Handoff failed to start: ${message}`);
  expect(r.out).not.toMatch(/^\s+at /m); // no stack trace
}

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only directory, the way this machine allows: a read-only tmpfs in a private mount
 * namespace (a real "read-only file system"); without that, permissions (or, for root, the
 * immutable attribute). `wrap` runs the app where the directory is read-only.
 */
function readOnlyDir(): { dir: string; wrap: string[]; reason: string; cleanup: () => void } {
  const dir = tmp();
  if (works('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o ro tmpfs ${JSON.stringify(dir)}`])) {
    return { dir, wrap: ['unshare', '-rm', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"', dir], reason: 'read-only file system', cleanup: () => undefined };
  }
  if (process.getuid?.() !== 0) {
    fs.chmodSync(dir, 0o555);
    return { dir, wrap: [], reason: 'permission denied', cleanup: () => fs.chmodSync(dir, 0o755) };
  }
  if (works('chattr', ['+i', dir])) return { dir, wrap: [], reason: 'permission denied', cleanup: () => void works('chattr', ['-i', dir]) };
  throw new Error('this machine offers no way to make a read-only directory (no user namespaces, running as root, no chattr)');
}

/** A 64 kB file system, far too small for the database: a private tmpfs, or (as root) a real mount. */
function fullDisk(): { dir: string; wrap: string[]; cleanup: () => void } {
  const dir = tmp();
  if (works('unshare', ['-rm', 'true'])) return { dir, wrap: ['unshare', '-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$0" && exec "$@"', dir], cleanup: () => undefined };
  if (process.getuid?.() === 0 && works('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir])) return { dir, wrap: [], cleanup: () => void works('umount', [dir]) };
  throw new Error('this machine offers no way to make a small file system (no user namespaces, not root)');
}

const FIX = 'Set DATABASE_URL to a writable path such as file:./data/handoff.db.';

// SQLite's file and its directory (read-only, full disk, not a database): nothing of it exists on PostgreSQL.
const describeOnSqlite = TEST_BACKEND === 'sqlite' ? describe : describe.skip;

describeOnSqlite('start-up storage errors name the file and the fix', () => {
  it('a read-only directory', async () => {
    const log = new CaseLog('faults');
    const ro = readOnlyDir();
    try {
      const r = start(`file:${ro.dir}/data/handoff.db`, ro.wrap);
      await log.check(`cannot create ${ro.dir}/data (${ro.reason})`, () => expectClearFailure(r, `Handoff cannot create ${ro.dir}/data (${ro.reason}). ${FIX}`));
    } finally {
      ro.cleanup();
    }
    log.finish();
  });

  it('paths that cannot be created: a file in the way, a location that does not exist', async () => {
    const log = new CaseLog('faults');
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'afile'), 'not a folder');
    const inTheWay = start(`file:${dir}/afile/data/handoff.db`);
    await log.check('a file where a folder should be', () =>
      expectClearFailure(inTheWay, `Handoff cannot create ${dir}/afile/data (a file is in the way: ${dir}/afile is a file, not a folder). ${FIX}`),
    );
    const proc = start('file:/proc/handoff-nowhere/data/handoff.db');
    await log.check('under /proc (Node’s recursive mkdir used to spin forever here)', () =>
      expectClearFailure(proc, `Handoff cannot create /proc/handoff-nowhere/data (that location does not exist and cannot be created). ${FIX}`),
    );
    log.finish();
  });

  it('a full disk: names the file and says the disk is full, not "disk I/O error" or "Failed to run the query ROLLBACK"', async () => {
    const log = new CaseLog('faults');
    const full = fullDisk();
    try {
      const r = start(`file:${full.dir}/handoff.db`, full.wrap);
      await log.check('names the file, says the disk is full and how much is free, and the fix', () => {
        expect(r.code).not.toBe(0);
        expect(r.code).not.toBeNull();
        const escaped = full.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        expect(r.out).toMatch(
          new RegExp(
            `Handoff failed to start: Handoff cannot write to ${escaped}/handoff\\.db \\(the disk is full: \\d+ kB free\\)\\. Free some space on that disk, or set DATABASE_URL to a path on another disk`,
          ),
        );
        expect(r.out).not.toMatch(/^\s+at /m);
      });
      await log.check('not the bare SQLite or drizzle message', () => expect(r.out).not.toMatch(/failed to start: (disk I\/O error|Failed to run the query)/));
    } finally {
      full.cleanup();
    }
    log.finish();
  });

  it('a file that is not a database', async () => {
    const log = new CaseLog('faults');
    const dir = tmp();
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const r = start(`file:${file}`);
    await log.check('says so and how to fix it', () =>
      expectClearFailure(
        r,
        `Handoff cannot open ${file} (it is not a Handoff database, or it is damaged). Restore it from a backup, or set DATABASE_URL to a new file such as file:./data/handoff.db.`,
      ),
    );
    await log.check('the file is left as it was', () => expect(fs.readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n'.repeat(200)));
    log.finish();
  });
});
