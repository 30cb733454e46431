/** Undoing a digest planned ahead of its slot (db/queries/dueDigests.ts unplanDigest). */
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { unplanDigest } from '../../../src/db/queries/dueDigests';
import { getUser } from '../../../src/db/queries/users';
import { writeTransaction } from '../../../src/db/prepared';
import { sqliteStore } from '../../../src/db/sqliteStore';
import { PLAN_AHEAD_MS, sweepDueDigests } from '../../../src/scheduler/digestSweep';

const SLOT = Date.parse('2026-11-26T00:00:00Z'); // Thu 09:00 in Tokyo
const MAX_LATE = 4 * 3600_000;

/** One Tokyo person who had Wednesday's digest, due Thursday 09:00, planned at `plannedAt`. */
async function plannedAt(plannedAt: number): Promise<DbHandle> {
  const h = openDatabase(':memory:');
  runMigrations(h);
  h.sqlite.prepare(`insert into workspaces (team_id, created_at) values ('T1', 0)`).run();
  h.sqlite
    .prepare(`insert into users (team_id, user_id, slack_tz, working_days, next_digest_at, next_digest_local_date, last_digest_local_date, last_digest_at, created_at, updated_at)
      values ('T1', 'U1', 'Asia/Tokyo', 127, ?, '2026-11-26', '2026-11-25', ?, 0, 0)`)
    .run(SLOT, SLOT - 24 * 3600_000);
  await sweepDueDigests(sqliteStore(h), new Date(plannedAt), MAX_LATE);
  return h;
}

const rows = (h: DbHandle) => h.sqlite.prepare(`select local_date as localDate, status from outbox`).all();
const unplan = (h: DbHandle, now: number) => writeTransaction(h.db, () => unplanDigest(h.db, getUser(h.db, 'T1', 'U1')!, now));

describe('unplanDigest', () => {
  it('before the slot: deletes the planned row and puts the person back as before it was planned', async () => {
    const h = await plannedAt(SLOT - PLAN_AHEAD_MS / 2);
    expect(rows(h)).toEqual([{ localDate: '2026-11-26', status: 'pending' }]);
    expect(getUser(h.db, 'T1', 'U1')).toMatchObject({ nextDigestLocalDate: '2026-11-27', lastDigestLocalDate: '2026-11-26', lastDigestAt: SLOT });
    expect(unplan(h, SLOT - 10_000)).toBe(true);
    expect(rows(h)).toEqual([]);
    expect(getUser(h.db, 'T1', 'U1')).toMatchObject({
      nextDigestAt: SLOT,
      nextDigestLocalDate: '2026-11-26',
      lastDigestLocalDate: '2026-11-25',
      lastDigestAt: SLOT - 24 * 3600_000,
    });
    // Nothing left to undo; the next sweep plans it again, as before.
    expect(unplan(h, SLOT - 5_000)).toBe(false);
    expect(await sweepDueDigests(sqliteStore(h), new Date(SLOT - 5_000), MAX_LATE)).toMatchObject({ enqueued: 1 });
    expect(rows(h)).toEqual([{ localDate: '2026-11-26', status: 'pending' }]);
    h.close();
  });

  it('from the slot on, the row is that day’s digest: nothing is undone', async () => {
    const h = await plannedAt(SLOT - PLAN_AHEAD_MS / 2);
    const before = getUser(h.db, 'T1', 'U1');
    expect(unplan(h, SLOT)).toBe(false);
    expect(unplan(h, SLOT + 60_000)).toBe(false);
    expect(rows(h)).toEqual([{ localDate: '2026-11-26', status: 'pending' }]);
    expect(getUser(h.db, 'T1', 'U1')).toEqual(before);
    h.close();
  });

  it('a digest planned at or after its slot (not ahead) is never undone', async () => {
    const h = await plannedAt(SLOT + 1000);
    expect(unplan(h, SLOT + 2000)).toBe(false);
    expect(rows(h)).toEqual([{ localDate: '2026-11-26', status: 'pending' }]);
    h.close();
  });
});
