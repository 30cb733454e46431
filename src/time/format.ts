/** Human-facing formatting of instants, zones and durations. */
import { format as formatTz } from 'date-fns-tz';
import { enUS } from 'date-fns/locale/en-US';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './calendar';
import { assertTimeZone, localParts, offsetMs, type LocalParts } from './zone';

/**
 * A Date whose "local" fields are its UTC fields. date-fns formats through the
 * local getters; with a plain Date those go through the server's zone, and
 * date-fns-tz's toZonedTime shifts wall times that the *server* skips (e.g.
 * 02:30 on the server's spring-forward day). Holding the target zone's wall
 * time as UTC fields sidesteps the server zone entirely.
 */
class WallClockDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getDay(): number {
    return this.getUTCDay();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  override getMilliseconds(): number {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset(): number {
    return 0;
  }
  override setFullYear(...a: Parameters<Date['setUTCFullYear']>): number {
    return this.setUTCFullYear(...a);
  }
  override setMonth(...a: Parameters<Date['setUTCMonth']>): number {
    return this.setUTCMonth(...a);
  }
  override setDate(...a: Parameters<Date['setUTCDate']>): number {
    return this.setUTCDate(...a);
  }
  override setHours(...a: Parameters<Date['setUTCHours']>): number {
    return this.setUTCHours(...a);
  }
  override setMinutes(...a: Parameters<Date['setUTCMinutes']>): number {
    return this.setUTCMinutes(...a);
  }
  override setSeconds(...a: Parameters<Date['setUTCSeconds']>): number {
    return this.setUTCSeconds(...a);
  }
  override setMilliseconds(...a: Parameters<Date['setUTCMilliseconds']>): number {
    return this.setUTCMilliseconds(...a);
  }
}

// Quoted literals are skipped; t/T (epoch seconds/ms) must come from the real instant.
const TIMESTAMP_TOKENS_RE = /''|'(?:''|[^'])*(?:'|$)|t+|T+/g;

function inlineTimestamps(pattern: string, at: Date): string {
  return pattern.replace(TIMESTAMP_TOKENS_RE, (token) => {
    if (token.startsWith("'")) return token;
    // Digits (and '-') are literals to date-fns, so no quoting is needed.
    return token[0] === 't' ? String(Math.trunc(at.getTime() / 1000)) : String(at.getTime());
  });
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const WEEKDAYS_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The patterns every card and confirmation prints, written out directly: date-fns costs ≈20 µs a
 * call, and a list of cards asks for dozens. The same text date-fns prints (a test compares them).
 */
const FAST_PATTERNS = new Map<string, (p: LocalParts) => string>([
  ['HH:mm', (p) => `${pad2(p.hour)}:${pad2(p.minute)}`],
  ['EEE HH:mm', (p) => `${WEEKDAYS_SHORT[p.weekday]} ${pad2(p.hour)}:${pad2(p.minute)}`],
]);

/**
 * Formats instant `at` as seen in `tz` with a date-fns pattern, e.g.
 * 'yyyy-MM-dd HH:mm zzz (EEE)' → '2026-03-09 09:00 EDT (Mon)'.
 * Zone tokens (z, x, X, O) describe `tz`; names are en-US.
 */
export function formatLocal(at: Date, tz: string, pattern: string): string {
  assertTimeZone(tz);
  const fast = FAST_PATTERNS.get(pattern);
  if (fast) return fast(localParts(tz, at));
  const wall = new WallClockDate(at.getTime() + offsetMs(tz, at));
  return formatTz(wall, inlineTimestamps(pattern, at), { timeZone: tz, originalDate: at, locale: enUS });
}

/**
 * How every surface names a zone: the city, plus the abbreviation where en-US has a real one
 * ('New York (EST)'); zones that only have 'GMT+5:30'-style names get the city alone ('Kolkata').
 */
export function zoneLabel(tz: string, at: Date): string {
  const abbreviation = shortZoneName(tz, at);
  return /^(GMT|UTC)/.test(abbreviation) || tz === 'UTC' ? cityOf(tz) : `${cityOf(tz)} (${abbreviation})`;
}

/** en-US short zone-name formatters, one per zone: building one costs far more than using it. */
const shortNames = new Map<string, Intl.DateTimeFormat>();

/** Per zone, the last minute whose name was asked, when the whole minute has that one name. */
const lastMinuteNames = new Map<string, { minute: number; name: string }>();

/**
 * What `formatLocal(at, tz, 'zzz')` prints ('EST', 'GMT+5:30'), from the same Intl formatter
 * date-fns-tz would build, kept per zone instead of built on every call. The name is kept for the
 * minute when its first and last instants agree (a zone's name never changes twice in a minute).
 */
function shortZoneName(tz: string, at: Date): string {
  assertTimeZone(tz);
  const minute = Math.floor(at.getTime() / MS_PER_MINUTE);
  const last = lastMinuteNames.get(tz);
  if (last?.minute === minute) return last.name;
  const name = intlShortZoneName(tz, at);
  const start = minute * MS_PER_MINUTE;
  if (intlShortZoneName(tz, new Date(start)) === name && intlShortZoneName(tz, new Date(start + MS_PER_MINUTE - 1)) === name) lastMinuteNames.set(tz, { minute, name });
  return name;
}

function intlShortZoneName(tz: string, at: Date): string {
  let dtf = shortNames.get(tz);
  if (!dtf) shortNames.set(tz, (dtf = new Intl.DateTimeFormat(['en-US', 'en-US'], { timeZone: tz, timeZoneName: 'short' })));
  const parts = dtf.formatToParts(at);
  for (let i = parts.length - 1; i >= 0; --i) if (parts[i]!.type === 'timeZoneName') return parts[i]!.value;
  return formatLocal(at, tz, 'zzz');
}

/** A wall time as people read it: 'Thu 09:00 Lisbon time', 'Thu 09:00 New York time (EST)'. */
export function localTimeLabel(at: Date, tz: string, pattern = 'EEE HH:mm'): string {
  if (tz === 'UTC' || tz === 'Etc/UTC') return `${formatLocal(at, tz, pattern)} UTC`;
  const label = zoneLabel(tz, at);
  const paren = label.indexOf(' (');
  return paren < 0 ? `${formatLocal(at, tz, pattern)} ${label} time` : `${formatLocal(at, tz, pattern)} ${label.slice(0, paren)} time${label.slice(paren)}`;
}

/** 'America/Argentina/Buenos_Aires' → 'Buenos Aires'; 'UTC' → 'UTC'. */
export function cityOf(tz: string): string {
  const last = tz.split('/').pop() ?? tz;
  return last.replace(/_/g, ' ');
}

/**
 * Compact duration: '45 m', '6 h 46 m', '2 d 3 h'. Under a day it is rounded to
 * the minute; from a day on, to the hour (minutes are noise at that scale).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`Cannot format duration ${ms}`);
  if (ms < 0) {
    const abs = formatDuration(-ms);
    return abs === '0 m' ? abs : `-${abs}`;
  }
  const minutes = Math.round(ms / MS_PER_MINUTE);
  if (minutes < 60) return `${minutes} m`;
  if (minutes < MS_PER_DAY / MS_PER_MINUTE) return joinUnits([Math.floor(minutes / 60), 'h'], [minutes % 60, 'm']);
  const hours = Math.round(ms / MS_PER_HOUR);
  return joinUnits([Math.floor(hours / 24), 'd'], [hours % 24, 'h']);
}

function joinUnits(major: [number, string], minor: [number, string]): string {
  const head = `${major[0]} ${major[1]}`;
  return minor[0] === 0 ? head : `${head} ${minor[0]} ${minor[1]}`;
}
