/**
 * Pure schedule logic: when does a person's workday start, and when is their
 * morning digest due. No Slack, no DB, no clock: callers pass instants in.
 *
 * Decisions:
 *  - The digest for local date D is sent at `startMinute` on D in the person's zone.
 *    If that wall time is skipped by a DST gap it moves forward by the gap
 *    (see localInstant). If the gap swallows the rest of D (Kiritimati
 *    1994-12-31, Apia 2011-12-30) D is not a digest day: the next day's digest
 *    covers it, so local dates never repeat and instants strictly increase.
 *  - Away: the person is away on every local date < awayUntil; digests resume ON
 *    awayUntil. For an overnight shift the shift belongs to the date it starts on.
 *  - endMinute <= startMinute means the shift crosses midnight (22:00–06:00);
 *    equal start and end means a 24-hour shift.
 */
import {
  LocalDate,
  MINUTES_PER_DAY,
  MS_PER_HOUR,
  addDays,
  assertTimeZone,
  isValidLocalDate,
  localDateOf,
  localInstant,
  localParts,
  maxLocalDate,
  offsetMs,
  weekdayOf,
} from '../time';

export interface WorkSchedule {
  tz: string;
  startMinute: number;
  endMinute: number;
  /** Bitmask: bit d set = weekday d is a working day (0 = Sunday). */
  workingDays: number;
  /** Away on local dates < awayUntil; digests resume ON awayUntil. */
  awayUntil?: LocalDate | null;
  /** Days off the weekday mask does not know of (their public holidays): no shift, no digest. */
  isDayOff?: (date: LocalDate) => boolean;
}

export const DEFAULT_START = 9 * 60;
export const DEFAULT_END = 17 * 60;
export const MON_FRI = 0b0111110;
export const ALL_DAYS = 0b1111111;

export interface DigestSlot {
  localDate: LocalDate;
  at: Date;
}

export interface CatchUpPlan {
  /** The single digest to send now, if the latest due one is recent enough. */
  send: DigestSlot | null;
  /** Due digests not sent, oldest first; only the last MAX_SKIPPED_LISTED are listed. */
  skipped: DigestSlot[];
  /** Total number of skipped digests (may exceed skipped.length). */
  skippedCount: number;
  /** The next digest to schedule; always after `now`. */
  next: DigestSlot;
}

export const MAX_SKIPPED_LISTED = 31;
// Ten weeks: a one-day-a-week schedule can meet several holidays in a row (and skipped calendar
// days); the search stops at the first digest day, so the bound costs nothing when it is not needed.
const SEARCH_DAYS = 70;
const DST_SCAN_STEP_MS = 6 * MS_PER_HOUR;

// ---------------------------------------------------------------- validation

function assertMinute(name: string, m: number): void {
  if (!Number.isInteger(m) || m < 0 || m >= MINUTES_PER_DAY) {
    throw new RangeError(`${name} must be a whole minute of the day 0..1439, got ${m}`);
  }
}

export function assertSchedule(s: WorkSchedule): void {
  assertTimeZone(s.tz);
  assertMinute('startMinute', s.startMinute);
  assertMinute('endMinute', s.endMinute);
  if (!Number.isInteger(s.workingDays) || s.workingDays < 0 || s.workingDays > ALL_DAYS) {
    throw new RangeError(`workingDays must be a 7-bit weekday mask, got ${s.workingDays}`);
  }
  if (s.awayUntil != null && !isValidLocalDate(s.awayUntil)) {
    throw new RangeError(`awayUntil must be YYYY-MM-DD, got "${s.awayUntil}"`);
  }
}

function assertHasWorkingDays(s: WorkSchedule): void {
  if ((s.workingDays & ALL_DAYS) === 0) {
    throw new Error('This schedule has no working days, so there is no next workday or digest. Pick at least one day.');
  }
}

// ---------------------------------------------------------------- days

function isWorkingWeekday(s: WorkSchedule, date: LocalDate): boolean {
  return ((s.workingDays >> weekdayOf(date)) & 1) === 1;
}

function isAwayOn(s: WorkSchedule, date: LocalDate): boolean {
  return s.awayUntil != null && date < s.awayUntil;
}

/** The shift of `date` counts: a working weekday on which the person is not away. */
export function isShiftDay(s: WorkSchedule, date: LocalDate): boolean {
  return isWorkingWeekday(s, date) && !isAwayOn(s, date) && !s.isDayOff?.(date);
}

