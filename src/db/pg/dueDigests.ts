/**
 * The digest sweep's statements on PostgreSQL (same contract as ../queries/dueDigests.ts). The due
 * slice is read FOR UPDATE SKIP LOCKED: inside the sweep's transaction it is that replica's until it
 * commits, and another replica sweeping at the same time takes the next people instead.
 */
import { users } from '../pgSchema';
import { DUE_KEYS, historyBefore, plannedAhead, type DigestRow, type DueUser } from '../queries/dueDigests';
import type { DueDigestQueries } from '../store';
import { instant, maybeInstant, pgRowReader, statement, type On } from './conn';

const user = pgRowReader<DueUser>(users);

const S = {
  // Ties broken by team and person, as on SQLite: users_next_digest_idx is in this order, so a slice
  // of a wave due at one instant is read off the index instead of the whole wave being sorted. The
  // horizon is a sub-select so the planner cannot estimate the due rows from statistics: statistics
  // taken before a wave's people were moved to its slot said "few due", and it sorted all 10,000 of
  // them for every slice (45–110 ms a slice); unknown, it takes the index in order (0.2 ms).
  due: statement(
    'dueDigests.due',
    `select ${user.columns('u', { only: DUE_KEYS })}
     from users u left join workspaces w on w.team_id = u.team_id
     where u.next_digest_at <= (select $1::timestamptz) and coalesce(w.status, 'active') = 'active'
     order by u.next_digest_at, u.team_id, u.user_id limit $2
     for update of u skip locked`,
  ),
  // A slice's rows in one statement, inserted in the order given (ids as SQLite's loop assigns them);
  // what it returns says which were new.
  enqueue: statement(
    'dueDigests.enqueue',
    `insert into outbox (team_id, kind, dedupe_key, user_id, local_date, payload, status, last_error, next_attempt_at, created_at, updated_at)
     select t.team_id, 'digest', t.dedupe_key, t.user_id, t.local_date, t.payload::jsonb, t.status, t.last_error, t.due_at, $1, $1
     from unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[], $9::timestamptz[]) with ordinality
       as t(team_id, dedupe_key, user_id, local_date, payload, status, last_error, due_at, n)
     order by t.n
     on conflict (team_id, dedupe_key) do nothing
     returning team_id, dedupe_key`,
  ),
  advance: statement(
    'dueDigests.advance',
    `update users u set next_digest_at = t.next_at, next_digest_local_date = t.next_date, last_digest_local_date = t.last,
       last_digest_at = coalesce(t.last_at, u.last_digest_at), updated_at = $1
     from unnest($2::text[], $3::text[], $4::timestamptz[], $5::date[], $6::date[], $7::timestamptz[]) as t(team_id, user_id, next_at, next_date, last, last_at)
     where u.team_id = t.team_id and u.user_id = t.user_id`,
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
  async enqueueDigests(c, rows, now) {
    if (rows.length === 0) return [];
    const col = <K extends keyof DigestRow>(k: K) => rows.map((r) => r[k]);
    const inserted = await c.rows<{ team_id: string; dedupe_key: string }>(S.enqueue, [
      instant(now),
      col('teamId'),
      col('dedupeKey'),
      col('userId'),
      col('localDate'),
      col('payload'),
      col('status'),
      col('lastError'),
      rows.map((r) => instant(r.dueAt)),
    ]);
    // A key given twice was inserted by its first row only, as on SQLite.
    const fresh = new Set(inserted.map((r) => `${r.team_id}\n${r.dedupe_key}`));
    return rows.map((r) => fresh.delete(`${r.teamId}\n${r.dedupeKey}`));
  },
  async advanceDigestSchedules(c, list, now) {
    if (list.length === 0) return;
    await c.changes(S.advance, [
      instant(now),
      list.map((a) => a.teamId),
      list.map((a) => a.userId),
      list.map((a) => instant(a.nextAt)),
      list.map((a) => a.nextDate),
      list.map((a) => a.last),
      list.map((a) => maybeInstant(a.lastAt)),
    ]);
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
