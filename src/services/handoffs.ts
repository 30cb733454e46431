/**
 * Creating handoffs and moving them through their lifecycle, with the async norm built in: people
 * hear about a handoff now only when they are working (or it is urgent); otherwise it waits for their
 * morning digest. Notifications are enqueued in the same transaction as the change they announce.
 */
import type { Store, Tx } from '../db/store';
import { mention } from '../domain/slackText';
import { activeRecipientIds, type CreateOptions, type HandoffWithRecipients } from '../db/queries/handoffs';
import { COMMAND } from '../ids';
import type { UserRow } from '../db/queries/users';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { decide, mayAct, type LifecycleAction } from '../domain/handoffLifecycle';
import { titleFromAsk } from '../domain/commandText';
import { DRAFT_LIMITS, isNoteToSelf, validateDraft, type DraftField, type HandoffDraft } from '../domain/handoffDraft';
import type { RecipientClock } from '../views/handoffModal';
import { availabilityAt, firstDigestSlotAfterDate, isWorkingAt } from '../domain/workSchedule';
import { cityOf, formatDuration, formatLocal, localParts, localTimeLabel } from '../time';
import { explainSlackError, isRevokedCode } from '../slack/errors';
import { quotedTitle, sentence } from '../views/text';
import { awayPhrase, describePerson, holidayPhrase, humanDate, type Subject } from '../views/availability';
import { withDeadline } from '../deadline';
import type { OutboxDispatcher } from '../delivery/outbox';
import { plannedDigestsOf, scheduleOf, zoneOf } from '../domain/personSchedule';
import { nudgeDay } from '../domain/followThrough';
import type { People, Person } from './people';
import { bestEffort } from '../bestEffort';
import { siblingHandoff } from './enterpriseOrgs';
import { otherWorkspaceNames } from '../db/lookups';
import { numberLabel, type CardWorkspace } from '../views/handoffCard';

export type { HandoffWithRecipients };

export type CreateOutcome =
  /** Not created; `limited`: the draft is fine but its author reached the per-minute limit (said on `ask`). */
  { kind: 'invalid'; errors: Partial<Record<DraftField, string>>; limited?: boolean } | { kind: 'created' | 'duplicate'; handoff: HandoffWithRecipients; lines: string[] };

export interface CreateOpts {
  /** The same key again (a double-clicked submit, a replayed command) returns the first handoff. */
  idempotencyKey: string | null;
  permalink?: string | null;
  /**
   * The same ask to the same people by the same author within REPEAT_WINDOW_MS is the same handoff
   * (a double Enter: two commands, two trigger_ids, one intent). For typed commands; a form has
   * its own key per opening.
   */
  repeatIsDuplicate?: boolean;
}

export interface HandoffLimits {
  /** New handoffs one person may create per minute (HANDOFFS_PER_PERSON_PER_MINUTE). */
  perPersonPerMinute: number;
}

/** A second identical inline handoff within this window is taken as a re-sent command. */
export const REPEAT_WINDOW_MS = 2 * 60_000;

export type ActOutcome = { ok: false; message: string } | { ok: true; noop: boolean; handoff: HandoffWithRecipients; message: string };

export const DEFAULT_PER_PERSON_PER_MINUTE = 10;

/** How long a confirmation waits for the notifications it reports on. */
const DELIVER_NOW_BUDGET_MS = 2500;

interface Planned {
  userId: string;
  outboxId: number | null;
  line: string;
}

export class HandoffService {
  constructor(
    private readonly store: Store,
    private readonly people: People,
    private readonly dispatcher: OutboxDispatcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly limits: HandoffLimits = { perPersonPerMinute: DEFAULT_PER_PERSON_PER_MINUTE },
  ) {}

