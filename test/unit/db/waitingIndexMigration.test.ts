/**
 * Migration 0011 gives every recipient row a copy of its handoff's "still open" and creation time
 * (read by "waiting on you"), and 0019 the recipient's own workspace (until then always the handoff's):
 * a database an older release left must get them filled from its handoffs.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_DIR } from '../../../src/db/client';
import { migrationsBefore } from '../../harness/migrationsBefore';

it('fills the copies of state and age from each recipient row’s handoff', () => {
  const sqlite = new Database(':memory:');
  migrate(drizzle(sqlite), { migrationsFolder: migrationsBefore(MIGRATIONS_DIR, '0011_waiting_index') });
  const handoff = sqlite.prepare(`insert into handoffs (id, team_id, number, author_id, title, ask, state, created_at, updated_at) values (?, 'T1', ?, 'A', 't', 'a', ?, ?, ?)`);
  const recipient = sqlite.prepare(`insert into handoff_recipients (handoff_id, team_id, user_id, added_at) values (?, 'T1', ?, 5)`);
  const states = ['open', 'acknowledged', 'done', 'declined', 'cancelled'];
  states.forEach((state, i) => {
    handoff.run(i + 1, i + 1, state, 1000 + i, 2000);
    recipient.run(i + 1, 'U1');
    recipient.run(i + 1, 'U2');
  });

  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS_DIR });

  const rows = sqlite.prepare('select handoff_id, user_id, recipient_team_id, handoff_open, handoff_created_at from handoff_recipients order by handoff_id, user_id').all();
  expect(rows).toEqual(
    states.flatMap((state, i) =>
      ['U1', 'U2'].map((user) => ({
        handoff_id: i + 1,
        user_id: user,
        recipient_team_id: 'T1',
        handoff_open: state === 'open' || state === 'acknowledged' ? 1 : 0,
        handoff_created_at: 1000 + i,
      })),
    ),
  );
  const plan = sqlite
    .prepare(
      `explain query plan select handoff_id from handoff_recipients where recipient_team_id = 'T1' and user_id = 'U1' and active = 1 and handoff_open = 1 order by handoff_created_at, handoff_id limit 7`,
    )
    .all() as Array<{ detail: string }>;
  // One index, read in order: no sort of every ask the person was ever on.
  expect(plan.map((p) => p.detail)).toEqual([expect.stringContaining('recipients_waiting_idx')]);
  // A workspace's own rows (export, the purge after an uninstall) are found by index too, not by a scan.
  const purge = sqlite.prepare(`explain query plan select rowid from handoff_recipients where team_id = 'T1' limit 500`).all() as Array<{ detail: string }>;
  expect(purge.map((p) => p.detail)).toEqual([expect.stringContaining('recipients_team_idx')]);
});
