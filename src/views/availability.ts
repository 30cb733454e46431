/**
 * One wording for where a person stands, used wherever availability is shown (confirmations, the
 * handoff form, lists, App Home, digests): "10:00 in Auckland, working now", "02:14 in Lisbon, their
 * day starts in 6 h 46 m", "15:00 in Paris, away until Mon 15 Mar". Times are the person's own.
 */
import { availabilityAt, type Availability, type WorkSchedule } from '../domain/workSchedule';
import { cityOf, formatDuration, formatLocal, localInstant } from '../time';

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