  /**
   * "02:14 in Lisbon, their day starts in 6 h 46 m" / "14:02 in Lisbon, working now" / "…, away until
   * Mon 15 Mar (Slack status)" / "…; Tue 1 Dec is a public holiday in Portugal". Dates the reader
   * looks up (the day they are back) are in `readerTz`.
   */
  describeClock(row: UserRow | null, now: Date, subject: Subject = 'their', readerTz: string | null = null): string {
    if (!row) return 'time zone unknown';
    return describePerson(row, now, subject, readerTz);
  }

  /** The zone of whoever reads a line, when Handoff knows them (no Slack call). */
  private async readerTz(teamId: string, userId: string | undefined): Promise<string | null> {
    if (!userId) return null;
    const row = await this.store.getUser(teamId, userId);
    return row ? zoneOf(row) : null;
  }

  /** A handoff of this workspace, with its recipients. */
  find(teamId: string, id: number): Promise<HandoffWithRecipients | undefined> {
    return this.store.loadHandoff(teamId, id);
  }

  /**
   * A handoff `actorId` may act on from `teamId`: one of this workspace's, or one of a sibling
   * workspace of the same org (one org-wide install) that is theirs to answer from here.
   */
  private async locate(teamId: string, actorId: string, id: number): Promise<HandoffWithRecipients | undefined> {
    return (await this.store.loadHandoff(teamId, id)) ?? siblingHandoff(this.store, teamId, actorId, id);
  }

  /**
   * Before a form opens (a note, whom to pass it to): the handoff, and whether this person may take
   * this kind of action on it at all — the domain's `mayAct`, the same rule `act` applies after.
   */
  async check(
    teamId: string,
    userId: string,
    id: number,
    kind: LifecycleAction['kind'],
  ): Promise<{ ok: true; handoff: HandoffWithRecipients; workspace: CardWorkspace } | { ok: false; message: string }> {
    const h = await this.locate(teamId, userId, id);
    if (!h) return { ok: false, message: 'I can’t find that handoff — it may have been deleted.' };
    const refusal = mayAct({ state: h.state, authorId: h.authorId, activeRecipients: activeRecipientIds(h) }, userId, kind);
    return refusal ? { ok: false, message: refusal.message } : { ok: true, handoff: h, workspace: await this.seenFrom(teamId, h) };
  }

  /** Where a handoff is read from, to name its workspace when it was made in a sibling one (no read otherwise). */
  private seenFrom(teamId: string, h: HandoffWithRecipients): Promise<CardWorkspace> {
    return otherWorkspaceNames(this.store, teamId, [h]);
  }

  /**
   * `/handoff done 12 shipped`: the number people type, not the database id. A number is this
   * workspace's, or that of a handoff from a sibling workspace of the org that waits on the person here
   * (their list shows it as "Design #12"). When one of each waits on them, or several siblings', which
   * one is meant is not guessed: nothing changes and they are told to use the button.
   */
  async completeByNumber(teamId: string, userId: string, number: number, note: string): Promise<ActOutcome> {
    const own = await this.store.findHandoffIdByNumber(teamId, number);
    const waiting = await this.store.listWaitingOn(teamId, userId);
    const siblings = waiting.filter((h) => h.teamId !== teamId && h.number === number);
    // This workspace's #12 counts as a candidate beside a sibling's only when it, too, waits on them.
    const ownWaits = own !== undefined && waiting.some((h) => h.id === own);
    const candidates = siblings.length === 0 ? (own === undefined ? [] : [own]) : [...(ownWaits ? [own] : []), ...siblings.map((h) => h.id)];
    if (candidates.length > 1) {
      return {
        ok: false,
        message: `${candidates.length} handoffs numbered #${number} wait on you${ownWaits ? ' (this workspace’s and another’s)' : ' (from other workspaces)'}: nothing changed. Use the Done button on the one you mean (\`${COMMAND} list\` shows each with its workspace).`,
      };
    }
    // Nothing here by that number and none waiting on them: a sibling's that once was for them, if one.
    if (candidates.length === 0) candidates.push(...(await this.siblingOnceForThem(teamId, userId, number)));
    if (candidates.length === 0) return { ok: false, message: `I can’t find handoff #${number}. \`${COMMAND} list\` shows yours.` };
    return this.act(teamId, userId, candidates[0]!, { kind: 'complete', note }, note || null);
  }

