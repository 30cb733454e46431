/**
 * The delivery outbox. Life of a row: pending → sending → sent | failed | skipped, with `attempts`
 * (Slack calls that failed or succeeded; 429s and restarts do not count) and `next_attempt_at`.
 * A row whose earlier attempt may have reached Slack carries an `unverified…` last_error: the
 * dispatcher looks for it in Slack before sending again.
 *
 * Several processes may drain one outbox (during a rolling deploy both the old and the new one do),
 * so a claim ('sending') is a lease: `claimed_by` + `lease_until`. Only the holder may finish or
 * hand back its row; others take a claim over only when its lease has expired or its holder is gone
 * (delivery/outbox.ts decides which), never merely because they just started.
 */
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { prepared, rowReader, sqliteOf } from '../prepared';
import { outbox } from '../schema';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxKind = OutboxRow['kind'];

export interface NewOutboxRow {
  teamId: string;
  kind: OutboxKind;
  dedupeKey: string;
  userId?: string | null;
  channelId?: string | null;
  handoffId?: number | null;
  localDate?: string | null;
  payload?: Record<string, unknown>;
  status?: 'pending' | 'skipped';
  nextAttemptAt?: Date;
  lastError?: string | null;
}

/** last_error prefix of rows that may already be in Slack: check before sending again. */
export const UNVERIFIED = 'unverified';

export const isUnverified = (row: Pick<OutboxRow, 'lastError'>): boolean => row.lastError?.startsWith(UNVERIFIED) ?? false;

const outboxRow = rowReader(outbox);
/** `returning` list of a claim: every column, named as drizzle names it. */
const RETURNING = `returning ${outboxRow.columns()}`;

/** Due rows a claim among given ids looks through for one of a workspace that is not left out. */
const SKIP_SCAN_LIMIT = 500;

/** Clears a claim (every write below that ends or hands back one). */
const RELEASE = 'claimed_by = null, lease_until = null, posting_since = null';
const RELEASED = { claimedBy: null, leaseUntil: null, postingSince: null } as const;
/** Every write below that ends or changes a claim applies only while `claimant` still holds the row. */
const HELD_BY = `id = @id and status = 'sending' and claimed_by = @claimant`;

/**
 * A claim of due rows, optionally only among `ids` and never of `skipTeams` (both JSON arrays).
 * Rows of workspaces that uninstalled the app or revoked its token stay pending.
 */
const claimSql = (onlyIds: boolean, skipTeams: boolean) => `
    update outbox set status = 'sending', claimed_by = @claimant, lease_until = @until, posting_since = null, updated_at = @now
    where id in (
      select c.id from (
        select o.id, o.team_id, o.next_attempt_at from outbox o left join workspaces w on w.team_id = o.team_id
        where o.status = 'pending' and o.next_attempt_at <= @now and coalesce(w.status, 'active') = 'active'
          ${onlyIds ? 'and o.id in (select value from json_each(@ids))' : ''}
        order by o.next_attempt_at, o.id limit +@scan
      ) c ${skipTeams ? 'where c.team_id not in (select value from json_each(@skip))' : ''}
      order by c.next_attempt_at, c.id limit +@limit
    )
    ${RETURNING}`;

/**
 * A claim of due rows that leaves out `skip`'s workspaces (JSON array): the first due row of each other
 * workspace, earliest first. Its workspaces are listed off outbox_team_due_idx one seek at a time
 * (the next team id after the last), and each one's first due row is one more seek: a wave of 10,000
 * rows of a skipped workspace is never read through, wherever the others' rows are in due order.
 */
export const fairClaimSql = `
    with recursive teams(team_id) as (
      select min(team_id) from outbox where status = 'pending'
      union all
      select (select min(o.team_id) from outbox o where o.status = 'pending' and o.team_id > teams.team_id) from teams where teams.team_id is not null
    ),
    firsts(id) as (
      select (select o.id from outbox o where o.status = 'pending' and o.team_id = teams.team_id and o.next_attempt_at <= @now
              order by o.next_attempt_at, o.id limit 1)
      from teams left join workspaces w on w.team_id = teams.team_id
      where teams.team_id is not null and coalesce(w.status, 'active') = 'active'
        and teams.team_id not in (select value from json_each(@skip))
    )
    update outbox set status = 'sending', claimed_by = @claimant, lease_until = @until, posting_since = null, updated_at = @now
    where id in (select o.id from firsts f join outbox o on o.id = f.id order by o.next_attempt_at, o.id limit +@limit)
    ${RETURNING}`;

type Params = Record<string, unknown>;

/**
 * The outbox statements of every request and every delivery, prepared once per connection (see
 * prepared.ts): a click that kicks the dispatcher, a create that sends its DMs now.
 */
