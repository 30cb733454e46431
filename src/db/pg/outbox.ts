/**
 * The outbox on PostgreSQL (same contract as ../queries/outbox.ts, which documents each query).
 * Claims lock the rows they take with FOR UPDATE SKIP LOCKED: two replicas claiming at once split
 * the due rows between them instead of waiting on (or taking) each other's.
 */
import { outbox } from '../pgSchema';
import { instantFromPostgres } from '../pgTypes';
import { UNVERIFIED, type OutboxRow } from '../queries/outbox';
import type { OutboxQueries } from '../store';
import { instant, maybeInstant, pgRowReader, statement, type On } from './conn';

const row = pgRowReader<OutboxRow>(outbox);
const ALL = row.columns();

/** Due rows a claim among given ids looks through for one of a workspace that is not left out (as on SQLite). */
const SKIP_SCAN_LIMIT = 500;

const RELEASED = 'claimed_by = null, lease_until = null, posting_since = null';
/** Parameters $1 (id) and $2 (claimant): the row is still held by the claimant. */
const HELD_BY = `id = $1 and status = 'sending' and claimed_by = $2`;

const S = {
  enqueue: statement(
    'outbox.enqueue',
    `insert into outbox (team_id, kind, dedupe_key, user_id, channel_id, handoff_id, local_date, payload, status, last_error, next_attempt_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) on conflict do nothing returning id`,
  ),
  // The inner select takes (and locks) the first due rows nobody else is claiming; the outer one
  // leaves out paused workspaces, like the SQLite statement, then the claim is returned in due order.
  claim: statement(
    'outbox.claim',
    `with claimed as (
       update outbox set status = 'sending', claimed_by = $1, lease_until = $2, posting_since = null, updated_at = $3
       where id in (
         select c.id from (
           select o.id, o.team_id, o.next_attempt_at from outbox o left join workspaces w on w.team_id = o.team_id
           where o.status = 'pending' and o.next_attempt_at <= $3 and coalesce(w.status, 'active') = 'active'
             and ($4::bigint[] is null or o.id = any($4::bigint[]))
           order by o.next_attempt_at, o.id limit $5
           for update of o skip locked
         ) c where not (c.team_id = any($6::text[]))
         order by c.next_attempt_at, c.id limit $7)
       returning *)
     select ${ALL} from claimed order by next_attempt_at, id`,
  ),
  // Leaving out workspaces ($4): each other workspace's first due row, found by index as on SQLite
  // (queries/outbox.ts fairClaimSql): the workspaces one seek at a time, then one seek (and lock) each.
  claimFair: statement(
    'outbox.claimFair',
    `with recursive teams(team_id) as (
       (select team_id from outbox where status = 'pending' order by team_id limit 1)
       union all
       select (select o.team_id from outbox o where o.status = 'pending' and o.team_id > teams.team_id order by o.team_id limit 1)
       from teams where teams.team_id is not null
     ),
     firsts as (
       select f.id, f.next_attempt_at from teams
       left join workspaces w on w.team_id = teams.team_id
       cross join lateral (
         select o.id, o.next_attempt_at from outbox o
         where o.status = 'pending' and o.team_id = teams.team_id and o.next_attempt_at <= $3
         order by o.next_attempt_at, o.id limit 1
         for update of o skip locked
       ) f
       where teams.team_id is not null and coalesce(w.status, 'active') = 'active' and not (teams.team_id = any($4::text[]))
       order by f.next_attempt_at, f.id limit $5
     ),
     claimed as (
       update outbox set status = 'sending', claimed_by = $1, lease_until = $2, posting_since = null, updated_at = $3
       where id in (select id from firsts)
       returning *)
     select ${ALL} from claimed order by next_attempt_at, id`,
  ),
  startPosting: statement('outbox.startPosting', `update outbox set lease_until = $3, posting_since = $4 where ${HELD_BY}`),
  renew: statement('outbox.renew', `update outbox set lease_until = $2 where status = 'sending' and claimed_by = $1`),
  markSent: statement(
    'outbox.markSent',
    `update outbox set status = 'sent', message_ts = $3, sent_at = $4, updated_at = $4, attempts = attempts + $5, last_error = null, ${RELEASED}
     where ${HELD_BY}`,
  ),
  markRetry: statement(
    'outbox.markRetry',
    `update outbox set status = 'pending', last_error = $3, next_attempt_at = $4, updated_at = $5, attempts = attempts + $6, ${RELEASED} where ${HELD_BY}`,
  ),
  markFinal: statement('outbox.markFinal', `update outbox set status = $3, last_error = $4, updated_at = $5, attempts = attempts + $6, ${RELEASED} where ${HELD_BY}`),
  release: statement('outbox.release', `update outbox set status = 'pending', ${RELEASED} where ${HELD_BY}`),
  // One statement for both cases of SQLite's two (every SET expression reads the row as it was).
  releaseAll: statement(
    'outbox.releaseAll',
    `update outbox set status = 'pending',
       last_error = case when posting_since is not null then $2 else last_error end,
       next_attempt_at = case when posting_since is not null then $3 else next_attempt_at end,
       updated_at = case when posting_since is not null then $3 else updated_at end,
       ${RELEASED}
     where status = 'sending' and claimed_by = $1`,
  ),
  setPayload: statement('outbox.setPayload', `update outbox set payload = $2, updated_at = $3 where id = $1`),
  setPosted: statement('outbox.setPosted', `update outbox set posted = $2 where id = $1`),
  postedAt: statement('outbox.postedAt', `select id, user_id as "userId", posted from outbox where team_id = $1 and message_ts = $2 and posted is not null limit 1`),
  replacePosted: statement('outbox.replacePosted', `update outbox set posted = $3 where id = $1 and posted = $2`),
  foreignClaims: statement(
    'outbox.foreignClaims',
    `select ${row.columns('', { only: ['id', 'claimedBy', 'leaseUntil', 'postingSince'] })} from outbox
     where status = 'sending' and (claimed_by is null or claimed_by <> $1) order by id`,
  ),
  takeOver: statement(
    'outbox.takeOver',
    `update outbox set status = 'pending', next_attempt_at = least(next_attempt_at, $4), updated_at = $4, last_error = coalesce($5::text, last_error), ${RELEASED}
     where id = $1 and status = 'sending' and claimed_by is not distinct from $2::text and lease_until is not distinct from $3::timestamptz`,
  ),
  get: statement('outbox.get', `select ${ALL} from outbox where id = $1`),
  digestRows: statement('outbox.digestRows', `select ${ALL} from outbox where team_id = $1 and kind = 'digest' and user_id = $2 and local_date = $3 order by id`),
  // Each part reads the (status, next_attempt_at) index, as on SQLite.
  backlog: statement(
    'outbox.backlog',
    `select d.n as due, d.oldest, (select count(*)::int from outbox where status = 'sending') as sending
     from (select count(*)::int as n, min(next_attempt_at) as oldest from outbox where status = 'pending' and next_attempt_at <= $1) d`,
  ),
  // The (status, next_attempt_at) index: one seek.
  nextDue: statement('outbox.nextDue', `select min(next_attempt_at) as at from outbox where status = 'pending' and next_attempt_at > $1`),
  deleteFinished: statement(
    'outbox.deleteFinished',
    `delete from outbox where id in (
       select id from outbox where status in ('sent', 'failed', 'skipped') and next_attempt_at < $1 and updated_at < $1 limit $2)`,
  ),
};

