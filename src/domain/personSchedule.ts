/**
 * A person's stored settings and digest plan (the users table's columns, by their schema names) as
 * the schedule rules read them. Pure: the db layer loads the row, this interprets it — so the
 * scheduler, the services and the CLI all read a person the same way.
 */
import { isValidTimeZone, maxLocalDate, proposedHolidayRegion, publicHolidayOn } from '../time';
import { firstDigestSlotAfterDate, isRepeatOfServedDate, type DigestHistory, type PlannedDigest, type WorkSchedule } from './workSchedule';

export interface PersonScheduleFields {
  tzOverride: string | null;
  slackTz: string | null;
  workdayStartMinute: number;
  workdayEndMinute: number;
  workingDays: number;
  awayUntil: string | null;
  /** The region whose public holidays are their days off ("PT", "DE-BY"); null: their zone's country; 'off': none. */
  holidayRegion: string | null;
  /** Away by their Slack status until this local date (see domain/awayStatus.ts). */
  statusAwayUntil: string | null;
}

export interface PersonDigestFields {
  nextDigestAt: number | null;
  nextDigestLocalDate: string | null;
  lastDigestLocalDate: string | null;
  lastDigestAt: number | null;
}

/** The zone a person lives by: their own override, else their Slack profile's, else UTC. */
export function zoneOf(p: Pick<PersonScheduleFields, 'tzOverride' | 'slackTz'>): string {
  return [p.tzOverride, p.slackTz].find((z): z is string => !!z && isValidTimeZone(z)) ?? 'UTC';
}

export function scheduleOf(p: PersonScheduleFields): WorkSchedule {
  const region = holidayRegionOf(p);
  // Away until the later of what they set and what their Slack status says.
  const away = p.awayUntil && p.statusAwayUntil ? maxLocalDate(p.awayUntil, p.statusAwayUntil) : (p.awayUntil ?? p.statusAwayUntil);
  return {
    tz: zoneOf(p),
    startMinute: p.workdayStartMinute,
    endMinute: p.workdayEndMinute,
    workingDays: p.workingDays,
    awayUntil: away ?? null,
    ...(region ? { isDayOff: (date: string) => publicHolidayOn(region, date) !== null } : {}),
  };
}

/**
 * Everything a person's WorkSchedule depends on, as a cache key: two people with one key have one
 * schedule. Kept beside scheduleOf so a field it reads is never left out (the holiday region once
 * was, and one person's digest plan became another's).
 */
export function scheduleKeyOf(p: PersonScheduleFields, s: WorkSchedule = scheduleOf(p)): string {
  return `${s.tz}|${s.startMinute}|${s.endMinute}|${s.workingDays}|${s.awayUntil ?? ''}|${holidayRegionOf(p) ?? ''}`;
}

/** users.holiday_region when the person chose "No public holidays" (null is: not chosen, their zone's country). */
export const NO_HOLIDAY_REGION = 'off';

type HolidayFields = Pick<PersonScheduleFields, 'holidayRegion' | 'tzOverride' | 'slackTz'>;

/**
 * The region whose holidays are the person's days off, or null when they keep none. Nobody has to
 * remember to choose: until they do, it is the country of their zone (Europe/Lisbon → Portugal).
 */
export function holidayRegionOf(p: HolidayFields): string | null {
  if (p.holidayRegion === NO_HOLIDAY_REGION) return null;
  return p.holidayRegion ?? proposedHolidayRegion(zoneOf(p));
}

/** Whether the person's holidays come from their zone rather than from a choice of theirs (settings and the digest say so). */
export function holidaysFromZone(p: HolidayFields): boolean {
  return p.holidayRegion === null && holidayRegionOf(p) !== null;
}

/** What the digest rule needs to know of a person's past and planned digests. */
export function digestHistoryOf(p: PersonDigestFields): DigestHistory {
  return {
    lastLocalDate: p.lastDigestLocalDate,
    lastAt: p.lastDigestAt,
    pending: p.nextDigestAt !== null && p.nextDigestLocalDate ? { localDate: p.nextDigestLocalDate, at: new Date(p.nextDigestAt) } : null,
  };
}

/**
 * The person's planned digest and the ones after it, exactly as the scheduler will send them: a
 * digest already planned ahead of its slot first, then the stored plan (computed by `nextDigest`),
 * then each following workday, the way the sweep advances. Settings, App Home and confirmations all
 * show this, never a second computation.
 */
export function plannedDigestsOf(p: PersonScheduleFields & PersonDigestFields, now: Date, count: number): PlannedDigest[] {
  if (p.nextDigestAt === null || !p.nextDigestLocalDate || count <= 0) return [];
  const s = scheduleOf(p);
  const ahead = plannedAheadOf(p, now);
  const stored: PlannedDigest = {
    localDate: p.nextDigestLocalDate,
    at: new Date(p.nextDigestAt),
    catchUp: p.nextDigestAt <= now.getTime(),
    repeat: isRepeatOfServedDate({ localDate: p.nextDigestLocalDate, at: new Date(p.nextDigestAt) }, p.lastDigestLocalDate, p.lastDigestAt),
  };
  const out = ahead ? [ahead, stored] : [stored];
  while (out.length < count) out.push({ ...firstDigestSlotAfterDate(s, out[out.length - 1]!.localDate), catchUp: false, repeat: false });
  return out.slice(0, count);
}

/**
 * A digest the scheduler planned ahead of its slot and has not sent: the sweep moves the person on
 * at once and marks that date served at the slot instant, so a served instant still to come is it.
 */
function plannedAheadOf(p: PersonDigestFields, now: Date): PlannedDigest | null {
  if (p.lastDigestAt === null || !p.lastDigestLocalDate || p.lastDigestAt <= now.getTime()) return null;
  // `repeat` (a date reached again by travelling west) is only known to the planned row; the minute
  // before a slot does not say it.
  return { localDate: p.lastDigestLocalDate, at: new Date(p.lastDigestAt), catchUp: false, repeat: false };
}
