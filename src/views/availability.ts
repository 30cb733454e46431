/**
 * One wording for where a person stands, used wherever availability is shown (confirmations, the
 * handoff form, lists, App Home, digests): "10:00 in Auckland, working now", "02:14 in Lisbon, their
 * day starts in 6 h 46 m", "15:00 in Paris, away until Mon 15 Mar (Slack status)", "…; Tue 1 Dec is
 * a public holiday in Portugal". The clock is the person's own; the day they are back is in the
 * reader's zone when it is known (a calendar holiday stays the person's own date).
 */
import { availabilityAt, daysOffAhead, type Availability, type WorkSchedule } from '../domain/workSchedule';
import { holidayRegionOf, scheduleOf, type PersonScheduleFields } from '../domain/personSchedule';
import { cityOf, formatDuration, formatLocal, holidayRegionName, localInstant } from '../time';

export type Subject = 'their' | 'your';

/** A person's local date ('2027-03-15') as people read it: 'Mon 15 Mar'. */
export function humanDate(tz: string, localDate: string): string {
  return formatLocal(localInstant(tz, localDate, 12 * 60), tz, 'EEE d MMM');
}

export function availabilityPhrase(s: WorkSchedule, a: Availability, now: Date, subject: Subject): string {
  switch (a.kind) {
    case 'working':
      return 'working now';
    case 'away':
      return `away until ${humanDate(s.tz, a.until)}`;
    case 'off':
      return `${subject} day starts in ${formatDuration(Math.max(0, a.nextStart.getTime() - now.getTime()))}`;
  }
}

/** "02:14 in Lisbon, their day starts in 6 h 46 m". */
export function describeAvailability(s: WorkSchedule, now: Date, subject: Subject = 'their'): string {
  return `${formatLocal(now, s.tz, 'HH:mm')} in ${cityOf(s.tz)}, ${availabilityPhrase(s, availabilityAt(s, now), now, subject)}`;
}

/** Away because their Slack status says so (it decides the date), rather than their own setting. */
export function awayBySlackStatus(p: Pick<PersonScheduleFields, 'awayUntil' | 'statusAwayUntil'>): boolean {
  return !!p.statusAwayUntil && (!p.awayUntil || p.statusAwayUntil >= p.awayUntil);
}

/**
 * "away until Mon 7 Dec (Slack status)": the day they are back (their first shift), in the reader's
 * zone when known; null when they are not away.
 */
export function awayPhrase(p: PersonScheduleFields, now: Date, readerTz: string | null): string | null {
  const s = scheduleOf(p);
  const a = availabilityAt(s, now);
  if (a.kind !== 'away') return null;
  const back = formatLocal(a.nextStart, readerTz ?? s.tz, 'EEE d MMM');
  return `away until ${back}${awayBySlackStatus(p) ? ' (Slack status)' : ''}`;
}

/** "Tue 1 Dec is a public holiday in Portugal" for the days off before their next shift; null when none. */
export function holidayPhrase(p: PersonScheduleFields, now: Date): string | null {
  const region = holidayRegionOf(p);
  if (!region) return null;
  const s = scheduleOf(p);
  const days = daysOffAhead(s, now);
  if (days.length === 0) return null;
  const dates = days.map((d) => humanDate(s.tz, d));
  const list = dates.length === 1 ? dates[0]! : `${dates.slice(0, -1).join(', ')} and ${dates[dates.length - 1]}`;
  return `${list} ${dates.length === 1 ? 'is a public holiday' : 'are public holidays'} in ${holidayRegionName(region)}`;
}

/**
 * A person's clock and availability with the reasons behind it: "15:00 in Lisbon, away until Mon 7 Dec
 * (Slack status)", "18:00 in Lisbon, their day starts in 1 d 15 h; Tue 1 Dec is a public holiday in Portugal".
 */
export function describePerson(p: PersonScheduleFields, now: Date, subject: Subject = 'their', readerTz: string | null = null): string {
  const s = scheduleOf(p);
  const away = awayPhrase(p, now, readerTz);
  const base = away ? `${formatLocal(now, s.tz, 'HH:mm')} in ${cityOf(s.tz)}, ${away}` : describeAvailability(s, now, subject);
  const holiday = away ? null : holidayPhrase(p, now);
  return holiday ? `${base}; ${holiday}` : base;
}