/** The slot for `date` (start time resolved in the zone), whether or not it is a digest day. */
export function digestSlotOn(s: WorkSchedule, date: LocalDate): DigestSlot {
  assertSchedule(s);
  return { localDate: date, at: localInstant(s.tz, date, s.startMinute) };
}

/** The date's slot if it is a digest day, else null (one resolution serves both questions). */
function digestSlotIfDue(s: WorkSchedule, date: LocalDate): DigestSlot | null {
  if (!isShiftDay(s, date)) return null;
  const slot = digestSlotOn(s, date);
  return localDateOf(s.tz, slot.at) === date ? slot : null;
}

/** A working, non-away day whose start time exists on that same local date. */
export function isDigestDay(s: WorkSchedule, date: LocalDate): boolean {
  assertSchedule(s);
  return digestSlotIfDue(s, date) !== null;
}

// ---------------------------------------------------------------- working now?

/** Is `at` inside a shift? Shifts crossing midnight belong to the day they start. */
export function isWorkingAt(s: WorkSchedule, at: Date): boolean {
  assertSchedule(s);
  const { date, minuteOfDay } = localParts(s.tz, at);
  const { startMinute: start, endMinute: end } = s;
  if (start < end) return isShiftDay(s, date) && minuteOfDay >= start && minuteOfDay < end;
  const inTodaysShift = isShiftDay(s, date) && minuteOfDay >= start;
  const inYesterdaysShift = isShiftDay(s, addDays(date, -1)) && minuteOfDay < end;
  return inTodaysShift || inYesterdaysShift;
}

/** Where someone stands at an instant: at work, away (until a date), or off until their next start. */
export type Availability = { kind: 'working' } | { kind: 'away'; until: LocalDate; nextStart: Date } | { kind: 'off'; nextStart: Date };

export function availabilityAt(s: WorkSchedule, at: Date): Availability {
  if (isWorkingAt(s, at)) return { kind: 'working' };
  const nextStart = nextWorkStart(s, at);
  if (s.awayUntil && localDateOf(s.tz, at) < s.awayUntil) return { kind: 'away', until: s.awayUntil, nextStart };
  return { kind: 'off', nextStart };
}

/**
 * The working weekdays from `at`'s local date up to the next shift that are days off (public
 * holidays): why someone's day starts only in two days. At most `max`, oldest first.
 */
export function daysOffAhead(s: WorkSchedule, at: Date, max = 3): LocalDate[] {
  if (!s.isDayOff) return [];
  const next = localDateOf(s.tz, nextWorkStart(s, at));
  const out: LocalDate[] = [];
  for (let d = localDateOf(s.tz, at); d < next && out.length < max; d = addDays(d, 1)) {
    if (isWorkingWeekday(s, d) && !isAwayOn(s, d) && s.isDayOff(d)) out.push(d);
  }
  return out;
}

/** Next instant strictly after `at` at which a workday starts (same instant as that day's digest). */
export function nextWorkStart(s: WorkSchedule, at: Date): Date {
  return firstDigestSlotAfterInstant(s, at).at;
}

// ---------------------------------------------------------------- digest slots

/** Walks local dates from `from` (inclusive) to the first one that passes `accept`. */
function findSlotFrom(s: WorkSchedule, from: LocalDate, accept: (slot: DigestSlot) => boolean): DigestSlot {
  assertSchedule(s);
  assertHasWorkingDays(s);
  let date = s.awayUntil ? maxLocalDate(from, s.awayUntil) : from;
  for (let i = 0; i < SEARCH_DAYS; i++, date = addDays(date, 1)) {
    const slot = digestSlotIfDue(s, date);
    if (slot && accept(slot)) return slot;
  }
  throw new Error(`No digest day found within ${SEARCH_DAYS} days of ${from} in ${s.tz}`);
}

/** First digest on a local date strictly after `date` — how the scheduler advances. */
export function firstDigestSlotAfterDate(s: WorkSchedule, date: LocalDate): DigestSlot {
  return findSlotFrom(s, addDays(date, 1), () => true);
}

/** The first shift day on or after `date`: when someone away until `date` (a Saturday, say) is back (Monday). */
export function returnDay(s: WorkSchedule, date: LocalDate): LocalDate {
  return findSlotFrom({ ...s, awayUntil: s.awayUntil && s.awayUntil > date ? s.awayUntil : date }, date, () => true).localDate;
}

