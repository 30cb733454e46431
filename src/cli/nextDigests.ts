/**
 * `handoff next-digests`: shows an operator when someone's next digests go out,
 * computed by upcomingDigestSlots — the same code the scheduler runs.
 * Pure: returns the text and exit code; the caller prints and exits.
 */
import { DEFAULT_END, DigestSlot, WorkSchedule, formatHHMM, parseHHMM, parseWorkingDays, slotClockNote, upcomingDigestSlots } from '../domain/workSchedule';
import { isValidLocalDate, isValidTimeZone, localTimeLabel, offsetMs } from '../time';
import { parseOptions, UsageError } from './args';

export interface CommandResult {
  exitCode: number;
  out: string;
}

export const USAGE = `Usage: handoff next-digests --tz <IANA zone> [options]

  --tz <zone>              IANA time zone, e.g. America/New_York (required)
  --start <HH:MM>          workday start, any time of day (default 09:00); a start that
                           falls in a DST gap moves forward by the gap, a repeated one
                           takes the earlier instant — exactly as the scheduler does
  --days <days>            working days, e.g. mon-fri, sun-thu, mon,wed,fri (default mon-fri)
  --from <instant>         ISO instant with Z or an offset, e.g. 2026-03-06T12:00:00Z (default now);
                           inclusive: a digest exactly at --from is listed
  --count <n>              how many digests to list, 1–1000 (default 10)
  --away-until <date>      away before this date; digests resume on it (YYYY-MM-DD)
  -h, --help               show this help

Example: handoff next-digests --tz Europe/Lisbon --start 08:30 --days mon-fri --count 5`;

const MAX_COUNT = 1000;
const OPTIONS = ['tz', 'start', 'days', 'from', 'count', 'away-until'] as const;
type Option = (typeof OPTIONS)[number];
// An instant must carry its offset: a bare local time would be read in the server's zone.
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseStart(text: string): number {
  let start: number;
  try {
    start = parseHHMM(text);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return start;
}

function parseDays(text: string): number {
  try {
    const mask = parseWorkingDays(text);
    if (mask === 0) throw new Error('No working days given.');
    return mask;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseFrom(text: string): Date {
  const at = new Date(text);
  if (!INSTANT_RE.test(text) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--from "${text}" is not an ISO instant. Include Z or an offset, e.g. 2026-03-06T12:00:00Z.`);
  }
  return at;
}

function parseCount(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_COUNT)) throw new UsageError(`--count must be a whole number 1–${MAX_COUNT}, got "${text}".`);
  return n;
}

function buildSchedule(opts: Map<Option, string>): WorkSchedule {
  const tz = opts.get('tz');
  if (tz === undefined) throw new UsageError('--tz is required.');
  if (!isValidTimeZone(tz)) throw new UsageError(`Unknown time zone "${tz}". Use an IANA name like America/New_York or Asia/Kathmandu.`);
  const awayUntil = opts.get('away-until');
  if (awayUntil !== undefined && !isValidLocalDate(awayUntil)) {
    throw new UsageError(`--away-until "${awayUntil}" is not a date. Use YYYY-MM-DD.`);
  }
  return {
    tz,
    startMinute: parseStart(opts.get('start') ?? '09:00'),
    endMinute: DEFAULT_END,
    workingDays: parseDays(opts.get('days') ?? 'mon-fri'),
    awayUntil: awayUntil ?? null,
  };
}

function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return `${sign}${formatHHMM(minutes)}`;
}

/** One line per slot; flags offset changes since the previous line (the first compares with --from). */
function renderSlots(s: WorkSchedule, slots: DigestSlot[], from: Date): string[] {
  let prevOffset = offsetMs(s.tz, from);
  const start = formatHHMM(s.startMinute);
  return slots.map((slot) => {
    const offset = offsetMs(s.tz, slot.at);
    let line = `${slot.at.toISOString()}  ${localTimeLabel(slot.at, s.tz, 'yyyy-MM-dd EEE HH:mm')}`;
    const clock = slotClockNote(s, slot);
    if (clock === 'gap') line += `  (${start} skipped by clock change)`;
    if (clock === 'repeated') line += `  (${start} happens twice; the earlier)`;
    if (offset !== prevOffset) line += `  ← DST change (${formatOffset(prevOffset)} → ${formatOffset(offset)})`;
    prevOffset = offset;
    return line;
  });
}

export function nextDigestsCommand(argv: string[], now: () => Date = () => new Date()): CommandResult {
  try {
    const opts = parseOptions(argv, 'next-digests', OPTIONS);
    if (opts === 'help') return { exitCode: 0, out: USAGE };
    const schedule = buildSchedule(opts);
    const fromText = opts.get('from');
    const from = fromText === undefined ? now() : parseFrom(fromText);
    const count = parseCount(opts.get('count') ?? '10');
    const slots = upcomingDigestSlots(schedule, from, count, true);
    return { exitCode: 0, out: renderSlots(schedule, slots, from).join('\n') };
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${USAGE}` };
    throw e;
  }
}
