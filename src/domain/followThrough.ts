/**
 * Follow-through on asks nobody acts on (issue 16, part 1): when an ask counts as stale, when a nudge
 * may be given, and when a "needed by" is close. Everything is counted in the recipient's working
 * days and hours (workingTime.ts), never on the wall clock; their days off are in their schedule.
 */
import type { LocalDate } from '../time';
import { firstDigestSlotAfterInstant, type WorkSchedule } from './workSchedule';
import { shiftLengthMs, workingDaysWaited, workingMsBetween } from './workingTime';

/** Working days of the recipient without acknowledgement before an ask is marked (per workspace). */
export const DEFAULT_STALE_AFTER_WORKING_DAYS = 2;
/** The range workspace admins may choose from. */
export const MIN_STALE_AFTER_WORKING_DAYS = 1;
export const MAX_STALE_AFTER_WORKING_DAYS = 10;

/** A stored or submitted threshold, or the default when it is not a whole number in range. */
export function staleThresholdOf(days: number | null | undefined): number {
  return typeof days === 'number' && Number.isInteger(days) && days >= MIN_STALE_AFTER_WORKING_DAYS && days <= MAX_STALE_AFTER_WORKING_DAYS
    ? days
    : DEFAULT_STALE_AFTER_WORKING_DAYS;
}

/**
 * The recipient's working days the ask has waited, when that reaches `threshold` ("waiting 2 working
 * days"); null while it is fresh.
 */
export function staleWorkingDays(s: WorkSchedule, waitingSince: Date, now: Date, threshold = DEFAULT_STALE_AFTER_WORKING_DAYS): number | null {
  const days = workingDaysWaited(s, waitingSince, now);
  return days >= threshold ? days : null;
}

/**
 * The recipient's working day a nudge given now lands on: the local date of their next digest (a
 * nudge never pings; it puts the ask first there). Their schedule skips their days off.
 */
export function nudgeDay(s: WorkSchedule, now: Date): LocalDate {
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
export function neededBySoon(s: WorkSchedule, neededBy: Date, now: Date): boolean {
  if (neededBy.getTime() <= now.getTime()) return true;
  const day = shiftLengthMs(s);
  // Only whether a whole working day is left matters: counting stops there.
  return workingMsBetween(s, now, neededBy, day) < day;
}
