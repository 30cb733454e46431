/**
 * Time counted in someone's working hours, never on the wall clock: how long an ask has really been
 * waiting on a person, and how much of their working time is left before a deadline. An ask sent on
 * Friday evening to Tokyo has waited no working time at all by Monday 08:59 in Tokyo.
 *
 * Pure: instants in, numbers out. A shift is the working window of one shift day (a working weekday
 * the person is not away on, nor has off for another reason such as a public holiday); a shift that
 * crosses midnight belongs to the day it starts, as in workSchedule.ts.
 */
import { addDays, localDateOf, localInstant, MS_PER_DAY, type LocalDate } from '../time';
import { isShiftDay, type WorkSchedule } from './workSchedule';

/** A schedule plus days off it does not know about (public holidays): those have no shift. */
export interface WorkCalendar {
  schedule: WorkSchedule;
  isDayOff?: (date: LocalDate) => boolean;
}

export interface Shift {
  date: LocalDate;
  start: Date;
  end: Date;
}

/** No stretch of time we measure is longer than this many calendar days (ten years): a bound, not a rule. */
const MAX_SPAN_DAYS = 3660;

/** The shift of `date`, or null when it is not a shift day. */
export function shiftOn(cal: WorkCalendar, date: LocalDate): Shift | null {
  const s = cal.schedule;
  if (!isShiftDay(s, date) || cal.isDayOff?.(date)) return null;
  const start = localInstant(s.tz, date, s.startMinute);
  // Equal start and end is a 24-hour shift; an end at or before the start crosses midnight.
  const endDate = s.endMinute <= s.startMinute ? addDays(date, 1) : date;
  const end = localInstant(s.tz, endDate, s.endMinute);
  // A DST jump can make a short overnight shift end before it starts: it then has no length.
  return { date, start, end: end.getTime() > start.getTime() ? end : start };
}

/** The shifts that overlap [from, to), in order. */
export function shiftsBetween(cal: WorkCalendar, from: Date, to: Date): Shift[] {
  if (to.getTime() <= from.getTime()) return [];
  const tz = cal.schedule.tz;
  const last = localDateOf(tz, to);
  const days = Math.min(MAX_SPAN_DAYS, Math.ceil((to.getTime() - from.getTime()) / MS_PER_DAY) + 3);
  const out: Shift[] = [];
  // From the day before: yesterday's overnight shift may still be running at `from`.
  let date = addDays(localDateOf(tz, from), -1);
  for (let i = 0; i < days && date <= last; i++, date = addDays(date, 1)) {
    const shift = shiftOn(cal, date);
    if (shift && shift.end.getTime() > from.getTime() && shift.start.getTime() < to.getTime()) out.push(shift);
  }
  return out;
}

/** Working milliseconds in [from, to): never negative, never more than the wall-clock span. */
export function workingMsBetween(cal: WorkCalendar, from: Date, to: Date): number {
  let total = 0;
  for (const shift of shiftsBetween(cal, from, to)) {
    total += Math.min(shift.end.getTime(), to.getTime()) - Math.max(shift.start.getTime(), from.getTime());
  }
  return total;
}

/**
 * How many of the person's working days an ask waited between `since` and `now`: the shifts that
 * ended by `now` while it was waiting (a shift it arrived during counts; one it arrived after does
 * not). Counting stops at `cap`.
 */
export function workingDaysWaited(cal: WorkCalendar, since: Date, now: Date, cap = 31): number {
  let n = 0;
  for (const shift of shiftsBetween(cal, since, now)) {
    if (shift.end.getTime() <= now.getTime() && shift.end.getTime() > since.getTime()) n++;
    if (n >= cap) break;
  }
  return n;
}

/** The length of the person's usual shift, for "less than one working day away". */
export function shiftLengthMs(s: WorkSchedule): number {
  const minutes = s.endMinute > s.startMinute ? s.endMinute - s.startMinute : s.endMinute + 1440 - s.startMinute;
  return minutes * 60_000;
}