/**
 * Earliest slot with slot.at > at and localDate >= notBefore. Used for new
 * people and settings/zone changes: pass notBefore = the day after the last
 * digest's local date so no local date ever gets two digests.
 */
export function firstDigestSlotAfterInstant(s: WorkSchedule, at: Date, notBefore?: LocalDate): DigestSlot {
  assertSchedule(s);
  // Start a day early: around midnight transitions yesterday's slot can still be ahead.
  const yesterday = addDays(localDateOf(s.tz, at), -1);
  const from = notBefore ? maxLocalDate(yesterday, notBefore) : yesterday;
  return findSlotFrom(s, from, (slot) => slot.at.getTime() > at.getTime());
}

/**
 * The next `count` digests after `from`, in order. `inclusive`: a slot exactly at `from` counts (the
 * operator CLI's `--from` reads that way); the scheduler itself always looks strictly after now.
 */
export function upcomingDigestSlots(s: WorkSchedule, from: Date, count: number, inclusive = false): DigestSlot[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  const slots: DigestSlot[] = [];
  const first = inclusive ? new Date(from.getTime() - 1) : from;
  for (let i = 0; i < count; i++) {
    const prev = slots[i - 1];
    slots.push(prev ? firstDigestSlotAfterDate(s, prev.localDate) : firstDigestSlotAfterInstant(s, first));
  }
  return slots;
}

// ---------------------------------------------------------------- planning (the one rule)

/** What the scheduler remembers about a person's digests when their schedule or zone changes. */
export interface DigestHistory {
  /** Local date of the last digest planned (sent, skipped or in the outbox), in the zone of that time. */
  lastLocalDate: LocalDate | null;
  /** That digest's slot instant (epoch ms). */
  lastAt: number | null;
  /** The digest planned before this change; null for someone Handoff has never planned for. */
  pending: DigestSlot | null;
}

export interface PlannedDigest extends DigestSlot {
  /** Today's start already passed (the change moved it), but within the catch-up window: goes now. */
  catchUp: boolean;
  /** A calendar date the person already had a digest for, reached again by travelling west. */
  repeat: boolean;
}

/**
 * A second digest for a calendar date already served (Tokyo on Friday morning, then Los Angeles,
 * where Friday starts 17 h later) only when its slot is at least this long after the previous one:
 * it is a new workday then, not the same one seen twice.
 */
export const REPEAT_DATE_MIN_GAP_MS = 12 * MS_PER_HOUR;

/** A slot on a local date that already had its digest, far enough after it to be a new workday. */
export function isRepeatOfServedDate(slot: DigestSlot, lastLocalDate: LocalDate | null, lastAt: number | null): boolean {
  return lastLocalDate !== null && lastAt !== null && slot.localDate <= lastLocalDate && slot.at.getTime() - lastAt >= REPEAT_DATE_MIN_GAP_MS;
}

/**
 * When a person's next digest goes, after a change of schedule or zone. The one rule shared by the
 * scheduler and every preview, so what people are shown is what then happens:
 *  - never a second digest for a local date already served — except a date reached again by
 *    travelling west, at least REPEAT_DATE_MIN_GAP_MS after the previous digest (`repeat`), so travel
 *    never makes an ask wait a working day;
 *  - if today (local) has had no digest, the person was still expecting one (`pending` is for today
 *    or earlier), and today's new start has already passed but by at most `maxLateMs`, it goes now
 *    (`catchUp`, at = now);
 *  - otherwise the first digest slot strictly after now.
 */
export function nextDigest(s: WorkSchedule, now: Date, history: DigestHistory, maxLateMs: number): PlannedDigest {
  assertSchedule(s);
  const notBefore = history.lastLocalDate ? addDays(history.lastLocalDate, 1) : undefined;
  // Only someone still expecting today's digest is caught up: a plan already past today means today's
  // start had been left behind before this change (a newcomer at noon, say), not moved into the past.
  const today = localDateOf(s.tz, now);
  if (history.pending && history.pending.localDate <= today) {
    const slot = !notBefore || today >= notBefore ? digestSlotIfDue(s, today) : null;
    const late = slot ? now.getTime() - slot.at.getTime() : -1;
    if (slot && late >= 0 && late <= maxLateMs) return { localDate: today, at: now, catchUp: true, repeat: false };
  }
  const next = firstDigestSlotAfterInstant(s, now, notBefore);
  // Travel west can bring back dates already served (up to the last digest's): a slot among them at
  // least a workday after the last digest comes first.
  for (let d = addDays(today, -1); history.lastLocalDate && d <= history.lastLocalDate; d = addDays(d, 1)) {
    const again = digestSlotIfDue(s, d);
    if (again && again.at > now && again.at < next.at && isRepeatOfServedDate(again, history.lastLocalDate, history.lastAt)) {
      return { ...again, catchUp: false, repeat: true };
    }
  }
  return { ...next, catchUp: false, repeat: false };
}

