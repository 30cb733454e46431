/** Outbox retention: finished rows past OUTBOX_RETENTION_DAYS go, in slices; nothing unfinished does. */
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { countLoopTurns } from '../../harness/loopTurns';
import { sqliteStore } from '../../../src/db/sqliteStore';
import { pruneOutbox } from '../../../src/delivery/retention';
import { loadConfig } from '../../../src/config';
import { purgeStale } from '../../../src/db/queries/deflections';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');

function freshDb(): DbHandle {
  const h = openDatabase(':memory:');
  runMigrations(h);
  return h;
}

/** `n` rows of `status`, last changed `ageDays` before NOW. */
function addRows(h: DbHandle, status: string, ageDays: number, n: number, tag: string): void {
  const t = NOW - ageDays * DAY;
  const insert = h.sqlite.prepare(`insert into outbox (team_id, kind, dedupe_key, user_id, payload, status, next_attempt_at, created_at, updated_at)
    values ('T1', 'dm', ?, 'U1', '{}', ?, ?, ?, ?)`);
  h.sqlite.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`${tag}:${i}`, status, t, t, t);
  })();
}

const countBy = (h: DbHandle) =>
  Object.fromEntries(
    (h.sqlite.prepare(`select status || '@' || (updated_at < ?) as k, count(*) as n from outbox group by k`).all(NOW - 30 * DAY) as { k: string; n: number }[]).map((r) => [
      r.k,
      r.n,
    ]),
  );

describe('outbox retention', () => {
  it('deletes sent, failed and skipped rows older than the retention, keeps recent and unfinished ones', async () => {
    const h = freshDb();
    addRows(h, 'sent', 45, 1200, 'old-sent');
    addRows(h, 'failed', 31, 3, 'old-failed');
    addRows(h, 'skipped', 40, 4, 'old-skipped');
    addRows(h, 'sent', 29, 5, 'recent-sent');
    addRows(h, 'pending', 60, 2, 'old-pending'); // a paused workspace's delivery: kept, whatever its age
    addRows(h, 'sending', 60, 1, 'old-sending');
    // Slices of 500 that yield between them: a ticker on the loop runs while the prune is under way.
    const loop = countLoopTurns();
    expect(await pruneOutbox(sqliteStore(h), new Date(NOW), 30 * DAY, { sliceSize: 500 })).toBe(1207);
    const turns = loop.stop();
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(countBy(h)).toEqual({ 'sent@0': 5, 'pending@1': 2, 'sending@1': 1 });
    h.close();
  });

  it('deletes a bounded number per call; the next tick continues', async () => {
    const h = freshDb();
    addRows(h, 'sent', 45, 1000, 'old');
    expect(await pruneOutbox(sqliteStore(h), new Date(NOW), 30 * DAY, { sliceSize: 100, maxSlices: 3 })).toBe(300);
    expect(await pruneOutbox(sqliteStore(h), new Date(NOW), 30 * DAY, { sliceSize: 100, maxSlices: 100 })).toBe(700);
    expect(await pruneOutbox(sqliteStore(h), new Date(NOW), 30 * DAY)).toBe(0);
    h.close();
  });

  it('OUTBOX_RETENTION_DAYS: 30 by default, whole days from 1 to 3650', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aa0cc085a5' };
    expect(loadConfig(base).outboxRetentionMs).toBe(30 * DAY);
    expect(loadConfig({ ...base, OUTBOX_RETENTION_DAYS: '7' }).outboxRetentionMs).toBe(7 * DAY);
    for (const bad of ['0', '-1', '1.5', 'forever', '3651']) {
      expect(() => loadConfig({ ...base, OUTBOX_RETENTION_DAYS: bad })).toThrow(/OUTBOX_RETENTION_DAYS is invalid/);
    }
  });

  it('processed-event ids older than a week go a bounded batch per tick', () => {
    const h = freshDb();
    const insert = h.sqlite.prepare(`insert into processed_events (team_id, event_id, at) values ('T1', ?, ?)`);
    h.sqlite.transaction(() => {
      for (let i = 0; i < 2500; i++) insert.run(`old${i}`, NOW - 8 * DAY);
      insert.run('recent', NOW - 6 * DAY);
    })();
    const left = () => (h.sqlite.prepare(`select count(*) as n from processed_events`).get() as { n: number }).n;
    purgeStale(h.db, new Date(NOW));
    expect(left()).toBe(501);
    purgeStale(h.db, new Date(NOW));
    expect(left()).toBe(1);
    h.close();
  });
});
