/**
 * src/domain/workingTime and followThrough: waiting counted in the recipient's working days and hours.
 * Properties: durations are never negative, never longer than the wall clock, add up over a split, and
 * never count a day off (a non-working weekday, an away day, a holiday).
 */
import fc from 'fast-check';
import { mayNudge, neededBySoon, nudgeDay, staleWorkingDays } from '../../../src/domain/followThrough';
import { shiftsBetween, workingDaysWaited, workingMsBetween } from '../../../src/domain/workingTime';
import { MON_FRI, type WorkSchedule } from '../../../src/domain/workSchedule';
import { localDateOf, MS_PER_DAY, MS_PER_HOUR, weekdayOf, type LocalDate } from '../../../src/time';

const Z = (s: string) => new Date(s);
const tokyo: WorkSchedule = { tz: 'Asia/Tokyo', startMinute: 9 * 60, endMinute: 17 * 60, workingDays: MON_FRI };
const cal = (schedule: WorkSchedule, holidays: LocalDate[] = []): WorkSchedule => ({ ...schedule, isDayOff: (d: LocalDate) => holidays.includes(d) });

// Friday 4 Dec 2026, 19:00 in Tokyo: after Kenji's day ended.
const FRIDAY_EVENING = Z('2026-12-04T10:00:00Z');
const tokyoAt = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+09:00`);

describe('working days waited: examples', () => {
  it('an ask sent on Friday evening to Tokyo has waited nothing by Monday morning, 1 day on Tuesday, 2 on Wednesday', () => {
    expect(workingDaysWaited(cal(tokyo), FRIDAY_EVENING, tokyoAt('2026-12-07', '08:59'))).toBe(0);
    expect(workingMsBetween(cal(tokyo), FRIDAY_EVENING, tokyoAt('2026-12-07', '08:59'))).toBe(0);
    expect(workingDaysWaited(cal(tokyo), FRIDAY_EVENING, tokyoAt('2026-12-07', '16:59'))).toBe(0);
    expect(workingDaysWaited(cal(tokyo), FRIDAY_EVENING, tokyoAt('2026-12-08', '09:00'))).toBe(1);
    expect(staleWorkingDays(cal(tokyo), FRIDAY_EVENING, tokyoAt('2026-12-08', '09:00'))).toBeNull();
    expect(staleWorkingDays(cal(tokyo), FRIDAY_EVENING, tokyoAt('2026-12-09', '09:00'))).toBe(2);
  });

  it('a public holiday on Monday does not count: still 1 on Wednesday', () => {
    expect(workingDaysWaited(cal(tokyo, ['2026-12-07']), FRIDAY_EVENING, tokyoAt('2026-12-09', '09:00'))).toBe(1);
    expect(staleWorkingDays(cal(tokyo, ['2026-12-07']), FRIDAY_EVENING, tokyoAt('2026-12-10', '09:00'))).toBe(2);
  });

  it('an away stretch does not count (away on dates before awayUntil)', () => {
    const away = { ...tokyo, awayUntil: '2026-12-09' };
    expect(workingDaysWaited(cal(away), FRIDAY_EVENING, tokyoAt('2026-12-10', '09:00'))).toBe(1);
  });

  it('an ask arriving mid-shift counts that shift once it ends', () => {
    const mondayNoon = tokyoAt('2026-12-07', '12:00');
    expect(workingDaysWaited(cal(tokyo), mondayNoon, tokyoAt('2026-12-07', '17:00'))).toBe(1);
    expect(workingMsBetween(cal(tokyo), mondayNoon, tokyoAt('2026-12-08', '10:00'))).toBe(6 * MS_PER_HOUR);
  });

  it('an ask arriving after the middle of a shift does not count it: a minute before they stop is not a day waited', () => {
    const lastMinute = tokyoAt('2026-12-07', '16:59');
    expect(workingDaysWaited(cal(tokyo), lastMinute, tokyoAt('2026-12-08', '09:00'))).toBe(0);
    expect(workingDaysWaited(cal(tokyo), lastMinute, tokyoAt('2026-12-09', '09:00'))).toBe(1);
    expect(staleWorkingDays(cal(tokyo), lastMinute, tokyoAt('2026-12-09', '09:00'))).toBeNull();
    expect(staleWorkingDays(cal(tokyo), lastMinute, tokyoAt('2026-12-10', '09:00'))).toBe(2);
    // The middle itself still counts (13:00 of 09:00–17:00); a minute later does not.
    expect(workingDaysWaited(cal(tokyo), tokyoAt('2026-12-07', '13:00'), tokyoAt('2026-12-08', '09:00'))).toBe(1);
    expect(workingDaysWaited(cal(tokyo), tokyoAt('2026-12-07', '13:01'), tokyoAt('2026-12-08', '09:00'))).toBe(0);
  });

  it('a night shift crossing midnight belongs to the day it starts', () => {
    const night: WorkSchedule = { tz: 'Europe/Lisbon', startMinute: 22 * 60, endMinute: 6 * 60, workingDays: MON_FRI };
    // Friday 22:00 → Saturday 06:00 is Friday's shift; Saturday and Sunday nights are off.
    expect(workingMsBetween(cal(night), Z('2026-12-04T20:00:00Z'), Z('2026-12-07T20:00:00Z'))).toBe(8 * MS_PER_HOUR);
    expect(workingDaysWaited(cal(night), Z('2026-12-04T20:00:00Z'), Z('2026-12-07T20:00:00Z'))).toBe(1);
  });
});

describe('nudges and needed-by: examples', () => {
  it('a nudge lands on the recipient’s next digest day, skipping a holiday, and at most once per such day', () => {
    const mondayMorning = tokyoAt('2026-12-07', '10:00');
    expect(nudgeDay(cal(tokyo), mondayMorning)).toBe('2026-12-08');
    expect(nudgeDay(cal(tokyo, ['2026-12-08']), mondayMorning)).toBe('2026-12-09');
    expect(nudgeDay(cal(tokyo), FRIDAY_EVENING)).toBe('2026-12-07');
    expect(mayNudge(null, '2026-12-08')).toBe(true);
    expect(mayNudge('2026-12-08', '2026-12-08')).toBe(false);
    expect(mayNudge('2026-12-07', '2026-12-08')).toBe(true);
  });

  it('needed by Tuesday noon: 10 working hours away on Monday 10:00 is not close; 6 on Monday 14:00 is', () => {
    const due = tokyoAt('2026-12-08', '12:00');
    expect(neededBySoon(cal(tokyo), due, tokyoAt('2026-12-07', '10:00'))).toBe(false);
    expect(neededBySoon(cal(tokyo), due, tokyoAt('2026-12-07', '14:00'))).toBe(true);
    expect(neededBySoon(cal(tokyo), due, tokyoAt('2026-12-08', '13:00'))).toBe(true); // past
    // Over a weekend: Friday 16:00 → Monday 12:00 is 1 + 3 working hours.
    expect(neededBySoon(cal(tokyo), tokyoAt('2026-12-07', '12:00'), tokyoAt('2026-12-04', '16:00'))).toBe(true);
  });
});

// ------------------------------------------------------------ properties

const ZONES = ['Asia/Tokyo', 'Europe/Lisbon', 'America/New_York', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Apia', 'Pacific/Kiritimati'];
const instant = fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2030, 0, 1) }).map((t) => new Date(t));
const span = fc.integer({ min: 0, max: 20 * MS_PER_DAY });
const calendar = fc
  .record({
    tz: fc.constantFrom(...ZONES),
    startMinute: fc.integer({ min: 0, max: 1439 }),
    endMinute: fc.integer({ min: 0, max: 1439 }),
    workingDays: fc.integer({ min: 0, max: 127 }),
    holidaySeed: fc.integer({ min: 0, max: 6 }),
  })
  .map(
    ({ holidaySeed, ...schedule }): WorkSchedule => ({
      ...schedule,
      // Some dates are holidays (by a stable rule, so any date can be asked about).
      isDayOff: (d: LocalDate) => holidaySeed > 0 && Number(d.slice(8)) % (holidaySeed + 2) === 0,
    }),
  );

/** Worked out here, not by the code under test: a working weekday, not away, not a holiday. */
const worksOn = (c: WorkSchedule, date: LocalDate) => ((c.workingDays >> weekdayOf(date)) & 1) === 1 && !(c.awayUntil && date < c.awayUntil) && !c.isDayOff!(date);

describe('working time: properties', () => {
  it('working time is never negative and never longer than the wall-clock span', () => {
    fc.assert(
      fc.property(calendar, instant, span, (c, from, len) => {
        const ms = workingMsBetween(c, from, new Date(from.getTime() + len));
        return ms >= 0 && ms <= len;
      }),
    );
  });

  it('adds up: [a, c) is [a, b) plus [b, c)', () => {
    fc.assert(
      fc.property(calendar, instant, span, span, (c, a, x, y) => {
        const b = new Date(a.getTime() + x);
        const end = new Date(b.getTime() + y);
        return workingMsBetween(c, a, end) === workingMsBetween(c, a, b) + workingMsBetween(c, b, end);
      }),
    );
  });

  it('never counts a day off: every shift is a working, non-away, non-holiday day, and all days off give nothing', () => {
    fc.assert(
      fc.property(calendar, instant, span, (c, from, len) => {
        const to = new Date(from.getTime() + len);
        const shifts = shiftsBetween(c, from, to);
        const allOff: WorkSchedule = { ...c, isDayOff: () => true };
        return shifts.every((s) => worksOn(c, s.date)) && workingMsBetween(allOff, from, to) === 0 && workingDaysWaited(allOff, from, to) === 0;
      }),
    );
  });

  it('working days waited never go down as time passes, and never exceed the calendar days elapsed + 1', () => {
    fc.assert(
      fc.property(calendar, instant, span, span, (c, since, x, y) => {
        const t1 = new Date(since.getTime() + x);
        const t2 = new Date(t1.getTime() + y);
        const d1 = workingDaysWaited(c, since, t1, 1000);
        const d2 = workingDaysWaited(c, since, t2, 1000);
        return d1 >= 0 && d1 <= d2 && d2 <= Math.ceil((x + y) / MS_PER_DAY) + 1;
      }),
    );
  });

  it('a nudge day is a digest day of the recipient and never a holiday', () => {
    fc.assert(
      fc.property(calendar, instant, (c, now) => {
        fc.pre((c.workingDays & 127) !== 0);
        const day = nudgeDay(c, now);
        return worksOn(c, day) && day >= localDateOf(c.tz, now);
      }),
    );
  });
});
