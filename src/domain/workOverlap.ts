/**
 * When do people's working hours overlap? Pure maths on WorkSchedules (domain/workSchedule.ts):
 * `isWorkingAt` stays the single definition of "working", this module only finds the instants where
 * its answer can change and reads it between them.
 *
 * Someone's working status can only change at a shift start or end (resolved through the zone, so
 * DST gaps move them as they move digests), at a local midnight (a new date: working day, away
 * dates), or at a UTC-offset change of their zone. Between two consecutive such instants it is
 * constant, so checking the first instant of each piece is exact.
 */
import { addDays, localDateOf, localInstant, MS_PER_HOUR, offsetMs } from '../time';
import { assertSchedule, isWorkingAt, type WorkSchedule } from './workSchedule';

export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Offset changes of `tz` in (from, to]: hourly steps (zones change at most once an hour), then bisection to the ms. */
function offsetChanges(tz: string, from: number, to: number): number[] {
  const out: number[] = [];
  let prev = offsetMs(tz, new Date(from));
  for (let t = from; t < to; ) {
    const next = Math.min(t + MS_PER_HOUR, to);
    const cur = offsetMs(tz, new Date(next));
    if (cur !== prev) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMs(tz, new Date(mid)) === prev) lo = mid;
        else hi = mid;
      }
      out.push(hi);
      prev = cur;
    }
    t = next;
  }
  return out;
}

/** Every instant in (from, to) where this person's working status may change. */
function changePoints(s: WorkSchedule, from: number, to: number): number[] {
  const points: number[] = [];
  const first = addDays(localDateOf(s.tz, new Date(from)), -1);
  const last = addDays(localDateOf(s.tz, new Date(to)), 1);
  for (let date = first; date <= last; date = addDays(date, 1)) {
    for (const minute of [0, s.startMinute, s.endMinute]) points.push(localInstant(s.tz, date, minute).getTime());
  }
  points.push(...offsetChanges(s.tz, from, to));
  return points.filter((t) => t > from && t < to);
}

/**
 * The windows in [from, to) during which every schedule is working, in order, adjacent pieces
 * merged. An empty list of schedules has no windows (nobody to meet).
 */
export function commonWorkingWindows(schedules: readonly WorkSchedule[], from: Date, to: Date): TimeWindow[] {
  const a = from.getTime();
  const b = to.getTime();
  if (schedules.length === 0 || !(b > a)) return [];
  for (const s of schedules) assertSchedule(s);
  const cuts = [...new Set([a, ...schedules.flatMap((s) => changePoints(s, a, b)), b])].sort((x, y) => x - y);
  const windows: TimeWindow[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i]!;
    const end = cuts[i + 1]!;
    if (!schedules.every((s) => isWorkingAt(s, new Date(start)))) continue;
    const prev = windows.at(-1);
    if (prev && prev.end.getTime() === start) prev.end = new Date(end);
    else windows.push({ start: new Date(start), end: new Date(end) });
  }
  return windows;
}

/** Longest a shift can last; a window starting before the horizon is followed this far to find its end. */
const MAX_SHIFT_MS = 25 * MS_PER_HOUR;

/**
 * The first moment from `from` on, within `horizonMs`, when everyone is working, with the end of
 * that shared stretch (which may lie past the horizon). Null when there is none in the horizon.
 */
export function nextCommonWindow(schedules: readonly WorkSchedule[], from: Date, horizonMs: number): TimeWindow | null {
  const horizonEnd = from.getTime() + horizonMs;
  const first = commonWorkingWindows(schedules, from, new Date(horizonEnd + MAX_SHIFT_MS))[0];
  return first && first.start.getTime() < horizonEnd ? first : null;
}

/**
 * When this person's most recent shift ended, looking back at most `lookbackMs` from `at`; null if
 * they are working at `at` or did not work in that time.
 */
export function lastShiftEnd(s: WorkSchedule, at: Date, lookbackMs: number): Date | null {
  if (isWorkingAt(s, at)) return null;
  const windows = commonWorkingWindows([s], new Date(at.getTime() - lookbackMs), at);
  const last = windows.at(-1);
  return last ? last.end : null;
}

/** "In the next 24 h" is the question a proposed call raises. */
export const OVERLAP_HORIZON_MS = 24 * MS_PER_HOUR;
/** How far to look for the next shared time when there is none in the horizon. */
export const OVERLAP_LOOKAHEAD_MS = 7 * 24 * MS_PER_HOUR;

export type OverlapSummary =
  /** The proposer and everyone else are working right now; the window says until when. */
  | { kind: 'now'; window: TimeWindow }
  /** Not now, but within the horizon. */
  | { kind: 'later'; window: TimeWindow }
  /**
   * No shared working time in the horizon. `next` is the first one within the lookahead (null if
   * none); `blocker` is the person, by index, whose day ended most recently among those the
   * proposer cannot reach in the horizon, when that was within the horizon.
   */
  | { kind: 'none'; next: TimeWindow | null; blocker: { index: number; endedAt: Date } | null };

/** How the proposer's working hours meet the others' from `now` on; null with nobody else. */
export function overlapSummary(proposer: WorkSchedule, others: readonly WorkSchedule[], now: Date): OverlapSummary | null {
  if (others.length === 0) return null;
  const everyone = [proposer, ...others];
  const soon = nextCommonWindow(everyone, now, OVERLAP_HORIZON_MS);
  if (soon) return { kind: soon.start.getTime() === now.getTime() ? 'now' : 'later', window: soon };
  let blocker: { index: number; endedAt: Date } | null = null;
  others.forEach((s, index) => {
    if (nextCommonWindow([proposer, s], now, OVERLAP_HORIZON_MS)) return;
    const endedAt = lastShiftEnd(s, now, OVERLAP_HORIZON_MS);
    if (endedAt && (!blocker || endedAt > blocker.endedAt)) blocker = { index, endedAt };
  });
  return { kind: 'none', next: nextCommonWindow(everyone, now, OVERLAP_LOOKAHEAD_MS), blocker };
}
