import type Database from 'better-sqlite3';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { handoffEvents, handoffRecipients, handoffs } from '../schema';
import { prepared, rowReader, updateWhere } from '../prepared';
import { allocateHandoffNumber, ensureWorkspace } from './workspaces';
import type { HandoffDraft } from '../../domain/handoffDraft';
import { isClosed, type Decision, type HandoffState } from '../../domain/handoffLifecycle';
import { createdDetail, decisionDetail } from '../../domain/eventDetail';

export type HandoffRow = typeof handoffs.$inferSelect;
export type RecipientRow = typeof handoffRecipients.$inferSelect;

export interface HandoffWithRecipients extends HandoffRow {
  recipients: RecipientRow[];
}

export const activeRecipientIds = (h: HandoffWithRecipients): string[] => h.recipients.filter((r) => r.active).map((r) => r.userId);

const handoff = rowReader(handoffs);
const recipient = rowReader(handoffRecipients);
const H = handoff.columns('h');

/**
 * The statements every request and delivery runs, prepared once per connection. Lists take a JSON
 * array of ids (`json_each`) so one statement serves any number of handoffs.
 */
const statements = (s: Database.Database) => ({
  byId: s.prepare<[string, number], Record<string, unknown>>(`select ${handoff.columns()} from handoffs where team_id = ? and id = ?`),
  recipientsOf: s.prepare<[number], Record<string, unknown>>(`select ${recipient.columns()} from handoff_recipients where handoff_id = ? order by position, added_at`),
  recipientsOfMany: s.prepare<[string], Record<string, unknown>>(
    `select ${recipient.columns()} from handoff_recipients where handoff_id in (select value from json_each(?)) order by handoff_id, position, added_at`,
  ),
  idByKey: s.prepare<[string, string], { id: number }>(`select id from handoffs where team_id = ? and idempotency_key = ?`),
  idByNumber: s.prepare<[string, number], { id: number }>(`select id from handoffs where team_id = ? and number = ?`),
  teamOf: s.prepare<[number], { teamId: string }>(`select team_id as teamId from handoffs where id = ?`),
  siblingIdsByNumber: s.prepare<[string, string, string, number], { id: number }>(
    `select distinct h.id from handoff_recipients r join handoffs h on h.id = r.handoff_id
     where r.recipient_team_id = ? and r.user_id = ? and r.active = 1 and h.team_id <> ? and h.number = ? order by h.id`,
  ),
  sameAsk: s.prepare<[string, string, string, number], { id: number }>(
    `select id from handoffs where team_id = ? and author_id = ? and ask = ? and created_at > ? order by id desc limit 5`,
  ),
  createdSince: s.prepare<[string, string, number], { n: number }>(`select count(*) as n from handoffs where team_id = ? and author_id = ? and created_at > ?`),
  // Both inserts return the rows they wrote (defaults included): the new handoff is not read back.
  insert: s.prepare<
    Record<string, unknown>,
    Record<string, unknown>
  >(`insert into handoffs (team_id, number, author_id, title, context, ask, links, if_offline, needed_by_at, urgent,
      channel_id, source_permalink, idempotency_key, created_at, updated_at)
    values (@teamId, @number, @authorId, @title, @context, @ask, @links, @ifOffline, @neededByAt, @urgent,
      @channelId, @sourcePermalink, @idempotencyKey, @now, @now)
    returning ${handoff.columns()}`),
  insertRecipient: s.prepare<Record<string, unknown>, Record<string, unknown>>(
    `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, added_at, position, handoff_created_at) values (@handoffId, @teamId, @userId, @recipientTeamId, @now, @position, @now) returning ${recipient.columns()}`,
  ),
  insertEvent: s.prepare(`insert into handoff_events (team_id, handoff_id, actor_id, kind, from_state, to_state, note, detail, at)
    values (@teamId, @handoffId, @actorId, @kind, @fromState, @toState, @note, @detail, @at)`),
  // Both read recipients_waiting_idx in order, through the copies of the handoff's state and age.
  waitingOn: s.prepare<[string, string, number], Record<string, unknown>>(`
    select ${H} from handoff_recipients r join handoffs h on h.id = r.handoff_id
    where r.recipient_team_id = ? and r.user_id = ? and r.active = 1 and r.handoff_open = 1
    order by r.handoff_created_at, r.handoff_id limit +?`),
  countWaitingOn: s.prepare<[string, string], { n: number }>(`
    select count(*) as n from handoff_recipients where recipient_team_id = ? and user_id = ? and active = 1 and handoff_open = 1`),
  authoredOpen: s.prepare<[string, string, number], Record<string, unknown>>(`
    select ${H} from handoffs h where h.team_id = ? and h.author_id = ? and h.state in ('open', 'acknowledged')
    order by h.created_at, h.id limit +?`),
  countAuthoredOpen: s.prepare<[string, string], { n: number }>(`select count(*) as n from handoffs where team_id = ? and author_id = ? and state in ('open', 'acknowledged')`),
  recentlyResolved: s.prepare<[string, string, number, number], Record<string, unknown>>(`
    select ${H} from handoffs h where h.team_id = ? and h.author_id = ? and h.state in ('done', 'declined') and h.resolved_at > ?
    order by h.resolved_at desc limit +?`),
  authorNotified: s.prepare<[number, string, string]>(
    `update handoffs set author_notified_at = ? where team_id = ? and id in (select value from json_each(?)) and author_notified_at is null`,
  ),
  applyState: s.prepare<Record<string, unknown>>(`
    update handoffs set state = @next, updated_at = @t,
      resolution_note = case @mode when 'resolve' then @note when 'reopen' then null else resolution_note end,
      resolved_by = case @mode when 'resolve' then @actorId when 'reopen' then null else resolved_by end,
      resolved_at = case @mode when 'resolve' then @t when 'reopen' then null else resolved_at end,
      author_notified_at = case @mode when 'reopen' then null else author_notified_at end
    where team_id = @teamId and id = @handoffId and state = @expected`),
  activeAmong: s.prepare<[number, string], { n: number }>(
    `select count(*) as n from handoff_recipients where handoff_id = ? and active = 1 and user_id in (select value from json_each(?))`,
  ),
  // The copy of the state every recipient row keeps (see the schema): written with the state itself.
  recipientsOpen: s.prepare<[number, number]>(`update handoff_recipients set handoff_open = ? where handoff_id = ?`),
  deactivateRecipients: s.prepare<[number, string]>(`update handoff_recipients set active = 0 where handoff_id = ? and user_id in (select value from json_each(?))`),
  // Someone added later is named after the people already on it.
  addRecipient: s.prepare<Record<string, unknown>>(`
    insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, added_at, position, handoff_open, handoff_created_at)
    select @handoffId, @teamId, @userId, @recipientTeamId, @t, (select coalesce(max(position), -1) + 1 from handoff_recipients where handoff_id = @handoffId),
      h.state in ('open', 'acknowledged'), h.created_at
    from handoffs h where h.id = @handoffId
    on conflict (handoff_id, user_id) do update set active = 1, recipient_team_id = @recipientTeamId, added_at = @t, notified_at = null, snoozed_until_date = null,
      stale_offered_at = null, nudged_on = null,
      position = (select coalesce(max(position), -1) + 1 from handoff_recipients where handoff_id = @handoffId)`),
  recipientNotified: s.prepare<[number, number, string]>(`update handoff_recipients set notified_at = ? where handoff_id = ? and user_id = ? and notified_at is null`),
  staleOffered: s.prepare<[number, number, string]>(`update handoff_recipients set stale_offered_at = ? where handoff_id = ? and user_id = ? and stale_offered_at is null`),
  // Check and set in one statement: two clicks (or two replicas) cannot both nudge for one day.
  nudge: s.prepare<[string, number, string, string]>(
    `update handoff_recipients set nudged_on = ? where handoff_id = ? and user_id = ? and active = 1 and (nudged_on is null or nudged_on < ?)`,
  ),
});