const statements = (s: Database.Database) => ({
  enqueue: s.prepare<Params, { id: number }>(`
    insert into outbox (team_id, kind, dedupe_key, user_id, channel_id, handoff_id, local_date, payload, status, last_error,
      next_attempt_at, created_at, updated_at)
    values (@teamId, @kind, @dedupeKey, @userId, @channelId, @handoffId, @localDate, @payload, @status, @lastError, @nextAttemptAt, @now, @now)
    on conflict do nothing returning id`),
  claim: s.prepare<Params, Record<string, unknown>>(claimSql(false, false)),
  claimIds: s.prepare<Params, Record<string, unknown>>(claimSql(true, false)),
  claimSkipping: s.prepare<Params, Record<string, unknown>>(fairClaimSql),
  claimIdsSkipping: s.prepare<Params, Record<string, unknown>>(claimSql(true, true)),
  startPosting: s.prepare<Params>(`update outbox set lease_until = @until, posting_since = @now where ${HELD_BY}`),
  renewLeases: s.prepare<Params>(`update outbox set lease_until = @until where status = 'sending' and claimed_by = @claimant`),
  markSent: s.prepare<Params>(`update outbox set status = 'sent', message_ts = @messageTs, sent_at = @now, updated_at = @now,
    attempts = attempts + @counted, last_error = null, ${RELEASE} where ${HELD_BY}`),
  markRetry: s.prepare<Params>(`update outbox set status = 'pending', last_error = @error, next_attempt_at = @nextAttemptAt, updated_at = @now,
    attempts = attempts + @counted, ${RELEASE} where ${HELD_BY}`),
  markFinal: s.prepare<Params>(`update outbox set status = @status, last_error = @error, updated_at = @now,
    attempts = attempts + @counted, ${RELEASE} where ${HELD_BY}`),
  release: s.prepare<Params>(`update outbox set status = 'pending', ${RELEASE} where ${HELD_BY}`),
  setPayload: s.prepare<Params>(`update outbox set payload = @payload, updated_at = @now where id = @id`),
  setPosted: s.prepare<[string, number]>(`update outbox set posted = ? where id = ?`),
  postedAt: s.prepare<[string, string], PostedRow>(`select id, user_id as userId, posted from outbox where team_id = ? and message_ts = ? and posted is not null limit 1`),
  replacePosted: s.prepare<[string, number, string]>(`update outbox set posted = ? where id = ? and posted = ?`),
  foreignClaims: s.prepare<[string], ForeignClaim>(`
    select id, claimed_by as claimedBy, lease_until as leaseUntil, posting_since as postingSince from outbox
    where status = 'sending' and (claimed_by is null or claimed_by <> ?)`),
  byId: s.prepare<[number], Record<string, unknown>>(`select ${outboxRow.columns()} from outbox where id = ?`),
});

/** Inserts unless a row with the same (team, dedupe key) exists; returns the new id or null. */
export function enqueue(db: Db, r: NewOutboxRow, now: Date): number | null {
  const inserted = prepared(db, statements).enqueue.get({
    teamId: r.teamId,
    kind: r.kind,
    dedupeKey: r.dedupeKey,
    userId: r.userId ?? null,
    channelId: r.channelId ?? null,
    handoffId: r.handoffId ?? null,
    localDate: r.localDate ?? null,
    payload: JSON.stringify(r.payload ?? {}),
    status: r.status ?? 'pending',
    lastError: r.lastError ?? null,
    nextAttemptAt: (r.nextAttemptAt ?? now).getTime(),
    now: now.getTime(),
  });
  return inserted?.id ?? null;
}

/** Who holds a claim and until when (epoch ms on the app clock). */
export interface Lease {
  claimant: string;
  until: number;
}

/**
 * Moves up to `limit` due rows to 'sending' under `lease`, in one statement (so two processes never
 * claim the same row), and returns them; none of `skipTeams`, and then (without `onlyIds`) at most one
 * of each other workspace, its first due one, earliest first. Rows of workspaces that uninstalled the
 * app or revoked its token stay pending: their data is kept, nothing is sent.
 */
