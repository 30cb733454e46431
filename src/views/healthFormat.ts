/** How the async-health figures read to people: working time in hours, shares in whole percent. */
import { isSuppressed, MIN_GROUP, type DurationStats, type Guarded, type MeetingFigures, type Share } from '../domain/asyncHealth';

/** What a figure hidden by the privacy rule reads as: never a zero. */
const NOT_SHOWN = `not shown (fewer than ${MIN_GROUP} people)`;

/** A team count, or the words for one whose group is too small. */
export const countLine = (n: Guarded<number>): string => (isSuppressed(n) ? NOT_SHOWN : String(n));

/** "3 proposed, 1 turned into handoffs, …", or the words for a group too small. */
export function meetingsLine(m: Guarded<MeetingFigures>): string {
  if (isSuppressed(m)) return NOT_SHOWN;
  return `${m.proposed} proposed, ${m.converted} turned into handoffs, ${m.keptWithAgenda} kept with an agenda, ${m.dismissed} dismissed`;
}

/** Working time as hours and minutes ("20 h", "5 h 30 m", "45 m"): never days, which would read as calendar days. */
export function workingTime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} m`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} m`;
}

export const percent = (s: Share): string => (s.share === null ? 'n/a' : `${Math.round(s.share * 100)} %`);

/** "median 4 h, p90 20 h (8 answered)", or a word when there is nothing to show. */
export function durationLine(d: Guarded<DurationStats>): string {
  if (isSuppressed(d)) return NOT_SHOWN;
  if (d.count === 0 || d.medianMs === null || d.p90Ms === null) return 'no answers yet';
  return `median ${workingTime(d.medianMs)}, p90 ${workingTime(d.p90Ms)} (${d.count} answered)`;
}

export function shareLine(s: Guarded<Share>): string {
  if (isSuppressed(s)) return NOT_SHOWN;
  return s.of === 0 ? 'no answers yet' : `${percent(s)} (${s.within} of ${s.of})`;
}