/** Handoff rows with their recipients, in the order given. */
function withRecipients(db: Db, raws: Record<string, unknown>[]): HandoffWithRecipients[] {
  if (raws.length === 0) return [];
  const rows = raws.map(handoff.read);
  const byHandoff = new Map<number, RecipientRow[]>();
  for (const raw of prepared(db, statements).recipientsOfMany.all(JSON.stringify(rows.map((r) => r.id)))) {
    const r = recipient.read(raw);
    const list = byHandoff.get(r.handoffId);
    if (list) list.push(r);
    else byHandoff.set(r.handoffId, [r]);
  }
  return rows.map((r) => ({ ...r, recipients: byHandoff.get(r.id) ?? [] }));
}

export interface CreateOptions {
  /** A second creation with the same key (a double-clicked submit, a replayed command) is the first. */
  idempotencyKey: string | null;
  sourcePermalink: string | null;
  /** The same ask to the same people by the same author created after this instant is taken as this one. */
  repeatSince?: Date;
  /** Refuse when the author already created `max` handoffs after `since`. */
  authorLimit?: { max: number; since: Date };
  /** Recipients whose notification waits for their working hours (recorded in the event's detail). */
  heldFor?: readonly string[];
  /** Each recipient's own workspace when it is not the handoff's (an Enterprise Grid sibling). */
  recipientTeams?: RecipientTeams;
}