export function claimDue(db: Db, now: Date, limit: number, lease: Lease, onlyIds?: number[], skipTeams: string[] = []): OutboxRow[] {
  const q = prepared(db, statements);
  const ids = onlyIds !== undefined && onlyIds.length > 0;
  // Workspaces left out (paused by a Retry-After, or holding their share of the senders) hold no
  // more senders. Among given ids only the next SKIP_SCAN_LIMIT due rows are looked through for
  // another workspace's; otherwise each other workspace's first due row is found by index (see
  // fairClaimSql): behind a skipped wave of 50,000, a scan per claim would hold the loop for tens of ms.
  const skipping = skipTeams.length > 0;
  const statement = ids ? (skipping ? q.claimIdsSkipping : q.claimIds) : skipping ? q.claimSkipping : q.claim;
  const params: Params = { claimant: lease.claimant, until: lease.until, now: now.getTime(), limit, scan: skipping ? Math.max(limit, SKIP_SCAN_LIMIT) : limit };
  if (ids) params.ids = JSON.stringify(onlyIds);
  if (skipping) params.skip = JSON.stringify(skipTeams);
  return statement.all(params).map(outboxRow.read);
}

/**
 * Right before the Slack call that posts a row: renews the holder's lease and records that a post
 * may now reach Slack. False when the claimant no longer holds the row (it was taken over).
 */
export function startPosting(db: Db, id: number, lease: Lease, now: Date): boolean {
  return prepared(db, statements).startPosting.run({ id, claimant: lease.claimant, until: lease.until, now: now.getTime() }).changes === 1;
}

/** Extends every lease `lease.claimant` holds; returns how many. */
export function renewLeases(db: Db, lease: Lease): number {
  return prepared(db, statements).renewLeases.run({ claimant: lease.claimant, until: lease.until }).changes;
}

/** Returns false (and changes nothing) when `claimant` no longer holds the row. */
export function markSent(db: Db, id: number, claimant: string, messageTs: string | null, now: Date): boolean {
  return prepared(db, statements).markSent.run({ id, claimant, messageTs, now: now.getTime(), counted: 1 }).changes === 1;
}

/** Found in Slack after an interrupted attempt: sent, and that attempt was already counted. */
export function markFoundSent(db: Db, id: number, claimant: string, messageTs: string, now: Date): boolean {
  return prepared(db, statements).markSent.run({ id, claimant, messageTs, now: now.getTime(), counted: 0 }).changes === 1;
}

export function markRetry(db: Db, id: number, claimant: string, error: string | null, nextAttemptAt: Date, now: Date, countAttempt = true): boolean {
  const params = { id, claimant, error, nextAttemptAt: nextAttemptAt.getTime(), now: now.getTime(), counted: countAttempt ? 1 : 0 };
  return prepared(db, statements).markRetry.run(params).changes === 1;
}

export function markFinal(db: Db, id: number, claimant: string, status: 'failed' | 'skipped', error: string | null, now: Date, countAttempt = true): boolean {
  const params = { id, claimant, status, error, now: now.getTime(), counted: countAttempt ? 1 : 0 };
  return prepared(db, statements).markFinal.run(params).changes === 1;
}

/** Hands a claimed row back untouched (the dispatcher stopped before posting it). */
export function releaseClaim(db: Db, id: number, claimant: string): boolean {
  return prepared(db, statements).release.run({ id, claimant }).changes === 1;
}

/**
 * Hands back every row `claimant` still holds (at stop, once its own sends have settled): untouched
 * if it never started posting, unverified if it did and the outcome was never recorded.
 */
export function releaseAll(db: Db, claimant: string, now: Date): number {
  const t = now.getTime();
  const mine = and(eq(outbox.status, 'sending'), eq(outbox.claimedBy, claimant));
  return db.transaction((tx) => {
    const posted = tx
      .update(outbox)
      .set({ status: 'pending', lastError: `${UNVERIFIED}: outcome unknown at shutdown`, nextAttemptAt: t, updatedAt: t, ...RELEASED })
      .where(and(mine, isNotNull(outbox.postingSince)))
      .run().changes;
    return (
      posted +
      tx
        .update(outbox)
        .set({ status: 'pending', ...RELEASED })
        .where(mine)
        .run().changes
    );
  });
}

/** Replaces a row's payload (e.g. what a digest is about to tell, written before it is posted). */
/** A message Handoff posted, as kept with its row (`posted`: see schema.ts). */
export interface PostedRow {
  id: number;
  userId: string | null;
  posted: string;
}

/** Keeps what a sent row posted (in the transaction that marks it sent). */
export function setPosted(db: Db, id: number, posted: string): void {
  prepared(db, statements).setPosted.run(posted, id);
}

/** The row that posted message `messageTs` in workspace `teamId`, if what it posted was kept. */
export function postedMessageAt(db: Db, teamId: string, messageTs: string): PostedRow | undefined {
  return prepared(db, statements).postedAt.get(teamId, messageTs);
}

/** Replaces a row's posted message only while it is still `from` (compare-and-set: concurrent refreshes of one message). */
export function replacePosted(db: Db, id: number, from: string, to: string): boolean {
  return prepared(db, statements).replacePosted.run(to, id, from).changes === 1;
}

