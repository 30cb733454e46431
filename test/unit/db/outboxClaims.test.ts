/** claimDue skipping paused workspaces: another workspace's due row is found, within a bounded look. */
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { claimDue } from '../../../src/db/queries/outbox';

const lease = { claimant: 'me', until: 1e15 };

function withRows(rows: Array<[team: string, dueAt: number]>): DbHandle {
  const h = openDatabase(':memory:');
  runMigrations(h);
  const insert = h.sqlite.prepare(`insert into outbox (team_id, kind, dedupe_key, user_id, payload, status, next_attempt_at, created_at, updated_at)
    values (?, 'dm', ?, 'U1', '{}', 'pending', ?, 0, 0)`);
  h.sqlite.transaction(() => rows.forEach(([team, at], i) => insert.run(team, `k${i}`, at)))();
  return h;
}

describe('claimDue with paused workspaces', () => {
  it('claims the next due row of a workspace that is not paused', () => {
    const h = withRows([...Array.from({ length: 100 }, (_, i): [string, number] => ['TPAUSED', i]), ['TFREE', 200]]);
    expect(claimDue(h.db, new Date(1000), 1, lease).map((r) => r.teamId)).toEqual(['TPAUSED']);
    expect(claimDue(h.db, new Date(1000), 1, lease, undefined, ['TPAUSED']).map((r) => r.teamId)).toEqual(['TFREE']);
    h.close();
  });

  it('looks through a bounded number of due rows, not a whole paused wave', () => {
    const h = withRows([...Array.from({ length: 2000 }, (_, i): [string, number] => ['TPAUSED', i]), ['TFREE', 5000]]);
    expect(claimDue(h.db, new Date(10_000), 1, lease, undefined, ['TPAUSED'])).toEqual([]);
    h.close();
  });
});