  /**
   * A sibling's #N for this person that no longer waits on them (done or declined), so that acting on
   * it says why nothing changes ("already done") instead of "I can't find #N". Only a single one: of
   * two such, which was meant is not guessed.
   */
  private async siblingOnceForThem(teamId: string, userId: string, number: number): Promise<number[]> {
    const ids = await this.store.findSiblingHandoffIdsByNumber(teamId, userId, number);
    return ids.length === 1 ? ids : [];
  }

  /**
   * A quick `/handoff @ana @raj what I need`: plain @names (typed without Slack's autocomplete) are
   * looked up among the people Handoff knows; a name that matches nobody, or several, is handed back
   * rather than guessed. The rest is `create`.
   */
  async createInline(
    teamId: string,
    authorId: string,
    input: { recipientIds: string[]; plainNames: string[]; ask: string },
    opts: CreateOpts,
  ): Promise<CreateOutcome | { kind: 'unknown_names'; names: string[] }> {
    const resolved = [...input.recipientIds];
    const unknown: string[] = [];
    for (const name of input.plainNames) {
      const matches = await this.store.findUserIdsByName(teamId, name);
      if (matches.length === 1) resolved.push(matches[0]!);
      else unknown.push(name);
    }
    if (unknown.length > 0) return { kind: 'unknown_names', names: unknown };
    const draft: HandoffDraft = {
      authorId,
      recipientIds: [...new Set(resolved)],
      title: titleFromAsk(input.ask),
      context: '',
      ask: input.ask,
      links: '',
      ifOffline: '',
      neededByAt: null,
      channelId: null,
      urgent: false,
    };
    return this.create(teamId, draft, opts);
  }

  /**
   * Each chosen person's local time and availability, for the handoff form ("17:30 in Kolkata, their
   * day starts in 15 h 30 m"), or why they cannot take a handoff. A slow Slack leaves the list empty.
   */
  async recipientClocks(teamId: string, userIds: readonly string[], readerId?: string): Promise<RecipientClock[]> {
    if (userIds.length === 0) return [];
    const now = this.clock.now();
    const readerTz = await this.readerTz(teamId, readerId);
    const people = (await bestEffort(this.people.getMany(teamId, userIds.slice(0, DRAFT_LIMITS.recipients)), this.logger, 'profiles for recipient clocks')) ?? [];
    return people.map((p) => ({
      userId: p.userId,
      name: p.displayName,
      summary: !p.exists
        ? 'not found in this workspace'
        : p.external
          ? 'not a member of this workspace'
          : p.isBot
            ? 'an app, not a person'
            : p.deleted
              ? 'deactivated'
              : this.describeClock(p.row, now, 'their', readerTz),
    }));
  }

  async create(teamId: string, draft: HandoffDraft, opts: CreateOpts): Promise<CreateOutcome> {
    const now = this.clock.now();
    // The author's profile (for their zone in DMs) is fetched alongside the recipients', not after.
    const [recipients, author] = await Promise.all([
      this.people.getMany(teamId, draft.recipientIds),
      bestEffort(this.people.get(teamId, draft.authorId), this.logger, 'author profile'),
    ]);
    // Dates the author looks up (when someone is back) are said in the author's zone.
    const authorTz = author?.row ? zoneOf(author.row) : null;
    const errors = validateDraft(draft, recipients, now);
    if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };

