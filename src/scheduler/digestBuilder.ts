/**
 * Loads one person's digest data and renders it (used by delivery and by `handoff digest-preview`).
 *
 * Built once per person per morning, on the delivery path, so the reads are a handful of statements
 * prepared once per connection — no per-handoff or per-person queries (see scripts/bench-scheduler.ts):
 * the person, what waits on them (with recipients), what got resolved for them (with recipients), how
 * much they wait on, and the schedules of the people they wait on.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import type { HandoffRow, HandoffWithRecipients, RecipientRow } from '../db/queries/handoffs';
import type { UserRow } from '../db/queries/users';
import { planDigest, type DigestPlan } from '../domain/digest';
import { nextWorkStart, type WorkSchedule } from '../domain/workSchedule';
import { formatLocal, localInstant } from '../time';
import type { Clock } from '../clock';
import { scheduleOf } from '../services/people';
import { digestMessage, type DigestMessage } from '../views/digestMessage';
import { prepared } from './sqlite';

export type DigestItem = HandoffWithRecipients & { snoozedUntilDate: string | null };

export interface BuiltDigest {
  plan: DigestPlan<DigestItem>;
  message: DigestMessage;
  /** The person's time zone and the digest's date as people read it ("Thursday 26 November"). */
  tz: string;
  dateLabel: string;
  unblockedIds: number[];
  waitingIds: number[];
}

/** Same bounds as the list queries App Home uses. */
const WAITING_LIMIT = 500;
const UNBLOCKED_LIMIT = 200;
const STARTER_SCAN_LIMIT = 100;

type ScheduleColumns = Pick<UserRow, 'teamId' | 'userId' | 'slackTz' | 'tzOverride' | 'workdayStartMinute' | 'workdayEndMinute' | 'workingDays' | 'awayUntil'>;

const SCHEDULE_COLUMNS = `u.team_id as teamId, u.user_id as userId, u.slack_tz as slackTz, u.tz_override as tzOverride,
  u.workday_start_minute as workdayStartMinute, u.workday_end_minute as workdayEndMinute, u.working_days as workingDays, u.away_until as awayUntil`;

// One row per (handoff, recipient); `r_` columns are the recipient.
const HANDOFF_WITH_RECIPIENT_COLUMNS = `h.id, h.team_id as teamId, h.number, h.author_id as authorId, h.title, h.context, h.ask, h.links,
  h.if_offline as ifOffline, h.needed_by_at as neededByAt, h.urgent, h.state, h.channel_id as channelId, h.channel_ts as channelTs,
  h.source_permalink as sourcePermalink, h.resolution_note as resolutionNote, h.resolved_by as resolvedBy, h.resolved_at as resolvedAt,
  h.author_notified_at as authorNotifiedAt, h.idempotency_key as idempotencyKey, h.created_at as createdAt, h.updated_at as updatedAt,
  r.team_id as r_teamId, r.user_id as r_userId, r.active as r_active, r.notified_at as r_notifiedAt,
  r.snoozed_until_date as r_snoozedUntilDate, r.added_at as r_addedAt`;

type JoinedRow = Omit<HandoffRow, 'urgent'> & {
  urgent: number;
  r_teamId: string;
  r_userId: string;
  r_active: number;
  r_notifiedAt: number | null;
  r_snoozedUntilDate: string | null;
  r_addedAt: number;
};

const statements = (s: Database.Database) => ({
  person: s.prepare<[string, string], ScheduleColumns>(`select ${SCHEDULE_COLUMNS} from users u where u.team_id = ? and u.user_id = ?`),
  // Open handoffs where the person is an active recipient, oldest first.
  waiting: s.prepare<[string, string], JoinedRow>(`
    with picked as (
      select h.id from handoff_recipients mine join handoffs h on h.id = mine.handoff_id
      where mine.team_id = ? and mine.user_id = ? and mine.active = 1 and h.state in ('open', 'acknowledged')
      order by h.created_at, h.id limit ${WAITING_LIMIT})
    select ${HANDOFF_WITH_RECIPIENT_COLUMNS}
    from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
    order by h.created_at, h.id, r.added_at`),
  // The person's asks that were resolved or declined and that nobody has told them about yet.
  unblocked: s.prepare<[string, string], JoinedRow>(`
    with picked as (
      select h.id from handoffs h
      where h.team_id = ? and h.author_id = ? and h.state in ('done', 'declined') and h.author_notified_at is null
      order by h.resolved_at, h.id limit ${UNBLOCKED_LIMIT})
    select ${HANDOFF_WITH_RECIPIENT_COLUMNS}
    from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
    order by h.resolved_at, h.id, r.added_at`),
  openAuthored: s.prepare<[string, string], { n: number }>(
    `select count(*) as n from handoffs where team_id = ? and author_id = ? and state in ('open', 'acknowledged')`,
  ),
  // Whom the person waits on (active recipients of their oldest open asks), with their schedules.
  waitedOn: s.prepare<[string, string, string], ScheduleColumns>(`
    select distinct ${SCHEDULE_COLUMNS}
    from (select id from handoffs where team_id = ? and author_id = ? and state in ('open', 'acknowledged')
          order by created_at, id limit ${STARTER_SCAN_LIMIT}) h
    join handoff_recipients r on r.handoff_id = h.id and r.active = 1
    join users u on u.team_id = r.team_id and u.user_id = r.user_id
    where r.user_id <> ?`),
});

