/**
 * Loads one person's digest data and renders it (used by delivery and by `handoff digest-preview`).
 * Built once per person per morning, on the delivery path: its reads are the few statements of
 * db/queries/digests.ts, prepared once per connection.
 */
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { UserRow } from '../db/queries/users';
import type { ScheduleColumns } from '../db/queries/digests';
import type { DigestQueries, StoreOf, WorkspaceQueries } from '../db/store';
import { planDigest, type DigestPlan, type NeededSoon, type Unanswered, type WaitedOn } from '../domain/digest';
import { isWorkingAt, nextWorkStart, type WorkSchedule } from '../domain/workSchedule';
import { cityOf, formatLocal, localInstant } from '../time';
import type { Clock } from '../clock';
import { holidaysFromZone, scheduleKeyOf, scheduleOf, zoneOf } from '../domain/personSchedule';
import { neededBySoon, staleThresholdOf, staleWorkingDays } from '../domain/followThrough';
import { holidayPhrase } from '../views/availability';
import { peopleOnCards } from '../views/whereIs';
import { otherWorkspaceNames, uniquePeople, type PersonRef } from '../db/lookups';
import { digestMessage, type DigestLateness, type DigestMessage, type DigestMode } from '../views/digestMessage';
import type { CardWorkspace } from '../views/handoffCard';

export type DigestItem = HandoffWithRecipients & { snoozedUntilDate: string | null; staleDays?: number | null; nudged?: boolean };

export interface BuiltDigest {
  plan: DigestPlan<DigestItem>;
  /** 'full' is the morning digest; 'news' (digest turned off) only what waited for them, untold. */
  mode: DigestMode;
  message: DigestMessage;
  /** The person's time zone and the digest's date as people read it ("Thursday 26 November"). */
  tz: string;
  dateLabel: string;
  /** Where it is read, and what its cards' sibling workspaces are called (the plain-text preview names them too). */
  workspace: CardWorkspace;
  unblockedIds: number[];
  waitingIds: number[];
  /** The (handoff, recipient) silences this digest asked its reader about: never asked again. */
  offered: Array<{ handoffId: number; userId: string }>;
  /** The reader's asks this digest said are needed soon: never said again. */
  warnedNeededBy: number[];
}

const MAX_CACHED_SCHEDULES = 10_000;

export class DigestBuilder {
  /** nextWorkStart per schedule: computed at `from`, the answer `next` holds for any now in [from, next). */
  private readonly starts = new Map<string, { from: number; next: number }>();

  constructor(
    /** Only the digest reads: `handoff digest-preview` passes a read-only store. */
    private readonly store: StoreOf<DigestQueries & Pick<WorkspaceQueries, 'workspaceNames'>>,
    private readonly clock: Clock,
  ) {}

  /**
   * Whether the digest has anything to say, without building it: what decides that, and nothing of
   * the message. A delivery asks this before waiting for its turn (nothing to say costs no rate
   * budget), then builds once its turn comes, so what is sent is read just before it goes.
   */
  async hasNews(teamId: string, userId: string, localDate: string): Promise<boolean> {
    const items = await this.gather(teamId, userId, localDate);
    return items !== null && planDigest<DigestItem>({ ...items.input, waitingOnOthersCount: 0, workingNow: [], nextStarter: null }) !== null;
  }

  async build(teamId: string, userId: string, localDate: string, late: DigestLateness | null = null): Promise<BuiltDigest | null> {
    const items = await this.gather(teamId, userId, localDate);
    if (!items) return null;
    const { user, mode, now, untold, input } = items;
    const waitedOn = mode === 'full' ? this.waitedOn(await this.store.waitedOnSchedules(teamId, userId), now) : { workingNow: [], nextStarter: null };
    const waitingOnOthersCount = mode === 'full' ? await this.store.openAuthoredCount(teamId, userId) : 0;
    const plan = planDigest<DigestItem>({ ...input, waitingOnOthersCount, ...waitedOn });
    if (!plan) return null;
    const tz = zoneOf(user);
    const dateLabel = formatLocal(localInstant(tz, localDate, 12 * 60), tz, 'EEEE d MMMM');
    const [whereIs, workspace] = await Promise.all([this.cityOf(peopleOnCards(plan.waitingOnYou)), otherWorkspaceNames(this.store, teamId, plan.waitingOnYou)]);
    return {
      plan,
      mode,
      message: digestMessage(plan, userId, dateLabel, now, {
        mode,
        late,
        tz,
        whereIs,
        workspace,
        daysOff: holidayPhrase(user as UserRow, now),
        daysOffFromZone: holidaysFromZone(user as UserRow),
      }),
      tz,
      dateLabel,
      workspace,
      // Everything listed counts as told, including the summarised tail (it is in App Home). Their
      // own resolutions are settled too, so they never come back.
      unblockedIds: untold.map((h) => h.id),
      waitingIds: plan.waitingOnYou.map((h) => h.id),
      offered: plan.unanswered.map((a) => ({ handoffId: a.handoffId, userId: a.recipientId })),
      warnedNeededBy: plan.neededSoon.map((n) => n.handoffId),
    };
  }