    const planned: Planned[] = [];
    let channelPostId: number | null = null;
    const max = this.limits.perPersonPerMinute;
    const options: CreateOptions = {
      idempotencyKey: opts.idempotencyKey,
      sourcePermalink: opts.permalink ?? null,
      ...(opts.repeatIsDuplicate ? { repeatSince: new Date(now.getTime() - REPEAT_WINDOW_MS) } : {}),
      authorLimit: { max, since: new Date(now.getTime() - 60_000) },
      // Who planNewDm will leave to their working hours, recorded with the creation (the report's "night pings avoided").
      heldFor: isNoteToSelf(draft) || draft.urgent ? [] : recipients.filter((p) => p.row && !isWorkingAt(scheduleOf(p.row), now)).map((p) => p.userId),
      recipientTeams: recipientTeamsOf(teamId, recipients),
    };
    // The handoff and its notifications commit together (createHandoff settles duplicates and the
    // per-author limit itself, atomically).
    const result = await this.store.transaction(async (tx) => {
      const r = await tx.createHandoff(teamId, draft, now, options);
      if (r.status !== 'created') return r;
      const h = r.handoff;
      for (const person of recipients) planned.push(await this.planNewDm(tx, teamId, h, person, draft, now, authorTz));
      if (draft.channelId) {
        channelPostId = await tx.enqueue({ teamId, kind: 'channel_post', dedupeKey: `post:${h.id}`, channelId: draft.channelId, handoffId: h.id }, now);
      }
      return r;
    });
    switch (result.status) {
      case 'duplicate':
        return { kind: 'duplicate', handoff: result.handoff, lines: ['This handoff was already created — nothing was sent twice.'] };
      case 'repeated':
        return {
          kind: 'duplicate',
          handoff: result.handoff,
          lines: [`You handed this off a moment ago as #${result.handoff.number}, so I didn’t create it twice. \`${COMMAND} list\` shows it.`],
        };
      case 'author_limit':
        this.logger.warn({ teamId, authorId: draft.authorId, recent: result.recent }, 'handoff refused: author reached the per-minute limit');
        return {
          kind: 'invalid',
          limited: true,
          errors: {
            ask: `You’ve created ${max} handoff${max === 1 ? '' : 's'} in the last minute — as many as I take from one person in a minute — so I didn’t create this one. Please wait a minute and try again.`,
          },
        };
      case 'created':
        break;
    }
    const lines = await this.deliverAndDescribe(planned);
    const suggestion = draft.urgent ? urgentSuggestion(recipients, now) : null;
    if (suggestion) lines.push(suggestion);
    if (channelPostId !== null) lines.push(await this.describeChannelPost(channelPostId, draft.channelId!));
    if ((await this.store.getWorkspace(teamId))?.status !== 'active') {
      // Nothing above was sent: the outbox holds deliveries for a paused workspace.
      lines.push(
        'Delivery is paused for this workspace (Handoff was uninstalled or its access revoked): the handoff is saved, and nobody is notified until Handoff is reinstalled.',
      );
    }
    this.logger.info({ teamId, handoffId: result.handoff.id, recipients: draft.recipientIds.length }, 'handoff created');
    return { kind: 'created', handoff: result.handoff, lines };
  }

  /** Decides now-or-digest for one recipient and enqueues the DM when it is now. */
  private async planNewDm(tx: Tx, teamId: string, h: HandoffWithRecipients, person: Person, draft: HandoffDraft, now: Date, authorTz: string | null): Promise<Planned> {
    const name = mention(person.userId);
    if (isNoteToSelf(draft)) {
      const next = this.nextStartOf(person.row, now, 'your', authorTz);
      return { userId: person.userId, outboxId: null, line: `Note to self: ${next.away ? `${next.away}; ` : ''}it waits for ${next.occasion}${next.when}.` };
    }
    const schedule = person.row ? scheduleOf(person.row) : null;
    const working = schedule ? isWorkingAt(schedule, now) : true;
    if (draft.urgent || working) {
      const outboxId = await tx.enqueue(
        { teamId: person.teamId, kind: 'dm', dedupeKey: `new:${h.id}:${person.userId}`, userId: person.userId, handoffId: h.id, payload: dmPayload('new', teamId, person) },
        now,
      );
      const what = working ? 'sent to them now' : 'urgent, so sent now anyway';
      return { userId: person.userId, outboxId, line: `${name} — ${this.describeClock(person.row, now, 'their', authorTz)}: ${what}.` };
    }
    const next = this.nextStartOf(person.row, now, 'their', authorTz);
    const clock = schedule ? `${formatLocal(now, schedule.tz, 'HH:mm')} in ${cityOf(schedule.tz)}` : 'time zone unknown';
    const holiday = person.row && !next.away ? holidayPhrase(person.row, now) : null;
    const why = next.away ? `, ${next.away}` : holiday ? `; ${holiday}` : '';
    return { userId: person.userId, outboxId: null, line: `${name} — ${clock}${why}: it waits for ${next.occasion}${next.when}.` };
  }

  /**
   * When someone who is not at work hears about something: at the start of their day, the instant the
   * scheduler has planned for them (their digest, or the news-only DM when their digest is off).
   * `occasion` names it ("their morning digest"), `when` says when in their zone (", Thu 09:00
   * Kolkata time (in 15 h 30 m)"), `away` says they are away ("away until Mon 15 Mar").
   */
  private nextStartOf(row: UserRow | null, now: Date, subject: Subject, readerTz: string | null = null): { occasion: string; when: string; away: string | null } {
    if (!row) return { occasion: `the start of ${subject} day`, when: '', away: null };
    const s = scheduleOf(row);
    const at = plannedDigestsOf(row, now, 1)[0]?.at ?? firstDigestSlotAfterDate(s, localParts(s.tz, now).date).at;
    const wait = at.getTime() - now.getTime();
    const when = wait <= 60_000 ? ', which is now' : `, ${localTimeLabel(at, s.tz)} (in ${formatDuration(wait)})`;
    const away = awayPhrase(row, now, readerTz);
    if (away) return { occasion: `${subject} return`, when, away };
    return { occasion: row.digestEnabled ? `${subject} morning digest` : `the start of ${subject} day`, when, away: null };
  }

  /** Sends the just-enqueued DMs right away and turns each outcome into a line for the author. */
  private async deliverAndDescribe(planned: Planned[]): Promise<string[]> {
    const ids = planned.map((p) => p.outboxId).filter((id): id is number => id !== null);
    const outcomes = await this.deliverSoon(ids);
    return planned.map((p) => {
      if (p.outboxId === null) return p.line;
      if (outcomes === 'timeout') return `${p.line.replace(/\.$/, '')} — Slack is slow right now; it is on its way.`;
      const o = outcomes.get(p.outboxId);
      if (!o || o.outcome === 'sent' || o.outcome === 'skipped' || o.outcome === 'not_claimed') return p.line;
      if (o.outcome === 'failed') return `${mention(p.userId)} — I couldn’t message them: ${explainSlackError(o.error ?? 'unknown', mention(p.userId))} The handoff is saved.`;
      if (isRevokedCode(o.error)) return `${mention(p.userId)} — ${explainSlackError(o.error!, 'them')}`;
      return `${p.line.replace(/\.$/, '')} — Slack is busy, I’ll keep trying.`;
    });
  }

  private async describeChannelPost(outboxId: number, channelId: string): Promise<string> {
    const outcomes = await this.deliverSoon([outboxId]);
    const where = `<#${channelId}>`;
    if (outcomes === 'timeout') return `Posting in ${where} — Slack is slow right now; it is on its way.`;
    const o = outcomes.get(outboxId);
    if (!o || o.outcome === 'sent' || o.outcome === 'not_claimed') return `Posted in ${where}.`;
    if (o.outcome === 'failed') return `Not posted in ${where}: ${explainSlackError(o.error ?? 'unknown', where)}`;
    if (isRevokedCode(o.error)) return `Not posted in ${where} yet: ${explainSlackError(o.error!, where)}`;
    return `Posting in ${where} is delayed (Slack is busy); I’ll keep trying.`;
  }

  /**
   * Sends rows now and reports how it went — but a person waiting for a confirmation is not kept
   * waiting behind a rate-limit pause: after DELIVER_NOW_BUDGET_MS the sends carry on in the
   * background and the answer says so.
   */
  private async deliverSoon(ids: number[]): Promise<Awaited<ReturnType<OutboxDispatcher['deliverNow']>> | 'timeout'> {
    // Most creations and clicks send nothing now: no deadline to arm for that.
    if (ids.length === 0) return new Map();
    const sending = this.dispatcher.deliverNow(ids);
    sending.catch((e: unknown) => this.logger.error({ err: e }, 'immediate delivery failed'));
    return withDeadline(sending, DELIVER_NOW_BUDGET_MS);
  }

  /** `fromTeamId`: where the person acted (a colleague of a sibling workspace acts from their own). */
  async act(fromTeamId: string, actorId: string, handoffId: number, action: LifecycleAction, note: string | null): Promise<ActOutcome> {
    const h = await this.locate(fromTeamId, actorId, handoffId);
    if (!h) return { ok: false, message: 'I can’t find that handoff — it may have been deleted.' };
    const teamId = h.teamId;
    const decision = decide({ state: h.state, authorId: h.authorId, activeRecipients: activeRecipientIds(h) }, actorId, action);
    if (!decision.ok) return { ok: false, message: decision.message };
    // Its number as the person sees it: a sibling's #3 is "Design #3" in their list.
    const shown = numberLabel(h, await this.seenFrom(fromTeamId, h));
    if (decision.noop) return { ok: true, noop: true, handoff: h, message: `Handoff ${shown} is already ${h.state}.` };

    // Schedules are read before the transaction: Slack lookups must not run inside it.
    const selfNews = decision.unblocksAuthor && h.authorId === actorId;
    const author = decision.unblocksAuthor && !selfNews ? ((await bestEffort(this.people.get(teamId, h.authorId), this.logger, 'author profile')) ?? null) : null;
    const actorTz = await this.readerTz(fromTeamId, actorId);
    const added = await this.people.getMany(teamId, decision.addRecipients);
    const bad = added.find((p) => !p.exists || p.isBot || p.deleted || p.external);
    if (bad) return { ok: false, message: `${mention(bad.userId)} can’t take a handoff (not a person in this workspace, or deactivated).` };

    const now = this.clock.now();
    const immediate: number[] = [];
    /** Rows for the dispatcher's next drain (a channel card to update). */
    const queued: number[] = [];
    // applyDecision writes only while the handoff is still in the state decided on (expectedState), so
    // a click that landed since our read makes this a no-op rather than a second change.
    // Whose DM below waits for their working hours, recorded with the change (the report's "night pings avoided").
    const authorHeld = author?.row && !isWorkingAt(scheduleOf(author.row), now) ? [h.authorId] : [];
    const heldFor = [...authorHeld, ...added.filter((p) => p.row && !(h.urgent || isWorkingAt(scheduleOf(p.row), now))).map((p) => p.userId)];
    const eventId = await this.store.transaction(async (tx) => {
      const eventId = await tx.applyDecision({ teamId, handoffId, actorId, decision, expectedState: h.state, note, now, heldFor, recipientTeams: recipientTeamsOf(teamId, added) });
      if (eventId !== null) {
        // Your own action is never reported back to you.
        if (selfNews) await tx.markAuthorNotified(teamId, [h.id], now);
        if (author?.row && isWorkingAt(scheduleOf(author.row), now)) {
          const id = await tx.enqueue(
            { teamId, kind: 'dm', dedupeKey: `unblocked:${h.id}:${eventId}`, userId: h.authorId, handoffId: h.id, payload: { reason: 'unblocked' } },
            now,
          );
          if (id !== null) immediate.push(id);
        }
        for (const p of added) {
          if (p.row && !(h.urgent || isWorkingAt(scheduleOf(p.row), now))) continue;
          const id = await tx.enqueue(
            {
              teamId: p.teamId,
              kind: 'dm',
              dedupeKey: `reassigned:${h.id}:${p.userId}:${eventId}`,
              userId: p.userId,
              handoffId: h.id,
              payload: dmPayload('reassigned', teamId, p),
            },
            now,
          );
          if (id !== null) immediate.push(id);
        }
        if (h.channelId) {
          const id = await tx.enqueue(
            { teamId, kind: 'channel_update', dedupeKey: `update:${h.id}:${eventId}`, channelId: h.channelId, handoffId: h.id, payload: { postOutboxId: null } },
            now,
          );
          if (id !== null) queued.push(id);
        }
      }
      return eventId;
    });
    const fresh = (await this.store.loadHandoff(teamId, handoffId))!;
    if (eventId === null) {
      // Someone (or a double click) changed it between our read and our write.
      return { ok: true, noop: true, handoff: fresh, message: `Handoff ${shown} is now ${fresh.state}.` };
    }
    await this.deliverSoon(immediate);
    // Only when something was enqueued: an empty drain still costs a claim (most clicks enqueue nothing).
    if (immediate.length > 0 || queued.length > 0) this.dispatcher.kick();
    return { ok: true, noop: false, handoff: fresh, message: this.confirmation(fresh, shown, decision.eventKind, author, now, actorTz) };
  }

  /** What the person who acted is told, including what the author will really hear, and when. */
  private confirmation(h: HandoffWithRecipients, shown: string, kind: string, author: Person | null, now: Date, actorTz: string | null): string {
    const title = quotedTitle(shown, h.title);
    const authorNews = (() => {
      if (!author) return '';
      const who = mention(h.authorId);
      if (!author.row) return ` ${who} will hear when their day starts.`;
      const s = scheduleOf(author.row);
      if (isWorkingAt(s, now)) return ` ${who} is working, so they’ve been told now.`;
      const next = this.nextStartOf(author.row, now, 'their', actorTz);
      const state = next.away ?? `offline (${formatLocal(now, s.tz, 'HH:mm')} in ${cityOf(s.tz)})`;
      return ` ${who} is ${state}; they’ll hear ${next.away ? 'on' : 'with'} ${next.occasion}${next.when}.`;
    })();
    switch (kind) {
      case 'acknowledged':
        return sentence(`You acknowledged ${title}`);
      case 'done':
        return `Marked ${title} done.${authorNews}`;
      case 'declined':
        return `Declined ${title}.${authorNews}`;
      case 'recipient_declined':
        return `You’re off ${title}; the others on it can still pick it up.`;
      case 'cancelled':
        return sentence(`Cancelled ${title}`);
      case 'reassigned':
        return `Passed ${title} to ${activeRecipientIds(h)
          .map((u) => mention(u))
          .join(', ')}.`;
      default:
        return sentence(`Updated ${title}`);
    }
  }

  /** Hides a handoff from the person's digests until their next working day. */
  async snooze(fromTeamId: string, actorId: string, handoffId: number): Promise<ActOutcome> {
    const h = await this.locate(fromTeamId, actorId, handoffId);
    if (!h) return { ok: false, message: 'I can’t find that handoff.' };
    if (!activeRecipientIds(h).includes(actorId)) return { ok: false, message: 'Only the people this handoff is for can snooze it.' };
    const teamId = h.teamId;
    const person = await this.people.get(fromTeamId, actorId);
    const now = this.clock.now();
    const s = person.row ? scheduleOf(person.row) : null;
    const until = s ? firstDigestSlotAfterDate(s, localParts(s.tz, now).date).localDate : null;
    if (!s || !until) return { ok: false, message: 'I couldn’t work out your next working day.' };
    // Logged only when it changed: the same click landing twice (a double click, two replicas) is one snooze.
    await this.store.transaction(async (tx) => {
      if (await tx.snoozeForRecipient(handoffId, actorId, until)) await tx.logEvent({ teamId, handoffId, actorId, kind: 'snoozed', note: until, at: now });
    });
    const shown = numberLabel(h, await this.seenFrom(fromTeamId, h));
    return { ok: true, noop: false, handoff: h, message: `Snoozed ${shown} until ${humanDate(s.tz, until)}, your next working day.` };
  }

  /**
   * The author's nudge about a recipient's silence: the ask comes first in that person's next digest,
   * on a working day of theirs. Never a separate ping, and at most one per ask per such day.
   */
  async nudge(teamId: string, actorId: string, handoffId: number, recipientId: string): Promise<{ ok: boolean; message: string }> {
    const h = await this.store.loadHandoff(teamId, handoffId);
    if (!h) return { ok: false, message: 'I can’t find that handoff — it may have been deleted.' };
    if (h.authorId !== actorId) return { ok: false, message: 'Only the person who wrote this handoff can nudge for it.' };
    if (h.state !== 'open') return { ok: false, message: `#${h.number} is ${h.state} now: no nudge needed.` };
    if (!activeRecipientIds(h).includes(recipientId)) return { ok: false, message: `${mention(recipientId)} is no longer on #${h.number}.` };
    // Their own workspace's row: a colleague of a sibling workspace is known there.
    const onIt = h.recipients.find((r) => r.userId === recipientId);
    const person = await this.store.digestPerson(onIt?.recipientTeamId ?? teamId, recipientId);
    if (!person) return { ok: false, message: `I don’t know ${mention(recipientId)}’s working hours yet, so I can’t tell when their next digest is.` };
    const s = scheduleOf(person as UserRow);
    const now = this.clock.now();
    const day = nudgeDay(s, now);
    const when = `${mention(recipientId)}’s digest on ${humanDate(s.tz, day)}`;
    const nudged = await this.store.transaction(async (tx) => {
      const changed = await tx.nudgeRecipient(handoffId, recipientId, day);
      if (changed) await tx.logEvent({ teamId, handoffId, actorId, kind: 'nudged', note: `${recipientId} ${day}`, at: now });
      return changed;
    });
    return nudged
      ? { ok: true, message: `Nudged: #${h.number} will be the first thing in ${when}, at the start of their day. No separate ping.` }
      : { ok: true, message: `Already nudged: #${h.number} is first in ${when}.` };
  }
}