/** Rows of (handoff × recipient), in handoff order, back to handoffs with their recipients. */
function group(rows: JoinedRow[]): HandoffWithRecipients[] {
  const out: HandoffWithRecipients[] = [];
  let current: HandoffWithRecipients | undefined;
  for (const row of rows) {
    const { r_teamId, r_userId, r_active, r_notifiedAt, r_snoozedUntilDate, r_addedAt, urgent, ...h } = row;
    if (!current || current.id !== h.id) {
      current = { ...h, urgent: urgent === 1, recipients: [] };
      out.push(current);
    }
    const recipient: RecipientRow = {
      handoffId: h.id,
      teamId: r_teamId,
      userId: r_userId,
      active: r_active === 1,
      notifiedAt: r_notifiedAt,
      snoozedUntilDate: r_snoozedUntilDate,
      addedAt: r_addedAt,
    };
    current.recipients.push(recipient);
  }
  return out;
}

const scheduleKey = (s: WorkSchedule) => `${s.tz}|${s.startMinute}|${s.endMinute}|${s.workingDays}|${s.awayUntil ?? ''}`;
const MAX_CACHED_SCHEDULES = 10_000;

export class DigestBuilder {
  /** nextWorkStart per schedule: computed at `from`, the answer `next` holds for any now in [from, next). */
  private readonly starts = new Map<string, { from: number; next: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  build(teamId: string, userId: string, localDate: string): BuiltDigest | null {
    const q = prepared(this.db, statements);
    const user = q.person.get(teamId, userId);
    if (!user) return null;
    const now = this.clock.now();
    const waiting: DigestItem[] = group(q.waiting.all(teamId, userId)).map((h) => ({
      ...h,
      snoozedUntilDate: h.recipients.find((r) => r.userId === userId)?.snoozedUntilDate ?? null,
    }));
    const unblocked: DigestItem[] = group(q.unblocked.all(teamId, userId)).map((h) => ({ ...h, snoozedUntilDate: null }));
    // Nothing waits on them and nothing got resolved: no digest, and no need to look further.
    if (waiting.length === 0 && unblocked.length === 0) return null;
    const plan = planDigest<DigestItem>({
      localDate,
      unblocked,
      waitingOnYou: waiting,
      waitingOnOthersCount: q.openAuthored.get(teamId, userId)?.n ?? 0,
      nextStarter: this.nextStarter(q.waitedOn.all(teamId, userId, userId), now),
    });
    if (!plan) return null;
    const tz = scheduleOf(user as UserRow).tz;
    const dateLabel = formatLocal(localInstant(tz, localDate, 12 * 60), tz, 'EEEE d MMMM');
    return {
      plan,
      message: digestMessage(plan, userId, dateLabel, now),
      tz,
      dateLabel,
      // Everything listed counts as told, including the summarised tail (it is in App Home).
      unblockedIds: unblocked.map((h) => h.id),
      waitingIds: plan.waitingOnYou.map((h) => h.id),
    };
  }

  /** Among the people you wait on, whose workday starts soonest (and is not already running). */
  private nextStarter(people: ScheduleColumns[], now: Date): { userId: string; inMs: number } | null {
    let best: { userId: string; inMs: number } | null = null;
    for (const row of people) {
      const inMs = this.nextWorkStart(scheduleOf(row as UserRow), now) - now.getTime();
      if (!best || inMs < best.inMs) best = { userId: row.userId, inMs };
    }
    return best;
  }

  private nextWorkStart(s: WorkSchedule, now: Date): number {
    const key = scheduleKey(s);
    const t = now.getTime();
    const hit = this.starts.get(key);
    if (hit && hit.from <= t && t < hit.next) return hit.next;
    const next = nextWorkStart(s, now).getTime();
    if (this.starts.size >= MAX_CACHED_SCHEDULES) this.starts.clear();
    this.starts.set(key, { from: t, next });
    return next;
  }
}
