/**
 * Handoffs, recipients and the event log on PostgreSQL (same contract as ../queries/handoffs.ts).
 * Creating and applying a decision are atomic here by themselves (a savepoint inside the caller's
 * transaction); creations in one workspace take a transaction-level advisory lock first, so two
 * identical requests racing each other see each other's row, as SQLite's write lock makes them do.
 */
import { handoffEvents, handoffRecipients, handoffs } from '../pgSchema';
import type { HandoffRow, HandoffWithRecipients, RecipientRow } from '../queries/handoffs';
import { isClosed } from '../../domain/handoffLifecycle';
import { createdDetail, decisionDetail } from '../../domain/eventDetail';
import type { HandoffQueries } from '../store';
import { type Conn, instant, maybeInstant, pgRowReader, statement, type On, type Raw } from './conn';
import { workspaceQueries } from './workspaces';

type EventRow = Awaited<ReturnType<HandoffQueries['listEvents']>>[number];

export const handoffRow = pgRowReader<HandoffRow>(handoffs);
export const recipientRow = pgRowReader<RecipientRow>(handoffRecipients);
const eventRow = pgRowReader<EventRow>(handoffEvents);
const H = handoffRow.columns('h');

/** Any fixed 32-bit number, the same in every replica ("hand"): with the team's hash, one creation lock per workspace. */
const CREATE_LOCK = 0x68616e64;

