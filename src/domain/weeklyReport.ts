/**
 * When a person's weekly async-health report goes (issue 16, part 3), pure: at the start of the first
 * shift of their week, in their zone (Monday 09:00 for most; a public holiday or an away Monday moves
 * it to the next shift day of that week). The report covers the week before, as the person lived it:
 * Monday 00:00 to Monday 00:00 in their zone, so it has ended for everyone when it is sent (a UTC week
 * has not yet ended at 09:00 Monday in Auckland).
 *
 * One report per person per ISO week (the dedupe key). It is only ever sent inside one of their
 * shifts: planned at the start of the first shift of the week, or, if Handoff was not running then,
 * during a later shift of the same week; never at night, and never in a later week.
 */
import { addDays, isoWeekOf, localDateOf, localInstant, weekdayOf, type LocalDate } from '../time';
import type { HealthPeriod } from './asyncHealth';
import type { WorkSchedule } from './workSchedule';
import { shiftOn } from './workingTime';

/** Planned this long before its start, like the digest: ready in the outbox at the start itself. */
export const REPORT_PLAN_AHEAD_MS = 60_000;

export interface WeeklyReportSlot {
  /** The ISO week it is sent in, '2027-W11': one report per person and week. */
  week: string;
  /** The Monday of that week, in the person's zone. */
  monday: LocalDate;
  /** When it goes: the start of the shift (never before it). */
  at: Date;
  /** The end of that shift: past it, the report is not sent at all (never at night). */
  sendBy: Date;
  /** What it covers: the week before, Monday 00:00 to Monday 00:00 in the person's zone. */
  period: HealthPeriod;
}

/**
 * The report of the person's current week whose shift has not ended by `now`: the first shift of the
 * week, or a later one of the same week when that has passed. Null when no shift of this week is left
 * (a week away, or past Friday's end): that week's report is not sent.
 */
export function weeklyReportSlot(s: WorkSchedule, now: Date): WeeklyReportSlot | null {
  const today = localDateOf(s.tz, now);
  const monday = addDays(today, -((weekdayOf(today) + 6) % 7));
  for (let i = 0; i < 7; i++) {
    const shift = shiftOn(s, addDays(monday, i));
    if (!shift || shift.end.getTime() <= now.getTime()) continue;
    return {
      week: isoWeekOf(monday),
      monday,
      at: shift.start,
      sendBy: shift.end,
      period: { from: localInstant(s.tz, addDays(monday, -7), 0), to: localInstant(s.tz, monday, 0) },
    };
  }
  return null;
}

/** Whether the slot should be put in the outbox now (at most REPORT_PLAN_AHEAD_MS before it). */
export function reportDue(slot: WeeklyReportSlot, now: Date): boolean {
  return slot.at.getTime() - REPORT_PLAN_AHEAD_MS <= now.getTime() && now.getTime() < slot.sendBy.getTime();
}

/** How many weeks the weekly DM's chart shows, ending with the reported one: a trend, not one bar. */
export const TREND_WEEKS = 8;

/**
 * The chart's period of a report: the `weeks` local weeks ending with the reported one (its Monday
 * 00:00 in `tz`, `weeks - 1` weeks earlier, to the report's end), so daylight-saving changes between
 * them do not shift its start by an hour; its bars are those weeks too. The text still covers the
 * reported week only.
 */
export function trendPeriod(period: HealthPeriod, tz: string, weeks = TREND_WEEKS): HealthPeriod {
  const monday = localDateOf(tz, period.from);
  return { from: localInstant(tz, addDays(monday, -7 * (weeks - 1)), 0), to: period.to, tz };
}
