/**
 * Time counted in someone's working hours, never on the wall clock: how long an ask has really been
 * waiting on a person, and how much of their working time is left before a deadline. An ask sent on
 * Friday evening to Tokyo has waited no working time at all by Monday 08:59 in Tokyo.
 *
 * Pure: instants in, numbers out. A shift is the working window of one shift day (workSchedule.ts's
 * `isShiftDay`: a working weekday the person is not away on and that is not one of their days off,
 * such as a public holiday); a shift that crosses midnight belongs to the day it starts.
 */
import { addDays, localDateOf, localInstant, MS_PER_DAY, type LocalDate } from '../time';
import { isShiftDay, type WorkSchedule } from './workSchedule';

export interface Shift {
  date: LocalDate;
  start: Date;
  end: Date;
}

/** No stretch of time we measure is longer than this many calendar days (ten years): a bound, not a rule. */
const MAX_SPAN_DAYS = 3660;

/** The shift of `date`, or null when it is not a shift day. */
export function shiftOn(s: WorkSchedule, date: LocalDate): Shift | null {
  if (!isShiftDay(s, date)) return null;
  const start = localInstant(s.tz, date, s.startMinute);
  // Equal start and end is a 24-hour shift; an end at or before the start crosses midnight.
  const endDate = s.endMinute <= s.startMinute ? addDays(date, 1) : date;
  const end = localInstant(s.tz, endDate, s.endMinute);
  // A DST jump can make a short overnight shift end before it starts: it then has no length.
  return { date, start, end: end.getTime() > start.getTime() ? end : start };
}

/** The shifts that overlap [from, to), in order, one at a time: a caller that has its answer stops early. */
function* shiftsOverlapping(s: WorkSchedule, from: Date, to: Date): Generator<Shift> {
  if (to.getTime() <= from.getTime()) return;
  const last = localDateOf(s.tz, to);
  const days = Math.min(MAX_SPAN_DAYS, Math.ceil((to.getTime() - from.getTime()) / MS_PER_DAY) + 3);
  // From the day before: yesterday's overnight shift may still be running at `from`.
  let date = addDays(localDateOf(s.tz, from), -1);
  for (let i = 0; i < days && date <= last; i++, date = addDays(date, 1)) {
    const shift = shiftOn(s, date);
    if (shift && shift.end.getTime() > from.getTime() && shift.start.getTime() < to.getTime()) yield shift;
  }
}

/** The shifts that overlap [from, to), in order. */
export function shiftsBetween(s: WorkSchedule, from: Date, to: Date): Shift[] {
  return [...shiftsOverlapping(s, from, to)];
}

/** Working milliseconds in [from, to): never negative, never more than the wall-clock span. Counting stops at `cap`. */
export function workingMsBetween(s: WorkSchedule, from: Date, to: Date, cap = Infinity): number {
  let total = 0;
  for (const shift of shiftsOverlapping(s, from, to)) {
    total += Math.min(shift.end.getTime(), to.getTime()) - Math.max(shift.start.getTime(), from.getTime());
    if (total >= cap) return cap;
  }
  return total;
}

/**
 * How many of the person's working days an ask waited between `since` and `now`: the shifts that
 * ended by `now` while it was waiting. A shift it arrived during counts only if it arrived by the
 * shift's middle: an ask sent a minute before they stop has not waited that day. Counting stops at `cap`.
 */
export function workingDaysWaited(s: WorkSchedule, since: Date, now: Date, cap = 31): number {
  let n = 0;
  for (const shift of shiftsOverlapping(s, since, now)) {
    const middle = (shift.start.getTime() + shift.end.getTime()) / 2;
    if (shift.end.getTime() <= now.getTime() && since.getTime() <= middle) n++;
    if (n >= cap) break;
  }
  return n;
}

/** The length of the person's usual shift, for "less than one working day away". */
export function shiftLengthMs(s: WorkSchedule): number {
  const minutes = s.endMinute > s.startMinute ? s.endMinute - s.startMinute : s.endMinute + 1440 - s.startMinute;
  return minutes * 60_000;
}