const S = {
  lockCreations: statement('handoffs.lockCreations', `select pg_advisory_xact_lock(${CREATE_LOCK}, hashtext($1))`),
  byId: statement('handoffs.byId', `select ${handoffRow.columns()} from handoffs where team_id = $1 and id = $2`),
  recipientsOf: statement('handoffs.recipientsOf', `select ${recipientRow.columns()} from handoff_recipients where handoff_id = $1 order by position, added_at`),
  recipientsOfMany: statement(
    'handoffs.recipientsOfMany',
    `select ${recipientRow.columns()} from handoff_recipients where handoff_id = any($1::int[]) order by handoff_id, position, added_at`,
  ),
  idByKey: statement('handoffs.idByKey', `select id from handoffs where team_id = $1 and idempotency_key = $2`),
  idByNumber: statement('handoffs.idByNumber', `select id from handoffs where team_id = $1 and number = $2`),
  teamOf: statement('handoffs.teamOf', `select team_id as "teamId" from handoffs where id = $1`),
  siblingIdsByNumber: statement(
    'handoffs.siblingIdsByNumber',
    `select distinct h.id from handoff_recipients r join handoffs h on h.id = r.handoff_id
     where r.recipient_team_id = $1 and r.user_id = $2 and r.active = true and h.team_id <> $1 and h.number = $3 order by h.id`,
  ),
  sameAsk: statement('handoffs.sameAsk', `select id from handoffs where team_id = $1 and author_id = $2 and ask = $3 and created_at > $4 order by id desc limit 5`),
  createdSince: statement('handoffs.createdSince', `select count(*)::int as n from handoffs where team_id = $1 and author_id = $2 and created_at > $3`),
  insert: statement(
    'handoffs.insert',
    `insert into handoffs (team_id, number, author_id, title, context, ask, links, if_offline, needed_by_at, urgent,
       channel_id, source_permalink, idempotency_key, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) returning id`,
  ),
  insertRecipient: statement(
    'handoffs.insertRecipient',
    `insert into handoff_recipients (handoff_id, team_id, user_id, added_at, position, handoff_created_at, recipient_team_id) values ($1, $2, $3, $4, $5, $4, $6)`,
  ),
  insertEvent: statement(
    'handoffs.insertEvent',
    `insert into handoff_events (team_id, handoff_id, actor_id, kind, from_state, to_state, note, detail, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
  ),
  // Both read recipients_waiting_idx in order, through the copies of the handoff's state and age.
  waitingOn: statement(
    'handoffs.waitingOn',
    `select ${H} from handoff_recipients r join handoffs h on h.id = r.handoff_id
     where r.recipient_team_id = $1 and r.user_id = $2 and r.active = true and r.handoff_open = true
     order by r.handoff_created_at, r.handoff_id limit $3`,
  ),
  countWaitingOn: statement(
    'handoffs.countWaitingOn',
    `select count(*)::int as n from handoff_recipients where recipient_team_id = $1 and user_id = $2 and active = true and handoff_open = true`,
  ),
  authoredOpen: statement(
    'handoffs.authoredOpen',
    `select ${H} from handoffs h where h.team_id = $1 and h.author_id = $2 and h.state in ('open', 'acknowledged') order by h.created_at, h.id limit $3`,
  ),
  countAuthoredOpen: statement('handoffs.countAuthoredOpen', `select count(*)::int as n from handoffs where team_id = $1 and author_id = $2 and state in ('open', 'acknowledged')`),
  // Ties on resolved_at broken by id, newest first (SQLite left them to its scan order).
  recentlyResolved: statement(
    'handoffs.recentlyResolved',
    `select ${H} from handoffs h where h.team_id = $1 and h.author_id = $2 and h.state in ('done', 'declined') and h.resolved_at > $3
     order by h.resolved_at desc, h.id desc limit $4`,
  ),
  authorNotified: statement('handoffs.authorNotified', `update handoffs set author_notified_at = $1 where team_id = $2 and id = any($3::int[]) and author_notified_at is null`),
  recipientNotified: statement('handoffs.recipientNotified', `update handoff_recipients set notified_at = $1 where handoff_id = $2 and user_id = $3 and notified_at is null`),
  staleOffered: statement('handoffs.staleOffered', `update handoff_recipients set stale_offered_at = $1 where handoff_id = $2 and user_id = $3 and stale_offered_at is null`),
  nudge: statement('handoffs.nudge', `update handoff_recipients set nudged_on = $1 where handoff_id = $2 and user_id = $3 and active and (nudged_on is null or nudged_on < $1)`),
  // A decision's update, by what it does to the resolution columns.
  applyPlain: statement('handoffs.applyPlain', `update handoffs set state = $4, updated_at = $5 where team_id = $1 and id = $2 and state = $3`),
  applyClose: statement(
    'handoffs.applyClose',
    `update handoffs set state = $4, updated_at = $5, resolution_note = $6, resolved_by = $7, resolved_at = $5 where team_id = $1 and id = $2 and state = $3`,
  ),
  applyReopen: statement(
    'handoffs.applyReopen',
    `update handoffs set state = $4, updated_at = $5, resolution_note = null, resolved_by = null, resolved_at = null, author_notified_at = null
     where team_id = $1 and id = $2 and state = $3`,
  ),
  // The copy of the state every recipient row keeps (see the schema): written with the state itself.
  recipientsOpen: statement('handoffs.recipientsOpen', `update handoff_recipients set handoff_open = $2 where handoff_id = $1`),
  // Only people still on it: the count tells whether the decision still applies (see applyDecision).
  deactivate: statement('handoffs.deactivate', `update handoff_recipients set active = false where handoff_id = $1 and user_id = any($2::text[]) and active`),
  // Someone added later is named after the people already on it (the subquery sees the row a re-add conflicts with).
  addRecipient: statement(
    'handoffs.addRecipient',
    `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, added_at, position, handoff_open, handoff_created_at)
     select $1, $2, $3, $5, $4, (select coalesce(max(position), -1) + 1 from handoff_recipients where handoff_id = $1),
       h.state in ('open', 'acknowledged'), h.created_at
     from handoffs h where h.id = $1
     on conflict (handoff_id, user_id) do update set active = true, recipient_team_id = excluded.recipient_team_id, added_at = excluded.added_at, notified_at = null,
       snoozed_until_date = null, stale_offered_at = null, nudged_on = null, position = excluded.position`,
  ),
  logEvent: statement('handoffs.logEvent', `insert into handoff_events (team_id, handoff_id, actor_id, kind, note, at) values ($1, $2, $3, $4, $5, $6)`),
  listEvents: statement('handoffs.listEvents', `select ${eventRow.columns()} from handoff_events where handoff_id = $1 order by id`),
  snooze: statement(
    'handoffs.snooze',
    `update handoff_recipients set snoozed_until_date = $3 where handoff_id = $1 and user_id = $2 and active and snoozed_until_date is distinct from $3`,
  ),
  channelPost: statement('handoffs.channelPost', `update handoffs set channel_id = $2, channel_ts = $3 where id = $1`),
};

/** Thrown inside applyDecision to undo its state change: someone it removes is already off the handoff. */
class AlreadyApplied extends Error {}

/** Handoff rows with their recipients, in the order given. */
async function withRecipients(c: Conn, raws: Raw[]): Promise<HandoffWithRecipients[]> {
  if (raws.length === 0) return [];
  const rows = raws.map(handoffRow.read);
  const byHandoff = new Map<number, RecipientRow[]>();
  for (const raw of await c.rows(S.recipientsOfMany, [rows.map((r) => r.id)])) {
    const r = recipientRow.read(raw);
    const list = byHandoff.get(r.handoffId);
    if (list) list.push(r);
    else byHandoff.set(r.handoffId, [r]);
  }
  return rows.map((r) => ({ ...r, recipients: byHandoff.get(r.id) ?? [] }));
}

async function loadHandoff(c: Conn, teamId: string, id: number): Promise<HandoffWithRecipients | undefined> {
  const [raw] = await c.rows(S.byId, [teamId, id]);
  if (!raw) return undefined;
  return { ...handoffRow.read(raw), recipients: (await c.rows(S.recipientsOf, [id])).map(recipientRow.read) };
}

/** A handoff just read or written in this transaction: its absence is a bug, not a case. */
async function mustLoad(c: Conn, teamId: string, id: number): Promise<HandoffWithRecipients> {
  const h = await loadHandoff(c, teamId, id);
  if (!h) throw new Error(`handoff ${id} of ${teamId} vanished inside its transaction`);
  return h;
}

async function findRepeatedAsk(c: Conn, teamId: string, authorId: string, ask: string, recipientIds: readonly string[], since: Date) {
  const wanted = [...recipientIds].sort().join(',');
  for (const { id } of await c.rows<{ id: number }>(S.sameAsk, [teamId, authorId, ask, instant(since.getTime())])) {
    const h = await mustLoad(c, teamId, id);
    if (
      h.recipients
        .map((r) => r.userId)
        .sort()
        .join(',') === wanted
    )
      return h;
  }
  return undefined;
}

const countCreatedSince = async (c: Conn, teamId: string, authorId: string, since: Date) =>
  (await c.rows<{ n: number }>(S.createdSince, [teamId, authorId, instant(since.getTime())]))[0]?.n ?? 0;

export const handoffQueries: On<HandoffQueries> = {
  createHandoff: (c, teamId, draft, now, opts) =>
    c.atomic(async (tx) => {
      await tx.rows(S.lockCreations, [teamId]);
      if (opts.idempotencyKey) {
        const [existing] = await tx.rows<{ id: number }>(S.idByKey, [teamId, opts.idempotencyKey]);
        if (existing) return { status: 'duplicate', handoff: await mustLoad(tx, teamId, existing.id) };
      }
      if (opts.repeatSince) {
        const repeated = await findRepeatedAsk(tx, teamId, draft.authorId, draft.ask, draft.recipientIds, opts.repeatSince);
        if (repeated) return { status: 'repeated', handoff: repeated };
      }
      if (opts.authorLimit) {
        const recent = await countCreatedSince(tx, teamId, draft.authorId, opts.authorLimit.since);
        if (recent >= opts.authorLimit.max) return { status: 'author_limit', recent };
      }
      await workspaceQueries.ensureWorkspace(tx, teamId, now);
      const t = instant(now.getTime());
      const number = await workspaceQueries.allocateHandoffNumber(tx, teamId);
      const [inserted] = await tx.rows<{ id: number }>(S.insert, [
        teamId,
        number,
        draft.authorId,
        draft.title,
        draft.context,
        draft.ask,
        draft.links,
        draft.ifOffline,
        maybeInstant(draft.neededByAt?.getTime()),
        draft.urgent,
        draft.channelId,
        opts.sourcePermalink,
        opts.idempotencyKey,
        t,
      ]);
      if (!inserted) throw new Error('insert returned no id');
      const id = inserted.id;
      for (const [position, userId] of draft.recipientIds.entries())
        await tx.changes(S.insertRecipient, [id, teamId, userId, t, position, opts.recipientTeams?.[userId] ?? teamId]);
      const detail = createdDetail(draft.recipientIds, draft.urgent, opts.heldFor);
      await tx.changes(S.insertEvent, [teamId, id, draft.authorId, 'created', null, 'open', null, detail, t]);
      return { status: 'created', handoff: await mustLoad(tx, teamId, id) };
    }),

  countCreatedSince,
  loadHandoff,
  findRepeatedAsk,
  findHandoffIdByNumber: async (c, teamId, number) => (await c.rows<{ id: number }>(S.idByNumber, [teamId, number]))[0]?.id,
  findSiblingHandoffIdsByNumber: async (c, teamId, userId, number) => (await c.rows<{ id: number }>(S.siblingIdsByNumber, [teamId, userId, number])).map((r) => r.id),
  handoffTeamOf: async (c, id) => (await c.rows<{ teamId: string }>(S.teamOf, [id]))[0]?.teamId,

  async applyDecision(c, input) {
    try {
      return await c.atomic(async (tx) => {
        const { teamId, handoffId, actorId, decision, note } = input;
        const t = instant(input.now.getTime());
        const next = decision.nextState;
        const closing = next === 'done' || next === 'declined' || next === 'cancelled';
        const reopening = isClosed(input.expectedState) && !isClosed(next);
        const where = [teamId, handoffId, input.expectedState, next, t];
        // The handoff row is locked from here: the same decision racing on another replica waits,
        // and its statements below then see this one's committed changes.
        const updated = closing ? await tx.changes(S.applyClose, [...where, note, actorId]) : await tx.changes(reopening ? S.applyReopen : S.applyPlain, where);
        if (updated === 0) return null;
        if (isClosed(input.expectedState) !== isClosed(next)) await tx.changes(S.recipientsOpen, [handoffId, !isClosed(next)]);
        // People the decision takes off it must still be on it: a decline or a pass by one of several
        // leaves the state as it was, so the state alone cannot tell that the same click already applied.
        const removing = [...new Set(decision.removeRecipients)];
        if (removing.length > 0 && (await tx.changes(S.deactivate, [handoffId, removing])) < removing.length) throw new AlreadyApplied();
        for (const userId of decision.addRecipients) await tx.changes(S.addRecipient, [handoffId, teamId, userId, t, input.recipientTeams?.[userId] ?? teamId]);
        const detail = decisionDetail(decision.addRecipients, decision.removeRecipients, input.heldFor);
        const [event] = await tx.rows<{ id: string }>(S.insertEvent, [teamId, handoffId, actorId, decision.eventKind, input.expectedState, next, note, detail, t]);
        if (!event) throw new Error('insert returned no id');
        return Number(event.id);
      });
    } catch (e) {
      if (e instanceof AlreadyApplied) return null;
      throw e;
    }
  },

  async logEvent(c, e) {
    await c.changes(S.logEvent, [e.teamId, e.handoffId, e.actorId, e.kind, e.note ?? null, instant(e.at.getTime())]);
  },
  listEvents: async (c, handoffId) => (await c.rows(S.listEvents, [handoffId])).map(eventRow.read),
  listWaitingOn: async (c, teamId, userId, limit = 500) => withRecipients(c, await c.rows(S.waitingOn, [teamId, userId, limit])),
  countWaitingOn: async (c, teamId, userId) => (await c.rows<{ n: number }>(S.countWaitingOn, [teamId, userId]))[0]?.n ?? 0,
  listAuthoredOpen: async (c, teamId, authorId, limit = 500) => withRecipients(c, await c.rows(S.authoredOpen, [teamId, authorId, limit])),
  listRecentlyResolved: async (c, teamId, authorId, since, limit = 20) => withRecipients(c, await c.rows(S.recentlyResolved, [teamId, authorId, instant(since.getTime()), limit])),
  async markAuthorNotified(c, teamId, handoffIds, now) {
    if (handoffIds.length === 0) return;
    await c.changes(S.authorNotified, [instant(now.getTime()), teamId, handoffIds]);
  },
  async markRecipientNotified(c, handoffId, userId, now) {
    await c.changes(S.recipientNotified, [instant(now.getTime()), handoffId, userId]);
  },
  async markStaleOffered(c, handoffId, userId, now) {
    await c.changes(S.staleOffered, [instant(now.getTime()), handoffId, userId]);
  },
  nudgeRecipient: async (c, handoffId, userId, day) => (await c.changes(S.nudge, [day, handoffId, userId])) > 0,
  snoozeForRecipient: async (c, handoffId, userId, untilDate) => (await c.changes(S.snooze, [handoffId, userId, untilDate])) > 0,
  async setChannelPost(c, handoffId, channelId, ts) {
    await c.changes(S.channelPost, [handoffId, channelId, ts]);
  },
  countOpenAuthored: async (c, teamId, authorId) => (await c.rows<{ n: number }>(S.countAuthoredOpen, [teamId, authorId]))[0]?.n ?? 0,
};