/** Recipient id → their own workspace, for those not of the handoff's workspace. */
export type RecipientTeams = Readonly<Record<string, string>>;

export type CreateResult =
  | { status: 'created'; handoff: HandoffWithRecipients }
  /** The idempotency key matched an earlier creation. */
  | { status: 'duplicate'; handoff: HandoffWithRecipients }
  /** The same ask was created moments ago (`repeatSince`). */
  | { status: 'repeated'; handoff: HandoffWithRecipients }
  | { status: 'author_limit'; recent: number };

/**
 * Creates the handoff, its recipients and its first event — and decides, in the same transaction,
 * whether it is a duplicate or over the author's limit. Call it inside the caller's transaction
 * (IMMEDIATE, so write-locked, like every transaction here): two identical requests racing each
 * other, in one process or two, cannot both pass a check made before either wrote, and the caller
 * enqueues its notifications atomically with the handoff.
 */
export function createHandoff(tx: Db, teamId: string, draft: HandoffDraft, now: Date, opts: CreateOptions): CreateResult {
  const q = prepared(tx, statements);
  if (opts.idempotencyKey) {
    const existing = q.idByKey.get(teamId, opts.idempotencyKey);
    if (existing) return { status: 'duplicate', handoff: loadHandoff(tx, teamId, existing.id)! };
  }
  if (opts.repeatSince) {
    const repeated = findRepeatedAsk(tx, teamId, draft.authorId, draft.ask, draft.recipientIds, opts.repeatSince);
    if (repeated) return { status: 'repeated', handoff: repeated };
  }
  if (opts.authorLimit) {
    const recent = countCreatedSince(tx, teamId, draft.authorId, opts.authorLimit.since);
    if (recent >= opts.authorLimit.max) return { status: 'author_limit', recent };
  }
  ensureWorkspace(tx, teamId, now);
  const t = now.getTime();
  const created = handoff.read(
    q.insert.get({
      teamId,
      number: allocateHandoffNumber(tx, teamId),
      authorId: draft.authorId,
      title: draft.title,
      context: draft.context,
      ask: draft.ask,
      links: draft.links,
      ifOffline: draft.ifOffline,
      neededByAt: draft.neededByAt?.getTime() ?? null,
      urgent: draft.urgent ? 1 : 0,
      channelId: draft.channelId,
      sourcePermalink: opts.sourcePermalink,
      idempotencyKey: opts.idempotencyKey,
      now: t,
    })!,
  );
  const id = created.id;
  // In position order, as loadHandoff lists them.
  const recipients = draft.recipientIds.map((userId, position) =>
    recipient.read(q.insertRecipient.get({ handoffId: id, teamId, userId, recipientTeamId: opts.recipientTeams?.[userId] ?? teamId, now: t, position })!),
  );
  q.insertEvent.run({
    teamId,
    handoffId: id,
    actorId: draft.authorId,
    kind: 'created',
    fromState: null,
    toState: 'open',
    note: null,
    detail: createdDetail(draft.recipientIds, draft.urgent, opts.heldFor),
    at: t,
  });
  return { status: 'created', handoff: { ...created, recipients } };
}

/** How many handoffs `authorId` created after `since`. */
export function countCreatedSince(db: Db, teamId: string, authorId: string, since: Date): number {
  return prepared(db, statements).createdSince.get(teamId, authorId, since.getTime())?.n ?? 0;
}

