/** Loads one person's digest data and renders it (used by delivery and by `handoff digest-preview`). */
import type { Db } from '../db/client';
import { countOpenAuthored, listAuthoredOpen, listUnblockedNotYetTold, listWaitingOn, type HandoffWithRecipients } from '../db/queries/handoffs';
import { getUser } from '../db/queries/users';
import { planDigest, type DigestPlan } from '../domain/digest';
import { nextWorkStart } from '../domain/workSchedule';
import { formatLocal, localInstant } from '../time';
import type { Clock } from '../clock';
import { scheduleOf } from '../services/people';
import { digestMessage, type DigestMessage } from '../views/digestMessage';

type Item = HandoffWithRecipients & { snoozedUntilDate: string | null };

export interface BuiltDigest {
  plan: DigestPlan<Item>;
  message: DigestMessage;
  unblockedIds: number[];
  waitingIds: number[];
}

export class DigestBuilder {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  build(teamId: string, userId: string, localDate: string): BuiltDigest | null {
    const user = getUser(this.db, teamId, userId);
    if (!user) return null;
    const now = this.clock.now();
    const waiting: Item[] = listWaitingOn(this.db, teamId, userId).map((h) => ({
      ...h,
      snoozedUntilDate: h.recipients.find((r) => r.userId === userId)?.snoozedUntilDate ?? null,
    }));
    const unblocked: Item[] = listUnblockedNotYetTold(this.db, teamId, userId).map((h) => ({ ...h, snoozedUntilDate: null }));
    const plan = planDigest<Item>({
      localDate,
      unblocked,
      waitingOnYou: waiting,
      waitingOnOthersCount: countOpenAuthored(this.db, teamId, userId),
      nextStarter: this.nextStarter(teamId, userId, now),
    });
    if (!plan) return null;
    const tz = scheduleOf(user).tz;
    const dateLabel = formatLocal(localInstant(tz, localDate, 12 * 60), tz, 'EEEE d MMMM');
    return {
      plan,
      message: digestMessage(plan, userId, dateLabel, now),
      // Everything listed counts as told, including the summarised tail (it is in App Home).
      unblockedIds: unblocked.map((h) => h.id),
      waitingIds: plan.waitingOnYou.map((h) => h.id),
    };
  }

  /** Among the people you wait on, whose workday starts soonest (and is not already running). */
  private nextStarter(teamId: string, userId: string, now: Date): { userId: string; inMs: number } | null {
    const people = new Set(listAuthoredOpen(this.db, teamId, userId, 100).flatMap((h) => h.recipients.filter((r) => r.active).map((r) => r.userId)));
    people.delete(userId);
    let best: { userId: string; inMs: number } | null = null;
    for (const id of people) {
      const row = getUser(this.db, teamId, id);
      if (!row) continue;
      const inMs = nextWorkStart(scheduleOf(row), now).getTime() - now.getTime();
      if (!best || inMs < best.inMs) best = { userId: id, inMs };
    }
    return best;
  }
}
