/**
 * IANA zone maths built only on Intl (the tz database shipped with Node's ICU).
 *
 * Every function takes the zone explicitly and reads wall-clock fields through
 * Intl.DateTimeFormat, never through Date's local getters, so results do not
 * depend on the server's TZ.
 */
import { LocalDate, MINUTES_PER_DAY, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, civilOfEpochDay, epochDayOf, epochDayOfCivil, formatLocalDate, weekdayOf } from './calendar';

export interface LocalParts {
  date: LocalDate;
  minuteOfDay: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
}

interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// IANA names are letters, digits and _ + - /; this rejects '+05:00'-style offsets
// that some Intl versions accept, so a stored zone always has DST rules.
const ZONE_NAME_RE = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function buildFormatter(tz: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

export function isValidTimeZone(tz: string): boolean {
  // A zone with a formatter passed every check below already (asked on every schedule read).
  if (formatters.has(tz)) return true;
  if (typeof tz !== 'string' || !ZONE_NAME_RE.test(tz)) return false;
  try {
    formatters.set(tz, buildFormatter(tz));
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(tz: string): void {
  if (!isValidTimeZone(tz)) throw new RangeError(`Unknown time zone "${String(tz)}": expected an IANA name like "Europe/Lisbon"`);
}

/** The canonical spelling Intl uses for a zone (e.g. 'us/eastern' → 'America/New_York'). */
export function canonicalTimeZone(tz: string): string {
  return formatterFor(tz).resolvedOptions().timeZone;
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  assertTimeZone(tz);
  return formatters.get(tz) as Intl.DateTimeFormat;
}

function assertInstant(at: Date): number {
  const t = at instanceof Date ? at.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError('Expected a valid Date instant');
  return t;
}

/** The wall clock in `tz` at `t` as Intl reads it (whole seconds): the source of every offset. */
function intlWallFields(tz: string, t: number): WallFields {
  const f: Record<string, string> = {};
  for (const p of formatterFor(tz).formatToParts(t)) f[p.type] = p.value;
  const year = Number(f.year);
  return {
    year: f.era === 'BC' || f.era === 'B' ? 1 - year : year,
    month: Number(f.month),
    day: Number(f.day),
    hour: Number(f.hour) % 24, // some ICU builds print midnight as 24
    minute: Number(f.minute),
    second: Number(f.second),
  };
}

/** Wall-clock fields read as if they were UTC, in epoch milliseconds. */
function wallAsUtcMs(w: WallFields): number {
  return epochDayOfCivil(w) * MS_PER_DAY + w.hour * MS_PER_HOUR + w.minute * MS_PER_MINUTE + w.second * 1000;
}

const floorToSecond = (t: number) => t - (((t % 1000) + 1000) % 1000);

function intlOffsetAtMs(tz: string, t: number): number {
  // Intl has whole-second precision, so compare against the instant floored to a second.
  const floored = floorToSecond(t);
  return wallAsUtcMs(intlWallFields(tz, floored)) - floored;
}

/**
 * Offsets by zone and UTC minute. Reading one through Intl costs a formatToParts (≈5–10 µs) and a
 * request asks for dozens (a person's next workday start tries several days, three offsets each),
 * mostly the same ones again. A minute is kept when its first and last second have the same
 * offset: no zone changes offset twice within a minute, so the offset holds for the whole minute.
 * A minute with a change in it is kept as `null` and always asked of Intl. Cleared when full.
 */
const offsetsByMinute = new Map<string, Map<number, number | null>>();
const MAX_CACHED_MINUTES = 50_000;
let cachedMinutes = 0;

function offsetAtMs(tz: string, t: number): number {
  const minute = Math.floor(t / MS_PER_MINUTE);
  const known = offsetsByMinute.get(tz)?.get(minute);
  if (typeof known === 'number') return known;
  if (known === null) return intlOffsetAtMs(tz, t);
  const start = minute * MS_PER_MINUTE;
  const first = intlOffsetAtMs(tz, start);
  const whole = intlOffsetAtMs(tz, start + 59_000) === first;
  if (cachedMinutes >= MAX_CACHED_MINUTES) {
    offsetsByMinute.clear();
    cachedMinutes = 0;
  }
  let zone = offsetsByMinute.get(tz);
  if (!zone) offsetsByMinute.set(tz, (zone = new Map()));
  zone.set(minute, whole ? first : null);
  cachedMinutes += 1;
  return whole ? first : intlOffsetAtMs(tz, t);
}

/** The wall clock in `tz` at `t` (whole seconds): the instant moved by the offset there. */
function wallFields(tz: string, t: number): WallFields {
  const floored = floorToSecond(t);
  const wall = floored + offsetAtMs(tz, floored);
  const epochDay = Math.floor(wall / MS_PER_DAY);
  const msOfDay = wall - epochDay * MS_PER_DAY;
  const { year, month, day } = civilOfEpochDay(epochDay);
  return {
    year,
    month,
    day,
    hour: Math.floor(msOfDay / MS_PER_HOUR),
    minute: Math.floor((msOfDay % MS_PER_HOUR) / MS_PER_MINUTE),
    second: Math.floor((msOfDay % MS_PER_MINUTE) / 1000),
  };
}

/** UTC offset of `tz` at instant `at`, in ms (New York in winter: −18 000 000). */
export function offsetMs(tz: string, at: Date): number {
  return offsetAtMs(tz, assertInstant(at));
}

/** The wall-clock date and time in `tz` at instant `at` (seconds are dropped). */
export function localParts(tz: string, at: Date): LocalParts {
  const w = wallFields(tz, assertInstant(at));
  const date = formatLocalDate(w);
  return { date, minuteOfDay: w.hour * 60 + w.minute, hour: w.hour, minute: w.minute, weekday: weekdayOf(date) };
}

export function localDateOf(tz: string, at: Date): LocalDate {
  return localParts(tz, at).date;
}

function assertMinuteOfDay(minuteOfDay: number): void {
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay >= MINUTES_PER_DAY) {
    throw new RangeError(`Minute of day must be a whole number 0..1439, got ${minuteOfDay}`);
  }
}

/**
 * The instant at which the wall clock in `tz` reads `date` + `minuteOfDay`,
 * resolved like Temporal's "compatible" disambiguation:
 *  - a time skipped by a forward jump moves forward by the jump's length
 *    (NY 2026-03-08 02:30 → 03:30 EDT);
 *  - a time that happens twice resolves to the earlier instant
 *    (NY 2026-11-01 01:30 → 01:30 EDT).
 * Offsets a day either side bracket any single transition, so the answer is one
 * of W − offsetBefore / W − offsetAfter where W is the wall time read as UTC.
 */
export function localInstant(tz: string, date: LocalDate, minuteOfDay: number): Date {
  assertTimeZone(tz);
  assertMinuteOfDay(minuteOfDay);
  const wall = epochDayOf(date) * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  const before = offsetAtMs(tz, wall - MS_PER_DAY);
  const after = offsetAtMs(tz, wall + MS_PER_DAY);
  const valid = [wall - before, wall - after].filter((t) => t + offsetAtMs(tz, t) === wall);
  // No candidate round-trips: the wall time is in a gap; the pre-gap offset pushes it forward.
  return new Date(valid.length > 0 ? Math.min(...valid) : wall - before);
}