export function loadHandoff(db: Db, teamId: string, id: number): HandoffWithRecipients | undefined {
  const q = prepared(db, statements);
  const raw = q.byId.get(teamId, id);
  if (!raw) return undefined;
  return { ...handoff.read(raw), recipients: q.recipientsOf.all(id).map(recipient.read) };
}

/**
 * The same ask to the same people by the same author since `since`: a re-sent command (a double
 * Enter, a retry after a lost reply), not a new handoff.
 */
export function findRepeatedAsk(db: Db, teamId: string, authorId: string, ask: string, recipientIds: readonly string[], since: Date): HandoffWithRecipients | undefined {
  const wanted = [...recipientIds].sort().join(',');
  return prepared(db, statements)
    .sameAsk.all(teamId, authorId, ask, since.getTime())
    .map((r) => loadHandoff(db, teamId, r.id)!)
    .find(
      (h) =>
        h.recipients
          .map((r) => r.userId)
          .sort()
          .join(',') === wanted,
    );
}

export function findHandoffIdByNumber(db: Db, teamId: string, number: number): number | undefined {
  return prepared(db, statements).idByNumber.get(teamId, number)?.id;
}

/**
 * Handoffs numbered `number` from other workspaces that are for this person in `teamId` (not passed
 * on to someone else), in any state: `/handoff done 4` for a sibling's #4 already done is then
 * answered "already done", not "I can't find #4".
 */
export function findSiblingHandoffIdsByNumber(db: Db, teamId: string, userId: string, number: number): number[] {
  return prepared(db, statements)
    .siblingIdsByNumber.all(teamId, userId, teamId, number)
    .map((r) => r.id);
}

/**
 * The workspace a handoff belongs to, whoever asks: only for the checks that let a colleague of a
 * sibling workspace of the same org act on it (services/enterpriseOrgs.ts). Anything else looks
 * handoffs up by (workspace, id).
 */
export function handoffTeamOf(db: Db, id: number): string | undefined {
  return prepared(db, statements).teamOf.get(id)?.teamId;
}

export interface ApplyInput {
  teamId: string;
  handoffId: number;
  actorId: string;
  decision: Extract<Decision, { ok: true }>;
  /** The state the decision was made from: a concurrent change makes this apply a no-op. */
  expectedState: HandoffState;
  note: string | null;
  now: Date;
  /** People whose notification of this change waits for their working hours (recorded in the event's detail). */
  heldFor?: readonly string[];
  /** The own workspace of each person added, when it is not the handoff's. */
  recipientTeams?: RecipientTeams;
}

/**
 * Persists a lifecycle decision and its event; call it inside the caller's transaction, which also
 * enqueues the follow-up deliveries. Returns the event id, or null when the handoff changed
 * underneath (a double click racing itself) and nothing was written.
 */
export function applyDecision(tx: Db, input: ApplyInput): number | null {
  const { teamId, handoffId, actorId, decision, now, note } = input;
  const t = now.getTime();
  const closing = decision.nextState === 'done' || decision.nextState === 'declined';
  // A declined ask the author passes to someone new is open again, and its next outcome is news again.
  const reopening = isClosed(input.expectedState) && !isClosed(decision.nextState);
  // What the change does to the resolution fields: records who resolved it, clears them on reopening, or leaves them.
  const mode = reopening ? 'reopen' : closing || decision.nextState === 'cancelled' ? 'resolve' : 'keep';
  const q = prepared(tx, statements);
  // People the decision takes off it must still be on it: a decline or a pass by one of several
  // leaves the state as it was, so the state alone cannot tell that the same click already applied.
  const removing = JSON.stringify(decision.removeRecipients);
  if (decision.removeRecipients.length > 0 && (q.activeAmong.get(handoffId, removing)?.n ?? 0) < new Set(decision.removeRecipients).size) return null;
  const updated = q.applyState.run({ teamId, handoffId, expected: input.expectedState, next: decision.nextState, mode, note, actorId, t });
  if (updated.changes === 0) return null;
  if (isClosed(input.expectedState) !== isClosed(decision.nextState)) q.recipientsOpen.run(isClosed(decision.nextState) ? 0 : 1, handoffId);
  if (decision.removeRecipients.length > 0) q.deactivateRecipients.run(handoffId, removing);
  for (const userId of decision.addRecipients) q.addRecipient.run({ handoffId, teamId, userId, recipientTeamId: input.recipientTeams?.[userId] ?? teamId, t });
  const detail = decisionDetail(decision.addRecipients, decision.removeRecipients, input.heldFor);
  const event = q.insertEvent.run({ teamId, handoffId, actorId, kind: decision.eventKind, fromState: input.expectedState, toState: decision.nextState, note, detail, at: t });
  return Number(event.lastInsertRowid);
}

