/**
 * The digest sweep's statements on PostgreSQL (same contract as ../queries/dueDigests.ts). The due
 * slice is read FOR UPDATE SKIP LOCKED: inside the sweep's transaction it is that replica's until it
 * commits, and another replica sweeping at the same time takes the next people instead.
 */
import { users } from '../pgSchema';
import { DUE_KEYS, historyBefore, plannedAhead, type DueUser } from '../queries/dueDigests';
import type { DueDigestQueries } from '../store';
import { instant, maybeInstant, pgRowReader, statement, type On } from './conn';

const user = pgRowReader<DueUser>(users);

const S = {
  // Ties broken by the primary key, where SQLite left them to its index order.
  due: statement(
    'dueDigests.due',
    `select ${user.columns('u', { only: DUE_KEYS })}
     from users u left join workspaces w on w.team_id = u.team_id
     where u.next_digest_at <= $1 and coalesce(w.status, 'active') = 'active'
     order by u.next_digest_at, u.team_id, u.user_id limit $2
     for update of u skip locked`,
  ),
  enqueue: statement(
    'dueDigests.enqueue',
    `insert into outbox (team_id, kind, dedupe_key, user_id, local_date, payload, status, last_error, next_attempt_at, created_at, updated_at)
     values ($1, 'digest', $2, $3, $4, $5, $6, $7, $8, $9, $9)
     on conflict (team_id, dedupe_key) do nothing`,
  ),
  advance: statement(
    'dueDigests.advance',
    `update users set next_digest_at = $3, next_digest_local_date = $4, last_digest_local_date = $5,
       last_digest_at = coalesce($6::timestamptz, last_digest_at), updated_at = $7
     where team_id = $1 and user_id = $2`,
  ),
  retryAt: statement('dueDigests.retryAt', `update users set next_digest_at = $3, updated_at = $4 where team_id = $1 and user_id = $2`),
  plannedAhead: statement(
    'dueDigests.plannedAhead',
    `select id, payload::text as payload from outbox
     where team_id = $1 and dedupe_key in ($2, $3) and kind = 'digest' and status = 'pending' and next_attempt_at > $4`,
  ),
  unplan: statement('dueDigests.unplan', `delete from outbox where id = $1 and status = 'pending'`),
  restore: statement(
    'dueDigests.restore',
    `update users set next_digest_at = $3, next_digest_local_date = $4, last_digest_local_date = $5, last_digest_at = $6, updated_at = $7
     where team_id = $1 and user_id = $2`,
  ),
};

export const dueDigestQueries: On<DueDigestQueries> = {
  dueForDigest: async (c, now, limit) => (await c.rows(S.due, [instant(now), limit])).map(user.read),
  enqueueDigest: async (c, r, now) =>
    (await c.changes(S.enqueue, [r.teamId, r.dedupeKey, r.userId, r.localDate, r.payload, r.status, r.lastError, instant(r.dueAt), instant(now)])) > 0,
  async advanceDigestSchedule(c, a, now) {
    await c.changes(S.advance, [a.teamId, a.userId, instant(a.nextAt), a.nextDate, a.last, maybeInstant(a.lastAt), instant(now)]);
  },
  async retryDigestAt(c, teamId, userId, nextAt, now) {
    await c.changes(S.retryAt, [teamId, userId, instant(nextAt), instant(now)]);
  },
  // As on SQLite (see ../queries/dueDigests.ts): run inside the caller's transaction.
  async unplanDigest(c, p, now) {
    const planned = plannedAhead(p, now);
    if (!planned) return false;
    const [row] = await c.rows<{ id: string; payload: string }>(S.plannedAhead, [p.teamId, ...planned.keys, instant(now)]);
    const before = row ? historyBefore(row.payload) : null;
    if (!row || !before) return false;
    await c.changes(S.unplan, [row.id]);
    await c.changes(S.restore, [p.teamId, p.userId, instant(planned.at), planned.localDate, before.last, maybeInstant(before.lastAt), instant(now)]);
    return true;
  },
};