/**
 * How the start time of `slot` resolved on its date: 'gap' when that wall time did not exist (clocks
 * jumped forward; the digest moved forward by the jump), 'repeated' when it happened twice (clocks went
 * back; the earlier one is used), null on an ordinary day.
 */
export function slotClockNote(s: WorkSchedule, slot: DigestSlot): 'gap' | 'repeated' | null {
  const local = localParts(s.tz, slot.at);
  if (local.minuteOfDay !== s.startMinute || local.date !== slot.localDate) return 'gap';
  const t = slot.at.getTime();
  const shift = offsetMs(s.tz, new Date(t)) - offsetMs(s.tz, new Date(t + 3 * MS_PER_HOUR));
  if (shift <= 0) return null;
  const again = localParts(s.tz, new Date(t + shift));
  return again.date === local.date && again.minuteOfDay === local.minuteOfDay ? 'repeated' : null;
}

// ---------------------------------------------------------------- catch-up

/**
 * What to do when the scheduler wakes at `now` with `scheduled` due (e.g. after
 * downtime). Walks forward by local date from `scheduled` (never now + 24 h, which
 * drifts across DST), sends at most the latest due digest if it is at most
 * `maxLateMs` late, and skips the rest. A scheduled slot that is no longer a
 * digest day (the person went away, changed days) is dropped silently.
 */
export function planCatchUp(s: WorkSchedule, scheduled: DigestSlot, now: Date, maxLateMs: number): CatchUpPlan {
  assertSchedule(s);
  const isDue = (slot: DigestSlot) => slot.at.getTime() <= now.getTime();
  if (!isDue(scheduled)) return { send: null, skipped: [], skippedCount: 0, next: scheduled };
  const recent: DigestSlot[] = []; // the last few due slots, oldest first
  let dueCount = 0;
  let cursor = isDigestDay(s, scheduled.localDate) ? scheduled : firstDigestSlotAfterDate(s, scheduled.localDate);
  for (; isDue(cursor); cursor = firstDigestSlotAfterDate(s, cursor.localDate)) {
    recent.push(cursor);
    if (recent.length > MAX_SKIPPED_LISTED + 1) recent.shift(); // bound memory after long outages
    dueCount++;
  }
  const latest = recent.pop();
  const send = latest && now.getTime() - latest.at.getTime() <= maxLateMs ? latest : null;
  const skipped = send || !latest ? recent : [...recent, latest];
  return { send, skipped: skipped.slice(-MAX_SKIPPED_LISTED), skippedCount: send ? dueCount - 1 : dueCount, next: cursor };
}

// ---------------------------------------------------------------- DST

/**
 * Does the UTC offset of `tz` change anywhere between instants a and b? (Any
 * offset change, DST or not.) Scans in 6-hour steps so a change and its reversal
 * inside the range are still seen.
 */
export function dstChangeBetween(tz: string, a: Date, b: Date): boolean {
  const lo = Math.min(a.getTime(), b.getTime());
  const hi = Math.max(a.getTime(), b.getTime());
  const first = offsetMs(tz, new Date(lo));
  if (offsetMs(tz, new Date(hi)) !== first) return true;
  for (let t = lo + DST_SCAN_STEP_MS; t < hi; t += DST_SCAN_STEP_MS) {
    if (offsetMs(tz, new Date(t)) !== first) return true;
  }
  return false;
}

// ---------------------------------------------------------------- parsing & formatting

