/**
 * Loads one person's digest data and renders it (used by delivery and by `handoff digest-preview`).
 * Built once per person per morning, on the delivery path: its reads are the few statements of
 * db/queries/digests.ts, prepared once per connection.
 */
import type { Db } from '../db/client';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { UserRow } from '../db/queries/users';
import { digestPerson, openAuthoredCount, untoldOutcomes, waitedOnSchedules, waitingOn, zoneColumns, type ScheduleColumns } from '../db/queries/digests';
import { planDigest, type DigestPlan, type WaitedOn } from '../domain/digest';
import { isWorkingAt, nextWorkStart, type WorkSchedule } from '../domain/workSchedule';
import { cityOf, formatLocal, localDateOf, localInstant } from '../time';
import type { Clock } from '../clock';
import { scheduleOf, zoneOf } from '../domain/personSchedule';
import { digestMessage, type DigestLateness, type DigestMessage, type DigestMode } from '../views/digestMessage';

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
    const user = digestPerson(this.db, teamId, userId);
    if (!user) return null;
    const mode: DigestMode = user.digestEnabled ? 'full' : 'news';
    const now = this.clock.now();
    const mine = (h: HandoffWithRecipients) => h.recipients.find((r) => r.userId === userId);
    let waiting: DigestItem[] = waitingOn(this.db, teamId, userId).map((h) => ({ ...h, snoozedUntilDate: mine(h)?.snoozedUntilDate ?? null }));
    // With the digest off, only what they were never told about (it waited for their day to start).
    if (mode === 'news') waiting = waiting.filter((h) => !mine(h)?.notifiedAt);
    // Their own actions (a note to self they completed) are never news to them.
    const untold = untoldOutcomes(this.db, teamId, userId);
    const resolved: DigestItem[] = untold.filter((h) => h.resolvedBy !== userId).map((h) => ({ ...h, snoozedUntilDate: null }));
    // Nothing waits on them and nothing got resolved: no digest, and no need to look further.
    if (waiting.length === 0 && resolved.length === 0) return null;
    const waitedOn = mode === 'full' ? this.waitedOn(waitedOnSchedules(this.db, teamId, userId), now) : { workingNow: [], nextStarter: null };
    const plan = planDigest<DigestItem>({
      localDate,
      unblocked: resolved.filter((h) => h.state === 'done'),
      declined: resolved.filter((h) => h.state === 'declined'),
      waitingOnYou: waiting,
      waitingOnOthersCount: mode === 'full' ? openAuthoredCount(this.db, teamId, userId) : 0,
      ...waitedOn,
    });
    if (!plan) return null;
    const tz = zoneOf(user);
    const dateLabel = formatLocal(localInstant(tz, localDate, 12 * 60), tz, 'EEEE d MMMM');
    return {
      plan,
      mode,
      message: digestMessage(plan, userId, dateLabel, now, { mode, late, tz, whereIs: this.cityOf(teamId) }),
      tz,
      dateLabel,
      // Everything listed counts as told, including the summarised tail (it is in App Home). Their
      // own resolutions are settled too, so they never come back.
      unblockedIds: untold.map((h) => h.id),
      waitingIds: plan.waitingOnYou.map((h) => h.id),
    };
  }

  /** Cards name where each person is (the city), looked up once per person per digest. */
  private cityOf(teamId: string): (userId: string) => string | null {
    const seen = new Map<string, string | null>();
    return (id) => {
      if (!seen.has(id)) {
        const z = zoneColumns(this.db, teamId, id);
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
