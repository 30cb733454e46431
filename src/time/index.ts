/**
 * The project's only door to time-zone and calendar maths (and to date-fns /
 * date-fns-tz). Everything is explicit about its zone and independent of the
 * server's TZ: instants are `Date`s, calendar days are 'YYYY-MM-DD' strings.
 */
export {
  type LocalDate,
  MS_PER_MINUTE,
  MS_PER_HOUR,
  MS_PER_DAY,
  MINUTES_PER_DAY,
  addDays,
  weekdayOf,
  isoWeekOf,
  maxLocalDate,
  isValidLocalDate,
} from './calendar';
export {
  isValidTimeZone,
  assertTimeZone,
  canonicalTimeZone,
  offsetMs,
  localParts,
  localDateOf,
  localInstant,
} from './zone';
export { formatLocal, cityOf, formatDuration, localTimeLabel } from './format';
export {
  isKnownRegion,
  publicHolidayOn,
  prepareHolidays,
  proposedHolidayRegion,
  holidayRegionName,
  holidayRegionsOf,
  canonicalHolidayRegion,
  type HolidayRegion,
} from './holidays';
