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
import { planDigest, type DigestPlan, type WaitedOn } from '../domain/digest';
import { isWorkingAt, nextWorkStart, type WorkSchedule } from '../domain/workSchedule';
import { cityOf, formatLocal, localDateOf, localInstant } from '../time';
import type { Clock } from '../clock';
import { scheduleOf, zoneOf } from '../domain/personSchedule';
import { digestMessage, type DigestLateness, type DigestMessage, type DigestMode } from '../views/digestMessage';
import { prepared } from './sqlite';

export type DigestItem = HandoffWithRecipients & { snoozedUntilDate: string | null };

export interface BuiltDigest {
  plan: DigestPlan<DigestItem>;
  /** 'full' is the morning digest; 'news' (digest turned off) only what waited for them, untold. */
  mode: DigestMode;
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
type PersonColumns = ScheduleColumns & { digestEnabled: number };

const SCHEDULE_COLUMNS = `u.team_id as teamId, u.user_id as userId, u.slack_tz as slackTz, u.tz_override as tzOverride,
  u.workday_start_minute as workdayStartMinute, u.workday_end_minute as workdayEndMinute, u.working_days as workingDays, u.away_until as awayUntil`;

// One row per (handoff, recipient); `r_` columns are the recipient.
const HANDOFF_WITH_RECIPIENT_COLUMNS = `h.id, h.team_id as teamId, h.number, h.author_id as authorId, h.title, h.context, h.ask, h.links,
  h.if_offline as ifOffline, h.needed_by_at as neededByAt, h.urgent, h.state, h.channel_id as channelId, h.channel_ts as channelTs,
  h.source_permalink as sourcePermalink, h.resolution_note as resolutionNote, h.resolved_by as resolvedBy, h.resolved_at as resolvedAt,
  h.author_notified_at as authorNotifiedAt, h.idempotency_key as idempotencyKey, h.created_at as createdAt, h.updated_at as updatedAt,
  r.team_id as r_teamId, r.user_id as r_userId, r.active as r_active, r.notified_at as r_notifiedAt,
  r.snoozed_until_date as r_snoozedUntilDate, r.added_at as r_addedAt, r.position as r_position`;

type JoinedRow = Omit<HandoffRow, 'urgent'> & {
  urgent: number;
  r_teamId: string;
  r_userId: string;
  r_active: number;
  r_notifiedAt: number | null;
  r_snoozedUntilDate: string | null;
  r_addedAt: number;
  r_position: number;
};

const statements = (s: Database.Database) => ({
  person: s.prepare<[string, string], PersonColumns>(`select ${SCHEDULE_COLUMNS}, u.digest_enabled as digestEnabled from users u where u.team_id = ? and u.user_id = ?`),
  zone: s.prepare<[string, string], { slackTz: string | null; tzOverride: string | null }>(`select slack_tz as slackTz, tz_override as tzOverride from users where team_id = ? and user_id = ?`),
  // Open handoffs where the person is an active recipient, oldest first.
  waiting: s.prepare<[string, string], JoinedRow>(`
    with picked as (
      select h.id from handoff_recipients mine join handoffs h on h.id = mine.handoff_id
      where mine.team_id = ? and mine.user_id = ? and mine.active = 1 and h.state in ('open', 'acknowledged')
      order by h.created_at, h.id limit ${WAITING_LIMIT})
    select ${HANDOFF_WITH_RECIPIENT_COLUMNS}
    from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
    order by h.created_at, h.id, r.position, r.added_at`),
  // The person's asks that were resolved or declined and that nobody has told them about yet.
  unblocked: s.prepare<[string, string], JoinedRow>(`
    with picked as (
      select h.id from handoffs h
      where h.team_id = ? and h.author_id = ? and h.state in ('done', 'declined') and h.author_notified_at is null
      order by h.resolved_at, h.id limit ${UNBLOCKED_LIMIT})
    select ${HANDOFF_WITH_RECIPIENT_COLUMNS}
    from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
    order by h.resolved_at, h.id, r.position, r.added_at`),
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
    const { r_teamId, r_userId, r_active, r_notifiedAt, r_snoozedUntilDate, r_addedAt, r_position, urgent, ...h } = row;
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
      position: r_position,
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

  build(teamId: string, userId: string, localDate: string, late: DigestLateness | null = null): BuiltDigest | null {
    const q = prepared(this.db, statements);
    const user = q.person.get(teamId, userId);
    if (!user) return null;
    const mode: DigestMode = user.digestEnabled ? 'full' : 'news';
    const now = this.clock.now();
    const mine = (h: HandoffWithRecipients) => h.recipients.find((r) => r.userId === userId);
    let waiting: DigestItem[] = group(q.waiting.all(teamId, userId)).map((h) => ({ ...h, snoozedUntilDate: mine(h)?.snoozedUntilDate ?? null }));
    // With the digest off, only what they were never told about (it waited for their day to start).
    if (mode === 'news') waiting = waiting.filter((h) => !mine(h)?.notifiedAt);
    // Their own actions (a note to self they completed) are never news to them.
    const untold = group(q.unblocked.all(teamId, userId));
    const resolved: DigestItem[] = untold.filter((h) => h.resolvedBy !== userId).map((h) => ({ ...h, snoozedUntilDate: null }));
    // Nothing waits on them and nothing got resolved: no digest, and no need to look further.
    if (waiting.length === 0 && resolved.length === 0) return null;
    const waitedOn = mode === 'full' ? this.waitedOn(q.waitedOn.all(teamId, userId, userId), now) : { workingNow: [], nextStarter: null };
    const plan = planDigest<DigestItem>({
      localDate,
      unblocked: resolved.filter((h) => h.state === 'done'),
      declined: resolved.filter((h) => h.state === 'declined'),
      waitingOnYou: waiting,
      waitingOnOthersCount: mode === 'full' ? (q.openAuthored.get(teamId, userId)?.n ?? 0) : 0,
      ...waitedOn,
    });
    if (!plan) return null;
    const tz = zoneOf(user);
    const dateLabel = formatLocal(localInstant(tz, localDate, 12 * 60), tz, 'EEEE d MMMM');
    return {
      plan,
      mode,
      message: digestMessage(plan, userId, dateLabel, now, { mode, late, tz, whereIs: this.cityOf(q, teamId) }),
      tz,
      dateLabel,
      // Everything listed counts as told, including the summarised tail (it is in App Home). Their
      // own resolutions are settled too, so they never come back.
      unblockedIds: untold.map((h) => h.id),
      waitingIds: plan.waitingOnYou.map((h) => h.id),
    };
  }

  /** Cards name where each person is (the city), looked up once per person per digest. */
  private cityOf(q: ReturnType<typeof statements>, teamId: string): (userId: string) => string | null {
    const seen = new Map<string, string | null>();
    return (id) => {
      if (!seen.has(id)) {
        const z = q.zone.get(teamId, id);
        seen.set(id, z && (z.tzOverride || z.slackTz) ? cityOf(zoneOf(z)) : null);
      }
      return seen.get(id) ?? null;
    };
  }

  /** Among the people you wait on: who is working now; if nobody, whose day starts next. */
  private waitedOn(people: ScheduleColumns[], now: Date): WaitedOn {
    const workingNow: string[] = [];
    let nextStarter: WaitedOn['nextStarter'] = null;
    for (const row of people) {
      const s = scheduleOf(row as UserRow);
      if (isWorkingAt(s, now)) {
        workingNow.push(row.userId);
        continue;
      }
      const inMs = this.nextWorkStart(s, now) - now.getTime();
      const away = s.awayUntil && localDateOf(s.tz, now) < s.awayUntil ? s.awayUntil : null;
      if (!nextStarter || inMs < nextStarter.inMs) nextStarter = { userId: row.userId, inMs, awayUntil: away, tz: s.tz };
    }
    return { workingNow, nextStarter };
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