/**
 * For an urgent handoff some of whose people are not at work: who on it is working now ("For
 * something urgent: @Raj is working now."), or, when nobody is, whose day starts first. Null when
 * everyone on it is working, or there is one person and nobody else to suggest.
 */
export function urgentSuggestion(recipients: readonly Person[], now: Date): string | null {
  const people = recipients.filter((p) => p.row && !p.isBot && !p.deleted && !p.external);
  if (people.length < 2) return null;
  const working = people.filter((p) => isWorkingAt(scheduleOf(p.row!), now));
  if (working.length === people.length) return null;
  if (working.length > 0) {
    const names = working.slice(0, 3).map((p) => mention(p.userId));
    return `For something urgent: ${names.join(', ')} ${working.length === 1 ? 'is' : 'are'} on it and working now.`;
  }
  const first = people
    .map((p) => ({ p, at: availabilityAt(scheduleOf(p.row!), now) }))
    .map(({ p, at }) => ({ p, start: at.kind === 'working' ? now.getTime() : at.nextStart.getTime() }))
    .sort((a, b) => a.start - b.start)[0]!;
  return `Nobody on it is working now; ${mention(first.p.userId)}’s day starts first (in ${formatDuration(Math.max(0, first.start - now.getTime()))}).`;
}

/** Recipients of another workspace than the handoff's (colleagues of a sibling workspace), by id. */
function recipientTeamsOf(teamId: string, people: readonly Person[]): Record<string, string> {
  return Object.fromEntries(people.filter((p) => p.teamId !== teamId).map((p) => [p.userId, p.teamId]));
}

/** A DM about handoff of `teamId` to `person`, queued in their own workspace: it says where the handoff is when that differs. */
function dmPayload(reason: 'new' | 'reassigned', teamId: string, person: Person): { reason: string; handoffTeamId?: string } {
  return person.teamId === teamId ? { reason } : { reason, handoffTeamId: teamId };
}
