/**
 * /healthz tells the truth about storage (issue 10, item 7). Before, it only read one row, so it
 * said "ok" while every write failed. Now it reports the last write's outcome and the free disk
 * space, and answers 503 while writes fail — so an orchestrator restarts the app or alerts.
 *
 * Writes are made to fail for real, on the app's own connection, with the errors SQLite gives:
 * - a full disk: SQLITE_FULL, via PRAGMA max_page_count (SQLite's own "no more pages" limit);
 * - a read-only database: SQLITE_READONLY, via PRAGMA query_only;
 * - a damaged page: SQLITE_CORRUPT, by overwriting the handoffs table's root page on disk.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { eventually } from '../harness/testApp';
import { storageHealth } from '../../src/db/health';
import { CaseLog } from './support/cases';
import { People, seededAppPerTest } from './support/world';
import { itOnSqlite } from '../harness/testBackend';

const t = seededAppPerTest();

interface Health {
  status: string;
  database: { ok: boolean; migrations: number; lastWrite: { ok: boolean; at: number; error?: string } | null; damaged?: { error: string } };
  disk: { path: string; freeBytes: number; totalBytes: number; ok: boolean } | null;
}

async function health(): Promise<{ code: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${t.port}/healthz`);
  return { code: res.status, body: (await res.json()) as Health };
}

/** Creates a handoff inline; returns what the author was told. */
async function create(ask: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId: People.author, text: `<@${People.ana}> ${ask}`, responseUrl });
  expect(res.status).toBe(200);
  const call = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 5000);
  await t.handoff.dispatcher.idle();
  return String(call.args.text ?? '');
}

const big = (tag: string) => `${tag} ${'x'.repeat(2900)}`;
const pragma = (p: string) => t.handoff.db.sqlite.pragma(p, { simple: true });

// SQLite's file, disk and pragmas; PostgreSQL's /healthz is tested in test/postgres/app.test.ts.
describe('/healthz and database writes', () => {
  itOnSqlite('healthy: 200 with the last write and the free disk space', async () => {
    const log = new CaseLog('faults');
    await create('a normal ask');
    const { code, body } = await health();
    await log.check('200 ok', () => {
      expect(code).toBe(200);
      expect(body.status).toBe('ok');
    });
    await log.check('last write reported as ok, with its time', () => {
      expect(body.database.lastWrite).toMatchObject({ ok: true });
      expect(typeof body.database.lastWrite!.at).toBe('number');
    });
    await log.check('free disk space of the database’s folder reported', () => {
      expect(body.disk).not.toBeNull();
      expect(body.disk!.freeBytes).toBeGreaterThan(0);
      expect(body.disk!.totalBytes).toBeGreaterThanOrEqual(body.disk!.freeBytes);
      expect(fs.realpathSync(body.disk!.path)).toBe(fs.realpathSync(t.dbFile.replace(/\/[^/]+$/, '')));
    });
    log.finish();
  });

  itOnSqlite(
    'a full disk (SQLITE_FULL): the person is told nothing was saved, /healthz answers 503 until a write succeeds again',
    async () => {
      const log = new CaseLog('faults');
      await create(big('first'));
      // No page may be added any more: the next handoff does not fit the pages there are.
      pragma(`max_page_count = ${Number(pragma('page_count'))}`);
      const told = await create(big('second'));
      await log.check('the author is told nothing was created, with their text', () => {
        expect(told).toMatch(/nothing was created/);
        expect(told).toContain('second');
      });
      await log.check('503, degraded, and the write error named', async () => {
        const { code, body } = await health();
        expect(code).toBe(503);
        expect(body.status).toBe('degraded');
        expect(body.database.lastWrite).toMatchObject({ ok: false });
        expect(body.database.lastWrite!.error).toMatch(/SQLITE_FULL/);
      });
      await log.check('reads alone do not turn it green', async () => {
        await t.slack.command({ userId: People.ana, text: 'list' });
        expect((await health()).code).toBe(503);
      });
      pragma('max_page_count = 1073741823');
      await create(big('third'));
      await log.check('room again: the next write succeeds and /healthz is 200', async () => {
        const { code, body } = await health();
        expect(code).toBe(200);
        expect(body.database.lastWrite).toMatchObject({ ok: true });
      });
      log.finish();
    },
    30_000,
  );

  itOnSqlite(
    'a read-only database (SQLITE_READONLY): 503 while writes are refused, 200 after',
    async () => {
      const log = new CaseLog('faults');
      await create('before');
      pragma('query_only = ON');
      const told = await create('while read-only');
      await log.check('the author is told nothing was created', () => expect(told).toMatch(/nothing was created/));
      await log.check('503 with SQLITE_READONLY', async () => {
        const { code, body } = await health();
        expect(code).toBe(503);
        expect(body.database.lastWrite!.error).toMatch(/SQLITE_READONLY/);
      });
      pragma('query_only = OFF');
      await create('after');
      await log.check('200 once a write went through', async () => expect((await health()).code).toBe(200));
      log.finish();
    },
    30_000,
  );

  itOnSqlite(
    'a damaged page (SQLITE_CORRUPT): /healthz answers 503 once any statement meets it, and stays 503',
    async () => {
      const log = new CaseLog('faults');
      await create('before the damage');
      const sqlite = t.handoff.db.sqlite;
      const root = (sqlite.prepare("select rootpage from sqlite_master where name = 'handoffs'").get() as { rootpage: number }).rootpage;
      const pageSize = Number(pragma('page_size'));
      pragma('wal_checkpoint(TRUNCATE)');
      // Garbage over the table's root page, written behind SQLite's back…
      const fd = fs.openSync(t.dbFile, 'r+');
      fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
      fs.closeSync(fd);
      // …and a write from another connection, so the app's connection drops its cached pages.
      const other = new Database(t.dbFile);
      other.prepare("update workspaces set status = status where team_id = 'T0001'").run();
      other.pragma('user_version = 7');
      other.close();
      // The damaged page is met by whatever touches the handoffs table first (the repeat check reads it).
      await t.slack.command({ userId: People.author, text: `<@${People.ana}> after the damage` });
      await log.check('503 with SQLITE_CORRUPT, until the file is repaired', async () => {
        await eventually(async () => expect((await health()).code).toBe(503));
        const { body } = await health();
        expect(body.status).toBe('degraded');
        expect(body.database.damaged!.error).toMatch(/SQLITE_CORRUPT/);
      });
      await log.check('the table really is damaged (SQLite itself says so)', () => {
        expect(() => t.handoff.db.sqlite.prepare("select count(*) from handoffs where ask = 'after the damage'").get()).toThrow(/malformed/);
      });
      log.finish();
    },
    30_000,
  );

  itOnSqlite('a disk with less than 16 MB free is reported unhealthy before writes start failing', async () => {
    const log = new CaseLog('faults');
    await create('a write that worked');
    const nearlyFull = () => ({ bavail: 1000, bsize: 4096, blocks: 1_000_000 });
    const report = storageHealth(t.handoff.db, t.dbFile, nearlyFull);
    await log.check('not ok, disk flagged, database itself fine', () => {
      expect(report.ok).toBe(false);
      expect(report.disk).toMatchObject({ ok: false, freeBytes: 4_096_000 });
      expect(report.database.ok).toBe(true);
    });
    await log.check('with room, the same database is ok', () => {
      expect(storageHealth(t.handoff.db, t.dbFile, () => ({ bavail: 1_000_000, bsize: 4096, blocks: 2_000_000 })).ok).toBe(true);
    });
    log.finish();
  });
});
