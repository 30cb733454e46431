import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { handoffEvents, handoffRecipients, handoffs } from '../schema';
import { allocateHandoffNumber, ensureWorkspace } from './workspaces';
import type { HandoffDraft } from '../../domain/handoffDraft';
import { isClosed, type Decision, type HandoffState } from '../../domain/handoffLifecycle';

export type HandoffRow = typeof handoffs.$inferSelect;
export type RecipientRow = typeof handoffRecipients.$inferSelect;

export interface HandoffWithRecipients extends HandoffRow {
  recipients: RecipientRow[];
}

export const activeRecipientIds = (h: HandoffWithRecipients): string[] =>
  h.recipients.filter((r) => r.active).map((r) => r.userId);

const OPEN_STATES: HandoffState[] = ['open', 'acknowledged'];

export interface CreateOptions {
  /** A second creation with the same key (a double-clicked submit, a replayed command) is the first. */
  idempotencyKey: string | null;
  sourcePermalink: string | null;
  /** The same ask to the same people by the same author created after this instant is taken as this one. */
  repeatSince?: Date;
  /** Refuse when the author already created `max` handoffs after `since`. */
  authorLimit?: { max: number; since: Date };
}

export type CreateResult =
  | { status: 'created'; handoff: HandoffWithRecipients }
  /** The idempotency key matched an earlier creation. */
  | { status: 'duplicate'; handoff: HandoffWithRecipients }
  /** The same ask was created moments ago (`repeatSince`). */
  | { status: 'repeated'; handoff: HandoffWithRecipients }
  | { status: 'author_limit'; recent: number };

/**
 * Creates the handoff, its recipients and its first event in one transaction — and decides inside
 * that same (IMMEDIATE, so write-locked) transaction whether it is a duplicate or over the author's
 * limit: two identical requests racing each other, in one process or two, cannot both pass a check
 * made before either wrote.
 */
export function createHandoff(
  db: Db,
  teamId: string,
  draft: HandoffDraft,
  now: Date,
  opts: CreateOptions,
  /** Runs inside the same transaction, e.g. to enqueue notifications atomically with the handoff. */
  then: (tx: Db, h: HandoffWithRecipients) => void = () => undefined,
): CreateResult {
  return db.transaction((tx): CreateResult => {
    if (opts.idempotencyKey) {
      const existing = tx
        .select({ id: handoffs.id })
        .from(handoffs)
        .where(and(eq(handoffs.teamId, teamId), eq(handoffs.idempotencyKey, opts.idempotencyKey)))
        .get();
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
    const row = tx
      .insert(handoffs)
      .values({
        teamId,
        number: allocateHandoffNumber(tx, teamId),
        authorId: draft.authorId,
        title: draft.title,
        context: draft.context,
        ask: draft.ask,
        links: draft.links,
        ifOffline: draft.ifOffline,
        neededByAt: draft.neededByAt?.getTime() ?? null,
        urgent: draft.urgent,
        channelId: draft.channelId,
        sourcePermalink: opts.sourcePermalink,
        idempotencyKey: opts.idempotencyKey,
        createdAt: t,
        updatedAt: t,
      })
      .returning()
      .get();
    tx.insert(handoffRecipients)
      .values(draft.recipientIds.map((userId, position) => ({ handoffId: row.id, teamId, userId, addedAt: t, position })))
      .run();
    tx.insert(handoffEvents)
      .values({
        teamId,
        handoffId: row.id,
        actorId: draft.authorId,
        kind: 'created',
        toState: 'open',
        detail: JSON.stringify({ recipients: draft.recipientIds, urgent: draft.urgent }),
        at: t,
      })
      .run();
    const created = loadHandoff(tx, teamId, row.id)!;
    then(tx, created);
    return { status: 'created', handoff: created };
  });
}

/** How many handoffs `authorId` created after `since`. */
export function countCreatedSince(db: Db, teamId: string, authorId: string, since: Date): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(handoffs)
      .where(and(eq(handoffs.teamId, teamId), eq(handoffs.authorId, authorId), gt(handoffs.createdAt, since.getTime())))
      .get()?.n ?? 0
  );
}

export function loadHandoff(db: Db, teamId: string, id: number): HandoffWithRecipients | undefined {
  const row = db
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.teamId, teamId), eq(handoffs.id, id)))
    .get();
  if (!row) return undefined;
  const recipients = db
    .select()
    .from(handoffRecipients)
    .where(eq(handoffRecipients.handoffId, id))
    .orderBy(asc(handoffRecipients.position), asc(handoffRecipients.addedAt))
    .all();
  return { ...row, recipients };
}

/**
 * The same ask to the same people by the same author since `since`: a re-sent command (a double
 * Enter, a retry after a lost reply), not a new handoff.
 */