export const outboxQueries: On<OutboxQueries> = {
  async enqueue(c, r, now) {
    const t = now.getTime();
    const [inserted] = await c.rows<{ id: string }>(S.enqueue, [
      r.teamId,
      r.kind,
      r.dedupeKey,
      r.userId ?? null,
      r.channelId ?? null,
      r.handoffId ?? null,
      r.localDate ?? null,
      JSON.stringify(r.payload ?? {}),
      r.status ?? 'pending',
      r.lastError ?? null,
      instant((r.nextAttemptAt ?? now).getTime()),
      instant(t),
    ]);
    return inserted ? Number(inserted.id) : null;
  },

  async claimDue(c, now, limit, lease, onlyIds, skipTeams = []) {
    const t = instant(now.getTime());
    const ids = onlyIds && onlyIds.length > 0 ? onlyIds : null;
    if (!ids && skipTeams.length > 0) return (await c.rows(S.claimFair, [lease.claimant, instant(lease.until), t, skipTeams, limit])).map(row.read);
    const scan = skipTeams.length > 0 ? Math.max(limit, SKIP_SCAN_LIMIT) : limit;
    const rows = await c.rows(S.claim, [lease.claimant, instant(lease.until), t, ids, scan, skipTeams, limit]);
    return rows.map(row.read);
  },

  startPosting: async (c, id, lease, now) => (await c.changes(S.startPosting, [id, lease.claimant, instant(lease.until), instant(now.getTime())])) === 1,
  renewLeases: (c, lease) => c.changes(S.renew, [lease.claimant, instant(lease.until)]),
  markSent: async (c, id, claimant, messageTs, now) => (await c.changes(S.markSent, [id, claimant, messageTs, instant(now.getTime()), 1])) === 1,
  // Found in Slack: the attempt that posted it was counted when it was made.
  markFoundSent: async (c, id, claimant, messageTs, now) => (await c.changes(S.markSent, [id, claimant, messageTs, instant(now.getTime()), 0])) === 1,
  markRetry: async (c, id, claimant, error, nextAttemptAt, now, countAttempt = true) =>
    (await c.changes(S.markRetry, [id, claimant, error, instant(nextAttemptAt.getTime()), instant(now.getTime()), countAttempt ? 1 : 0])) === 1,
  markFinal: async (c, id, claimant, status, error, now, countAttempt = true) =>
    (await c.changes(S.markFinal, [id, claimant, status, error, instant(now.getTime()), countAttempt ? 1 : 0])) === 1,
  releaseClaim: async (c, id, claimant) => (await c.changes(S.release, [id, claimant])) === 1,
  releaseAll: (c, claimant, now) => c.changes(S.releaseAll, [claimant, `${UNVERIFIED}: outcome unknown at shutdown`, instant(now.getTime())]),

  async setPosted(c, id, posted) {
    await c.changes(S.setPosted, [id, posted]);
  },
  async postedMessageAt(c, teamId, messageTs) {
    const [r] = await c.rows<{ id: string | number; userId: string | null; posted: string }>(S.postedAt, [teamId, messageTs]);
    return r ? { id: Number(r.id), userId: r.userId, posted: r.posted } : undefined;
  },
  replacePosted: async (c, id, from, to) => (await c.changes(S.replacePosted, [id, from, to])) === 1,

  async setPayload(c, id, payload, now) {
    await c.changes(S.setPayload, [id, JSON.stringify(payload), instant(now.getTime())]);
  },

  foreignClaims: async (c, claimant) => (await c.rows(S.foreignClaims, [claimant])).map(row.read),

  async takeOver(c, claim, now) {
    const mayHavePosted = claim.claimedBy === null || claim.postingSince !== null;
    const error = mayHavePosted ? `${UNVERIFIED}: interrupted by a restart` : null;
    return (await c.changes(S.takeOver, [claim.id, claim.claimedBy, maybeInstant(claim.leaseUntil), instant(now.getTime()), error])) === 1;
  },

  getOutboxRow: async (c, id) => (await c.rows(S.get, [id])).map(row.read)[0],
  digestRowsFor: async (c, teamId, userId, localDate) => (await c.rows(S.digestRows, [teamId, userId, localDate])).map(row.read),

  async outboxBacklog(c, now) {
    const [r] = await c.rows<{ due: number; sending: number; oldest: Date | string | null }>(S.backlog, [instant(now.getTime())]);
    return { due: r?.due ?? 0, sending: r?.sending ?? 0, oldestDueAt: r?.oldest ? instantFromPostgres(r.oldest) : null };
  },

  deleteFinishedBefore: (c, before, limit) => c.changes(S.deleteFinished, [instant(before), limit]),

  async nextDueAfter(c, now) {
    const [r] = await c.rows<{ at: Date | string | null }>(S.nextDue, [instant(now.getTime())]);
    return r?.at ? instantFromPostgres(r.at) : null;
  },
};