export function setPayload(db: Db, id: number, payload: Record<string, unknown>, now: Date): void {
  prepared(db, statements).setPayload.run({ id, payload: JSON.stringify(payload), now: now.getTime() });
}

export type ForeignClaim = Pick<OutboxRow, 'id' | 'claimedBy' | 'leaseUntil' | 'postingSince'>;

/** 'sending' rows held by anyone but `claimant` (other processes, or nobody: a crash before leases). */
export function foreignClaims(db: Db, claimant: string): ForeignClaim[] {
  return prepared(db, statements).foreignClaims.all(claimant);
}

/**
 * Takes over a claim its holder can no longer act on (lease expired, or the holder is gone): back to
 * pending, due now — in its old place in the queue (its due time, if that is earlier), so a digest a
 * replica died with goes out in its turn, not after the rest of the wave. Only if the claim is still
 * exactly as observed — a holder that renewed or finished in the meantime keeps its row. A claim whose
 * holder may have started posting (or that predates leases, so nobody knows) becomes unverified: it is
 * looked up in Slack before any re-send.
 */
export function takeOver(db: Db, claim: ForeignClaim, now: Date): boolean {
  const t = now.getTime();
  const mayHavePosted = claim.claimedBy === null || claim.postingSince !== null;
  const same = and(
    eq(outbox.id, claim.id),
    eq(outbox.status, 'sending'),
    claim.claimedBy === null ? isNull(outbox.claimedBy) : eq(outbox.claimedBy, claim.claimedBy),
    claim.leaseUntil === null ? isNull(outbox.leaseUntil) : eq(outbox.leaseUntil, claim.leaseUntil),
  );
  return (
    db
      .update(outbox)
      .set({
        status: 'pending',
        nextAttemptAt: sql`min(${outbox.nextAttemptAt}, ${t})`,
        updatedAt: t,
        ...RELEASED,
        ...(mayHavePosted ? { lastError: `${UNVERIFIED}: interrupted by a restart` } : {}),
      })
      .where(same)
      .run().changes === 1
  );
}

export function getOutboxRow(db: Db, id: number): OutboxRow | undefined {
  const raw = prepared(db, statements).byId.get(id);
  return raw ? outboxRow.read(raw) : undefined;
}

/** A person's digest rows for one local date (the first, and a travel repeat if any). */
export function digestRowsFor(db: Db, teamId: string, userId: string, localDate: string): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.teamId, teamId), eq(outbox.kind, 'digest'), eq(outbox.userId, userId), eq(outbox.localDate, localDate)))
    .orderBy(outbox.id)
    .all();
}

/** What waits to be sent now (for /metrics): rows due, rows being sent, and the oldest due instant. */
export function outboxBacklog(db: Db, now: Date): { due: number; sending: number; oldestDueAt: number | null } {
  // Both read the (status, next_attempt_at) index: cheap at any outbox size.
  const due = db
    .select({ n: sql<number>`count(*)`, oldest: sql<number | null>`min(${outbox.nextAttemptAt})` })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now.getTime())))
    .get();
  const sending = db.select({ n: sql<number>`count(*)` }).from(outbox).where(eq(outbox.status, 'sending')).get();
  return { due: due?.n ?? 0, sending: sending?.n ?? 0, oldestDueAt: due?.oldest ?? null };
}

const retentionStatements = (s: Database.Database) => ({
  // next_attempt_at ≤ updated_at for every finished row, so its bound only lets outbox_due_idx
  // narrow the scan to old rows; updated_at decides.
  deleteFinished: s.prepare<{ before: number; limit: number }>(`
    delete from outbox where id in (
      select id from outbox where status in ('sent', 'failed', 'skipped') and next_attempt_at < @before and updated_at < @before
      limit +@limit)`),
});

/**
 * Deletes up to `limit` finished rows (sent, failed, skipped) last changed before `before` (epoch
 * ms), in one short transaction; returns how many. Pending and sending rows are never touched.
 */
export function deleteFinishedBefore(db: Db, before: number, limit: number): number {
  const q = prepared(db, retentionStatements);
  return sqliteOf(db)
    .transaction(() => q.deleteFinished.run({ before, limit }).changes)
    .immediate();
}

const dueStatements = (s: Database.Database) => ({
  // The (status, next_attempt_at) index: one seek.
  nextDue: s.prepare<[number], { at: number | null }>(`select min(next_attempt_at) as at from outbox where status = 'pending' and next_attempt_at > ?`),
});

/** When the next pending row that is not due yet becomes due (epoch ms), e.g. a wave planned ahead of its slot; null if none. */
export function nextDueAfter(db: Db, now: Date): number | null {
  return prepared(db, dueStatements).nextDue.get(now.getTime())?.at ?? null;
}
