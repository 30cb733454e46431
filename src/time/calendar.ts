/**
 * Zone-free calendar arithmetic on 'YYYY-MM-DD' strings.
 *
 * Dates are converted to a day count since 1970-01-01 with integer formulas
 * (proleptic Gregorian), so nothing here touches `Date` and nothing can be
 * affected by the server's time zone.
 */

/** A calendar date, 'YYYY-MM-DD', with no time zone attached. */
export type LocalDate = string;

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const MINUTES_PER_DAY = 1440;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Four-digit years keep string comparison equal to chronological comparison.
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

export interface CivilDate {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseCivil(date: string): CivilDate | null {
  const m = typeof date === 'string' ? LOCAL_DATE_RE.exec(date) : null;
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isValidLocalDate(date: string): boolean {
  return parseCivil(date) !== null;
}

/** Parses a LocalDate, throwing a RangeError that names the bad value. */
export function parseLocalDate(date: LocalDate): CivilDate {
  const c = parseCivil(date);
  if (!c) throw new RangeError(`Invalid date "${String(date)}": expected a real calendar date as YYYY-MM-DD`);
  return c;
}

export function formatLocalDate({ year, month, day }: CivilDate): LocalDate {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`Year ${year} is outside ${MIN_YEAR}..${MAX_YEAR}`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact integer maths.
export function epochDayOfCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilOfEpochDay(epochDay: number): CivilDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function epochDayOf(date: LocalDate): number {
  return epochDayOfCivil(parseLocalDate(date));
}

export function localDateOfEpochDay(epochDay: number): LocalDate {
  return formatLocalDate(civilOfEpochDay(epochDay));
}

/** Calendar arithmetic: the date n days after `date` (n may be negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays needs a whole number of days, got ${n}`);
  return localDateOfEpochDay(epochDayOf(date) + n);
}

/** Day of week of a calendar date, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((epochDayOf(date) + 4) % 7) + 7) % 7;
}

export function maxLocalDate(a: LocalDate, b: LocalDate): LocalDate {
  return a >= b ? a : b;
}

/** ISO 8601 week of a local date: '2027-W11' (the week's Thursday decides its year). */
export function isoWeekOf(date: LocalDate): string {
  const monday = addDays(date, -((weekdayOf(date) + 6) % 7));
  const thursday = addDays(monday, 3);
  const year = parseLocalDate(thursday).year;
  const week = Math.floor((epochDayOf(thursday) - epochDayOf(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