export function findRepeatedAsk(db: Db, teamId: string, authorId: string, ask: string, recipientIds: readonly string[], since: Date): HandoffWithRecipients | undefined {
  const rows = db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(and(eq(handoffs.teamId, teamId), eq(handoffs.authorId, authorId), eq(handoffs.ask, ask), gt(handoffs.createdAt, since.getTime())))
    .orderBy(desc(handoffs.id))
    .limit(5)
    .all();
  const wanted = [...recipientIds].sort().join(',');
  return rows
    .map((r) => loadHandoff(db, teamId, r.id)!)
    .find((h) => h.recipients.map((r) => r.userId).sort().join(',') === wanted);
}

export function findHandoffIdByNumber(db: Db, teamId: string, number: number): number | undefined {
  return db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(and(eq(handoffs.teamId, teamId), eq(handoffs.number, number)))
    .get()?.id;
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
  /** Runs inside the same transaction after the change, e.g. to enqueue follow-up deliveries. */
  then?: (tx: Db, eventId: number) => void;
}

/**
 * Persists a lifecycle decision and its event in one transaction. Returns the event id, or null when
 * the handoff changed underneath (double click racing itself) and nothing was written.
 */
export function applyDecision(db: Db, input: ApplyInput): number | null {
  const { teamId, handoffId, actorId, decision, now, note } = input;
  const t = now.getTime();
  return db.transaction((tx) => {
    const closing = decision.nextState === 'done' || decision.nextState === 'declined';
    // A declined ask the author passes to someone new is open again, and its next outcome is news again.
    const reopening = isClosed(input.expectedState) && !isClosed(decision.nextState);
    const updated = tx
      .update(handoffs)
      .set({
        state: decision.nextState,
        updatedAt: t,
        ...(closing ? { resolutionNote: note, resolvedBy: actorId, resolvedAt: t } : {}),
        ...(decision.nextState === 'cancelled' ? { resolvedAt: t, resolvedBy: actorId, resolutionNote: note } : {}),
        ...(reopening ? { resolutionNote: null, resolvedBy: null, resolvedAt: null, authorNotifiedAt: null } : {}),
      })
      .where(and(eq(handoffs.teamId, teamId), eq(handoffs.id, handoffId), eq(handoffs.state, input.expectedState)))
      .run();
    if (updated.changes === 0) return null;
    if (decision.removeRecipients.length > 0) {
      tx.update(handoffRecipients)
        .set({ active: false })
        .where(and(eq(handoffRecipients.handoffId, handoffId), inArray(handoffRecipients.userId, decision.removeRecipients)))
        .run();
    }
    for (const userId of decision.addRecipients) {
      // Someone added later is named after the people already on it.
      const position = sql`(select coalesce(max(${handoffRecipients.position}), -1) + 1 from ${handoffRecipients} where ${handoffRecipients.handoffId} = ${handoffId})`;
      tx.insert(handoffRecipients)
        .values({ handoffId, teamId, userId, addedAt: t, position })
        .onConflictDoUpdate({
          target: [handoffRecipients.handoffId, handoffRecipients.userId],
          set: { active: true, addedAt: t, notifiedAt: null, snoozedUntilDate: null, position },
        })
        .run();
    }
    const event = tx
      .insert(handoffEvents)
      .values({
        teamId,
        handoffId,
        actorId,
        kind: decision.eventKind,
        fromState: input.expectedState,
        toState: decision.nextState,
        note,
        detail:
          decision.addRecipients.length || decision.removeRecipients.length
            ? JSON.stringify({ added: decision.addRecipients, removed: decision.removeRecipients })
            : null,
        at: t,
      })
      .returning({ id: handoffEvents.id })
      .get();
    input.then?.(tx, event.id);
    return event.id;
  });
}

export function logEvent(db: Db, e: { teamId: string; handoffId: number; actorId: string; kind: string; note?: string | null; at: Date }): void {
  db.insert(handoffEvents).values({ ...e, note: e.note ?? null, at: e.at.getTime() }).run();
}

export function listEvents(db: Db, handoffId: number) {
  return db.select().from(handoffEvents).where(eq(handoffEvents.handoffId, handoffId)).orderBy(asc(handoffEvents.id)).all();
}

function withRecipients(db: Db, rows: HandoffRow[]): HandoffWithRecipients[] {
  if (rows.length === 0) return [];
  const recips = db
    .select()
    .from(handoffRecipients)
    .where(inArray(handoffRecipients.handoffId, rows.map((r) => r.id)))
    .orderBy(asc(handoffRecipients.position), asc(handoffRecipients.addedAt))
    .all();
  const byHandoff = new Map<number, RecipientRow[]>();
  for (const r of recips) byHandoff.set(r.handoffId, [...(byHandoff.get(r.handoffId) ?? []), r]);
  return rows.map((r) => ({ ...r, recipients: byHandoff.get(r.id) ?? [] }));
}

