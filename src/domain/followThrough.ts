/**
 * Follow-through on asks nobody acts on (issue 16, part 1): when an ask counts as stale, when a nudge
 * may be given, and when a "needed by" is close. Everything is counted in the recipient's working
 * days and hours (workingTime.ts), never on the wall clock.
 */
import type { LocalDate } from '../time';
import { firstDigestSlotAfterInstant } from './workSchedule';
import { shiftLengthMs, workingDaysWaited, workingMsBetween, type WorkCalendar } from './workingTime';

/** Working days of the recipient without acknowledgement before an ask is marked (per workspace). */
export const DEFAULT_STALE_AFTER_WORKING_DAYS = 2;

/**
 * The recipient's working days the ask has waited, when that reaches `threshold` ("waiting 2 working
 * days"); null while it is fresh.
 */
export function staleWorkingDays(cal: WorkCalendar, waitingSince: Date, now: Date, threshold = DEFAULT_STALE_AFTER_WORKING_DAYS): number | null {
  const days = workingDaysWaited(cal, waitingSince, now);
  return days >= threshold ? days : null;
}

/**
 * The recipient's working day a nudge given now lands on: the local date of their next digest (a
 * nudge never pings; it puts the ask first there).
 */
export function nudgeDay(cal: WorkCalendar, now: Date): LocalDate {
  const s = cal.schedule;
  // Days off the schedule does not know of (holidays) are skipped: the nudge waits for a real workday.
  for (let at = now, i = 0; i < 31; i++) {
    const slot = firstDigestSlotAfterInstant(s, at);
    if (!cal.isDayOff?.(slot.localDate)) return slot.localDate;
    at = slot.at;
  }
  return firstDigestSlotAfterInstant(s, now).localDate;
}

/** At most one nudge per handoff per recipient working day. */
export function mayNudge(lastNudgeDay: LocalDate | null, day: LocalDate): boolean {
  return lastNudgeDay === null || lastNudgeDay < day;
}

/**
 * Whether an open handoff's "needed by" is less than one of the recipient's working days away (in
 * their working time), or already past.
 */
export function neededBySoon(cal: WorkCalendar, neededBy: Date, now: Date): boolean {
  if (neededBy.getTime() <= now.getTime()) return true;
  return workingMsBetween(cal, now, neededBy) < shiftLengthMs(cal.schedule);
}