export function logEvent(db: Db, e: { teamId: string; handoffId: number; actorId: string; kind: string; note?: string | null; at: Date }): void {
  prepared(db, statements).insertEvent.run({
    teamId: e.teamId,
    handoffId: e.handoffId,
    actorId: e.actorId,
    kind: e.kind,
    fromState: null,
    toState: null,
    note: e.note ?? null,
    detail: null,
    at: e.at.getTime(),
  });
}

export function listEvents(db: Db, handoffId: number) {
  return db.select().from(handoffEvents).where(eq(handoffEvents.handoffId, handoffId)).orderBy(asc(handoffEvents.id)).all();
}

/** Open handoffs where the person is an active recipient, oldest first. */
export function listWaitingOn(db: Db, teamId: string, userId: string, limit = 500): HandoffWithRecipients[] {
  return withRecipients(db, prepared(db, statements).waitingOn.all(teamId, userId, limit));
}

export function countWaitingOn(db: Db, teamId: string, userId: string): number {
  return prepared(db, statements).countWaitingOn.get(teamId, userId)?.n ?? 0;
}

/** Open handoffs the person wrote, oldest first. */
export function listAuthoredOpen(db: Db, teamId: string, authorId: string, limit = 500): HandoffWithRecipients[] {
  return withRecipients(db, prepared(db, statements).authoredOpen.all(teamId, authorId, limit));
}

/** The person's asks resolved (done or declined) after `since`, newest first. */
export function listRecentlyResolved(db: Db, teamId: string, authorId: string, since: Date, limit = 20): HandoffWithRecipients[] {
  return withRecipients(db, prepared(db, statements).recentlyResolved.all(teamId, authorId, since.getTime(), limit));
}

export function markAuthorNotified(db: Db, teamId: string, handoffIds: number[], now: Date): void {
  if (handoffIds.length === 0) return;
  prepared(db, statements).authorNotified.run(now.getTime(), teamId, JSON.stringify(handoffIds));
}

export function markRecipientNotified(db: Db, handoffId: number, userId: string, now: Date): void {
  prepared(db, statements).recipientNotified.run(now.getTime(), handoffId, userId);
}

/** The author's digest asked "nudge, reassign or cancel?" about this recipient's silence: never again. */
export function markStaleOffered(db: Db, handoffId: number, userId: string, now: Date): void {
  prepared(db, statements).staleOffered.run(now.getTime(), handoffId, userId);
}

/** Puts the ask first in the recipient's digest of local date `day`; false if already nudged for that day (or later). */
export function nudgeRecipient(db: Db, handoffId: number, userId: string, day: string): boolean {
  return prepared(db, statements).nudge.run(day, handoffId, userId, day).changes > 0;
}

/**
 * Hides the handoff from an active recipient's digests until `untilDate`. False when nothing changed
 * (already snoozed until then, e.g. the same click twice, or no longer on it): log nothing then.
 */
export function snoozeForRecipient(db: Db, handoffId: number, userId: string, untilDate: string): boolean {
  return (
    db
      .update(handoffRecipients)
      .set({ snoozedUntilDate: untilDate })
      .where(
        and(
          eq(handoffRecipients.handoffId, handoffId),
          eq(handoffRecipients.userId, userId),
          eq(handoffRecipients.active, true),
          sql`${handoffRecipients.snoozedUntilDate} is not ${untilDate}`,
        ),
      )
      .run().changes > 0
  );
}

export function setChannelPost(db: Db, handoffId: number, channelId: string, ts: string): void {
  updateWhere(db, handoffs, { channelId, channelTs: ts }, { id: handoffId });
}

export function countOpenAuthored(db: Db, teamId: string, authorId: string): number {
  return prepared(db, statements).countAuthoredOpen.get(teamId, authorId)?.n ?? 0;
}