/** Open handoffs where the person is an active recipient, oldest first. */
export function listWaitingOn(db: Db, teamId: string, userId: string, limit = 500): HandoffWithRecipients[] {
  const rows = db
    .select({ h: handoffs })
    .from(handoffRecipients)
    .innerJoin(handoffs, eq(handoffs.id, handoffRecipients.handoffId))
    .where(
      and(
        eq(handoffRecipients.teamId, teamId),
        eq(handoffRecipients.userId, userId),
        eq(handoffRecipients.active, true),
        inArray(handoffs.state, OPEN_STATES),
      ),
    )
    .orderBy(asc(handoffs.createdAt), asc(handoffs.id))
    .limit(limit)
    .all()
    .map((r) => r.h);
  return withRecipients(db, rows);
}

export function countWaitingOn(db: Db, teamId: string, userId: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(handoffRecipients)
      .innerJoin(handoffs, eq(handoffs.id, handoffRecipients.handoffId))
      .where(
        and(
          eq(handoffRecipients.teamId, teamId),
          eq(handoffRecipients.userId, userId),
          eq(handoffRecipients.active, true),
          inArray(handoffs.state, OPEN_STATES),
        ),
      )
      .get()?.n ?? 0
  );
}

/** Open handoffs the person wrote, oldest first. */
export function listAuthoredOpen(db: Db, teamId: string, authorId: string, limit = 500): HandoffWithRecipients[] {
  const rows = db
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.teamId, teamId), eq(handoffs.authorId, authorId), inArray(handoffs.state, OPEN_STATES)))
    .orderBy(asc(handoffs.createdAt), asc(handoffs.id))
    .limit(limit)
    .all();
  return withRecipients(db, rows);
}

/** The person's asks that colleagues resolved or declined and that nobody has told them about yet. */
export function listUnblockedNotYetTold(db: Db, teamId: string, authorId: string, limit = 200): HandoffWithRecipients[] {
  const rows = db
    .select()
    .from(handoffs)
    .where(
      and(
        eq(handoffs.teamId, teamId),
        eq(handoffs.authorId, authorId),
        inArray(handoffs.state, ['done', 'declined']),
        isNull(handoffs.authorNotifiedAt),
      ),
    )
    .orderBy(asc(handoffs.resolvedAt))
    .limit(limit)
    .all();
  return withRecipients(db, rows);
}

export function listRecentlyResolved(
  db: Db,
  teamId: string,
  authorId: string,
  since: Date,
  limit = 20,
): HandoffWithRecipients[] {
  const rows = db
    .select()
    .from(handoffs)
    .where(
      and(
        eq(handoffs.teamId, teamId),
        eq(handoffs.authorId, authorId),
        inArray(handoffs.state, ['done', 'declined']),
        gt(handoffs.resolvedAt, since.getTime()),
      ),
    )
    .orderBy(desc(handoffs.resolvedAt))
    .limit(limit)
    .all();
  return withRecipients(db, rows);
}

export function markAuthorNotified(db: Db, teamId: string, handoffIds: number[], now: Date): void {
  if (handoffIds.length === 0) return;
  db.update(handoffs)
    .set({ authorNotifiedAt: now.getTime() })
    .where(and(eq(handoffs.teamId, teamId), inArray(handoffs.id, handoffIds), isNull(handoffs.authorNotifiedAt)))
    .run();
}

export function markRecipientNotified(db: Db, handoffId: number, userId: string, now: Date): void {
  db.update(handoffRecipients)
    .set({ notifiedAt: now.getTime() })
    .where(and(eq(handoffRecipients.handoffId, handoffId), eq(handoffRecipients.userId, userId), isNull(handoffRecipients.notifiedAt)))
    .run();
}

export function snoozeForRecipient(db: Db, handoffId: number, userId: string, untilDate: string): void {
  db.update(handoffRecipients)
    .set({ snoozedUntilDate: untilDate })
    .where(and(eq(handoffRecipients.handoffId, handoffId), eq(handoffRecipients.userId, userId)))
    .run();
}

export function setChannelPost(db: Db, handoffId: number, channelId: string, ts: string): void {
  db.update(handoffs).set({ channelId, channelTs: ts }).where(eq(handoffs.id, handoffId)).run();
}

export function countOpenAuthored(db: Db, teamId: string, authorId: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(handoffs)
      .where(and(eq(handoffs.teamId, teamId), eq(handoffs.authorId, authorId), inArray(handoffs.state, OPEN_STATES)))
      .get()?.n ?? 0
  );
}