const DAY_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// Maps, not object literals, so names like "constructor" are not mistaken for days.
const DAY_ALIASES = new Map<string, number>([
  ['sun', 0],
  ['sunday', 0],
  ['mon', 1],
  ['monday', 1],
  ['tue', 2],
  ['tues', 2],
  ['tuesday', 2],
  ['wed', 3],
  ['weds', 3],
  ['wednesday', 3],
  ['thu', 4],
  ['thur', 4],
  ['thurs', 4],
  ['thursday', 4],
  ['fri', 5],
  ['friday', 5],
  ['sat', 6],
  ['saturday', 6],
]);
const DAY_SETS = new Map<string, number>([
  ['weekdays', MON_FRI],
  ['weekends', 0b1000001],
  ['weekend', 0b1000001],
  ['daily', ALL_DAYS],
  ['everyday', ALL_DAYS],
]);
const DAYS_HELP = 'Use day names like "mon-fri", "sun-thu" or "mon,wed,fri".';

function parseDayName(name: string, spec: string): number {
  const day = DAY_ALIASES.get(name);
  if (day === undefined) throw new Error(`"${name}" is not a day of the week in "${spec}". ${DAYS_HELP}`);
  return day;
}

/** Days from `from` to `to` inclusive, wrapping past Saturday ('fri-mon' = Fri, Sat, Sun, Mon). */
function dayRangeMask(from: number, to: number): number {
  let mask = 0;
  for (let d = from; ; d = (d + 1) % 7) {
    mask |= 1 << d;
    if (d === to) return mask;
  }
}

/** 'mon-fri' | 'sun-thu' | 'mon,wed,fri' | 'mon-sun' | 'weekdays' → weekday bitmask. */
export function parseWorkingDays(spec: string): number {
  const text = String(spec ?? '')
    .trim()
    .toLowerCase()
    .replace(/\s*([-–])\s*/g, '$1');
  if (text === '') throw new Error(`No working days given. ${DAYS_HELP}`);
  const named = DAY_SETS.get(text);
  if (named !== undefined) return named;
  let mask = 0;
  for (const raw of text.split(/\s*,\s*|\s+/)) {
    if (raw === '') throw new Error(`Empty day in "${spec}". ${DAYS_HELP}`);
    const ends = raw.split(/[-–]/);
    if (ends.length > 2) throw new Error(`"${raw}" is not a day or a day range in "${spec}". ${DAYS_HELP}`);
    const from = parseDayName(ends[0] ?? '', spec);
    mask |= ends.length === 2 ? dayRangeMask(from, parseDayName(ends[1] ?? '', spec)) : 1 << from;
  }
  return mask;
}

/** Weekday bitmask → 'Mon–Fri', 'Sun–Thu', 'Mon, Wed, Fri', 'Sat, Sun'. */
export function formatWorkingDays(mask: number): string {
  if (!Number.isInteger(mask) || mask < 0 || mask > ALL_DAYS) throw new RangeError(`Not a weekday mask: ${mask}`);
  if (mask === 0) return 'No days';
  if (mask === ALL_DAYS) return 'Mon–Sun';
  const has = (d: number) => ((mask >> (((d % 7) + 7) % 7)) & 1) === 1;
  // Begin at the first run start in Mon..Sun order, so 'sun-thu' reads 'Sun–Thu'.
  const order = [1, 2, 3, 4, 5, 6, 0];
  const first = order.find((d) => has(d) && !has(d - 1)) as number;
  const parts: string[] = [];
  for (let i = 0; i < 7; ) {
    const d = (first + i) % 7;
    if (!has(d)) {
      i++;
      continue;
    }
    let len = 1;
    while (len < 7 && has(d + len)) len++;
    const last = (d + len - 1) % 7;
    if (len >= 3) parts.push(`${DAY_SHORT[d]}–${DAY_SHORT[last]}`);
    else for (let k = 0; k < len; k++) parts.push(DAY_SHORT[(d + k) % 7] as string);
    i += len;
  }
  return parts.join(', ');
}

/** '9:00' | '09:00' | '17:30' → minute of day. */
export function parseHHMM(s: string): number {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(String(s ?? ''));
  const hours = m ? Number(m[1]) : NaN;
  const minutes = m ? Number(m[2]) : NaN;
  if (!(hours <= 23 && minutes <= 59)) throw new Error(`"${s}" is not a time of day. Use 24-hour HH:MM, like 09:00 or 17:30.`);
  return hours * 60 + minutes;
}

/** Minute of day → 'HH:MM'. */
export function formatHHMM(minuteOfDay: number): string {
  assertMinute('minuteOfDay', minuteOfDay);
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}