  /** The reader and the items their digest would show; null when there are none. */
  private async gather(teamId: string, userId: string, localDate: string) {
    const [user, storedThreshold] = await Promise.all([this.store.digestPerson(teamId, userId), this.store.staleAfterWorkingDays(teamId)]);
    if (!user) return null;
    // The workspace's own threshold (admins set it), the same for the reader's asks and their colleagues'.
    const threshold = staleThresholdOf(storedThreshold);
    const mode: DigestMode = user.digestEnabled ? 'full' : 'news';
    const now = this.clock.now();
    const mine = (h: HandoffWithRecipients) => h.recipients.find((r) => r.userId === userId);
    // Asks nobody acknowledged for N of the reader's working days are marked and come first.
    const schedule = scheduleOf(user as UserRow);
    const staleDays = (h: HandoffWithRecipients) => {
      const since = mine(h)?.addedAt;
      return h.state === 'open' && since ? staleWorkingDays(schedule, new Date(since), now, threshold) : null;
    };
    // A nudge for this digest (or an earlier one it is still unanswered after) puts the ask first.
    const nudged = (h: HandoffWithRecipients) => {
      const on = mine(h)?.nudgedOn;
      return h.state === 'open' && !!on && on <= localDate;
    };
    let waiting: DigestItem[] = (await this.store.waitingOn(teamId, userId)).map((h) => ({
      ...h,
      snoozedUntilDate: mine(h)?.snoozedUntilDate ?? null,
      staleDays: staleDays(h),
      nudged: nudged(h),
    }));
    // With the digest off, only what they were never told about (it waited for their day to start), and
    // an ask its author nudged for this very digest: the author was told it would be first in it. (Not on
    // later days: the digest is off, so a nudge is news once.)
    if (mode === 'news') waiting = waiting.filter((h) => !mine(h)?.notifiedAt || (h.state === 'open' && mine(h)?.nudgedOn === localDate));
    // Their own actions (a note to self they completed) are never news to them.
    const untold = await this.store.untoldOutcomes(teamId, userId);
    const resolved: DigestItem[] = untold.filter((h) => h.resolvedBy !== userId).map((h) => ({ ...h, snoozedUntilDate: null }));
    const unanswered = mode === 'full' ? await this.unanswered(teamId, userId, now, threshold) : [];
    const neededSoon = mode === 'full' ? await this.neededSoon(teamId, userId, now) : [];
    // Nothing waits on them, nothing got resolved, nothing of theirs is unanswered or due: no digest.
    if (waiting.length === 0 && resolved.length === 0 && unanswered.length === 0 && neededSoon.length === 0) return null;
    return {
      user,
      mode,
      now,
      untold,
      input: {
        localDate,
        unblocked: resolved.filter((h) => h.state === 'done'),
        declined: resolved.filter((h) => h.state === 'declined'),
        waitingOnYou: waiting,
        unanswered,
        neededSoon,
      },
    };
  }

  /** The reader's unresolved asks needed within less than one working day of someone on them (in that person's hours). */
  private async neededSoon(teamId: string, authorId: string, now: Date): Promise<NeededSoon[]> {
    const byHandoff = new Map<number, NeededSoon>();
    for (const d of await this.store.neededByAsks(teamId, authorId)) {
      if (!neededBySoon(scheduleOf(d.schedule as UserRow), new Date(d.neededByAt), now)) continue;
      const line = byHandoff.get(d.handoffId) ?? { handoffId: d.handoffId, number: d.number, title: d.title, neededByAt: d.neededByAt, recipientIds: [] };
      line.recipientIds.push(d.recipientId);
      byHandoff.set(d.handoffId, line);
    }
    return [...byHandoff.values()];
  }

  /** The reader's open asks a recipient left unanswered for N of the recipient's working days, not yet offered. */
  private async unanswered(teamId: string, authorId: string, now: Date, threshold: number): Promise<Unanswered[]> {
    const out: Unanswered[] = [];
    for (const a of await this.store.unansweredAsks(teamId, authorId)) {
      const days = staleWorkingDays(scheduleOf(a.schedule as UserRow), new Date(a.addedAt), now, threshold);
      if (days !== null) out.push({ handoffId: a.handoffId, number: a.number, title: a.title, recipientId: a.recipientId, workingDays: days });
    }
    return out;
  }

  /** Cards name where each person is (the city): everyone the cards name, looked up once per digest. */
  private async cityOf(people: PersonRef[]): Promise<(userId: string) => string | null> {
    const unique = uniquePeople(people);
    const zones = await Promise.all(unique.map((p) => this.store.zoneColumns(p.teamId, p.userId)));
    const cities = new Map<string, string | null>();
    zones.forEach((z, i) => cities.set(unique[i]!.userId, z && (z.tzOverride || z.slackTz) ? cityOf(zoneOf(z)) : null));
    return (id) => cities.get(id) ?? null;
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
      const inMs = this.nextWorkStart(s, scheduleKeyOf(row as UserRow, s), now) - now.getTime();
      if (!nextStarter || inMs < nextStarter.inMs) nextStarter = { userId: row.userId, inMs, person: row };
    }
    return { workingNow, nextStarter };
  }

  private nextWorkStart(s: WorkSchedule, key: string, now: Date): number {
    const t = now.getTime();
    const hit = this.starts.get(key);
    if (hit && hit.from <= t && t < hit.next) return hit.next;
    const next = nextWorkStart(s, now).getTime();
    if (this.starts.size >= MAX_CACHED_SCHEDULES) this.starts.clear();
    this.starts.set(key, { from: t, next });
    return next;
  }
}
