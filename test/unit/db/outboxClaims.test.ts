/**
 * claimDue leaving workspaces out (paused, or holding their share of the senders): another
 * workspace's due row is found however many of theirs come first, by index, never reading them.
 */
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { claimDue, fairClaimSql } from '../../../src/db/queries/outbox';

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

  it('finds the other workspace’s row behind a whole paused wave, by index seeks, never a scan of the outbox', () => {
    const h = withRows([...Array.from({ length: 2000 }, (_, i): [string, number] => ['TPAUSED', i]), ['TFREE', 5000]]);
    expect(claimDue(h.db, new Date(10_000), 1, lease, undefined, ['TPAUSED']).map((r) => r.teamId)).toEqual(['TFREE']);
    const plan = h.sqlite
      .prepare(`explain query plan ${fairClaimSql}`)
      .all({ claimant: 'me', until: 1, now: 1, skip: '["TPAUSED"]', limit: 1 })
      .map((r) => (r as { detail: string }).detail);
    const outboxSteps = plan.filter((step) => / outbox | o /.test(` ${step} `));
    expect(outboxSteps.length).toBeGreaterThan(0);
    for (const step of outboxSteps) expect(step).toMatch(/^SEARCH (outbox|o) USING (COVERING INDEX outbox_team_due_idx|INTEGER PRIMARY KEY)/);
    h.close();
  });
});
