/** Shared working hours: examples, and properties checked minute by minute against isWorkingAt. */
import fc from 'fast-check';
import { commonWorkingWindows, lastShiftEnd, nextCommonWindow } from '../../../src/domain/workOverlap';
import { isWorkingAt, MON_FRI, type WorkSchedule } from '../../../src/domain/workSchedule';

const H = 3600_000;
const MIN = 60_000;
const at = (iso: string) => new Date(iso);
const nine2five = (tz: string, extra: Partial<WorkSchedule> = {}): WorkSchedule => ({ tz, startMinute: 9 * 60, endMinute: 17 * 60, workingDays: MON_FRI, ...extra });

describe('nextCommonWindow', () => {
  it('finds the shared hours of Lisbon and New York on a weekday', () => {
    // Wed 2026-11-25: Lisbon 09–17 = 09–17 UTC, New York 09–17 = 14–22 UTC → 14:00–17:00 UTC.
    const w = nextCommonWindow([nine2five('Europe/Lisbon'), nine2five('America/New_York')], at('2026-11-25T06:00:00Z'), 24 * H);
    expect(w).toEqual({ start: at('2026-11-25T14:00:00Z'), end: at('2026-11-25T17:00:00Z') });
  });

  it('starts now when everyone is already working', () => {
    const w = nextCommonWindow([nine2five('Europe/Lisbon'), nine2five('Europe/London')], at('2026-11-25T10:30:00Z'), 24 * H);
    expect(w).toEqual({ start: at('2026-11-25T10:30:00Z'), end: at('2026-11-25T17:00:00Z') });
  });

  it('returns null when the zones never share a working hour in the horizon', () => {
    // Tokyo 09–17 = 00–08 UTC, Lisbon 09–17 = 09–17 UTC: never.
    expect(nextCommonWindow([nine2five('Asia/Tokyo'), nine2five('Europe/Lisbon')], at('2026-11-25T12:00:00Z'), 24 * H)).toBeNull();
    expect(nextCommonWindow([nine2five('Asia/Tokyo'), nine2five('Europe/Lisbon')], at('2026-11-25T12:00:00Z'), 7 * 24 * H)).toBeNull();
    // Los Angeles 09–17 = 17–01 UTC does meet Tokyo, for the first hour of Tokyo's day.
    expect(nextCommonWindow([nine2five('Asia/Tokyo'), nine2five('America/Los_Angeles')], at('2026-11-25T12:00:00Z'), 24 * H)).toEqual({
      start: at('2026-11-26T00:00:00Z'),
      end: at('2026-11-26T01:00:00Z'),
    });
  });

  it('skips weekends and away dates', () => {
    // Fri 2026-11-27 18:00 UTC: both are done for the week; Monday 14:00 UTC is next.
    const fri = at('2026-11-27T18:00:00Z');
    expect(nextCommonWindow([nine2five('Europe/Lisbon'), nine2five('America/New_York')], fri, 24 * H)).toBeNull();
    expect(nextCommonWindow([nine2five('Europe/Lisbon'), nine2five('America/New_York')], fri, 4 * 24 * H)?.start).toEqual(at('2026-11-30T14:00:00Z'));
    const away = nine2five('Europe/Lisbon', { awayUntil: '2026-12-01' });
    expect(nextCommonWindow([away, nine2five('America/New_York')], fri, 5 * 24 * H)?.start).toEqual(at('2026-12-01T14:00:00Z'));
  });

  it('follows overnight shifts across midnight', () => {
    const night: WorkSchedule = { tz: 'UTC', startMinute: 22 * 60, endMinute: 6 * 60, workingDays: 0b1111111 };
    const early: WorkSchedule = { tz: 'UTC', startMinute: 5 * 60, endMinute: 13 * 60, workingDays: 0b1111111 };
    expect(nextCommonWindow([night, early], at('2026-11-25T12:00:00Z'), 24 * H)).toEqual({ start: at('2026-11-26T05:00:00Z'), end: at('2026-11-26T06:00:00Z') });
  });

  it('handles a DST change inside the window (New York falls back on 2026-11-01)', () => {
    // Sat 31 Oct → Mon 2 Nov: New York is UTC−5 from Sunday 06:00 UTC; Monday 09–17 EST = 14–22 UTC.
    const w = nextCommonWindow([nine2five('America/New_York'), nine2five('UTC')], at('2026-10-31T12:00:00Z'), 3 * 24 * H);
    expect(w).toEqual({ start: at('2026-11-02T14:00:00Z'), end: at('2026-11-02T17:00:00Z') });
  });
});

describe('lastShiftEnd', () => {
  it('says when the day ended, or null while working', () => {
    expect(lastShiftEnd(nine2five('Europe/Lisbon'), at('2026-11-25T20:00:00Z'), 24 * H)).toEqual(at('2026-11-25T17:00:00Z'));
    expect(lastShiftEnd(nine2five('Europe/Lisbon'), at('2026-11-25T12:00:00Z'), 24 * H)).toBeNull();
    // Monday morning: the last shift (Friday) is more than a day back.
    expect(lastShiftEnd(nine2five('Europe/Lisbon'), at('2026-11-30T07:00:00Z'), 24 * H)).toBeNull();
  });
});

// Zones with DST both ways, half- and quarter-hour offsets, and the date line.
const ZONES = [
  'UTC',
  'Europe/Lisbon',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Sydney',
  'Pacific/Auckland',
  'America/Sao_Paulo',
  'Pacific/Chatham',
];

const schedule = fc.record({
  tz: fc.constantFrom(...ZONES),
  startMinute: fc.integer({ min: 0, max: 1439 }),
  endMinute: fc.integer({ min: 0, max: 1439 }),
  workingDays: fc.integer({ min: 1, max: 127 }),
  awayUntil: fc.option(fc.constantFrom('2026-03-09', '2026-04-01', '2026-10-26', '2026-11-02'), { nil: null }),
});

// Around the 2026 DST changes of both hemispheres, and ordinary weeks.
const instant = fc
  .integer({ min: Date.parse('2026-03-05T00:00:00Z') / MIN, max: Date.parse('2026-04-10T00:00:00Z') / MIN })
  .chain((m) => fc.constantFrom(m, m + Math.round((Date.parse('2026-10-20T00:00:00Z') - Date.parse('2026-03-05T00:00:00Z')) / MIN)))
  .map((m) => new Date(m * MIN + 17_000)); // a few seconds past the minute, as real clocks are

const everyoneWorking = (people: WorkSchedule[], t: number) => people.every((s) => isWorkingAt(s, new Date(t)));

describe('properties', () => {
  it('the window found is inside everyone’s working hours, and no earlier shared minute exists in the horizon', () => {
    fc.assert(
      fc.property(fc.array(schedule, { minLength: 1, maxLength: 3 }), instant, (people, from) => {
        const horizon = 24 * H;
        const w = nextCommonWindow(people, from, horizon);
        const limit = w ? w.start.getTime() : from.getTime() + horizon;
        // Nobody-shared minutes before the window (or in the whole horizon when there is none).
        for (let t = from.getTime(); t < limit; t += MIN) expect(everyoneWorking(people, t)).toBe(false);
        if (!w) return;
        expect(w.start.getTime()).toBeGreaterThanOrEqual(from.getTime());
        expect(w.start.getTime()).toBeLessThan(from.getTime() + horizon);
        expect(w.end.getTime()).toBeGreaterThan(w.start.getTime());
        // Inside: every minute of the window, and its last millisecond.
        for (let t = w.start.getTime(); t < w.end.getTime(); t += MIN) expect(everyoneWorking(people, t)).toBe(true);
        expect(everyoneWorking(people, w.end.getTime() - 1)).toBe(true);
        // Maximal: at its end someone stops, unless everyone works round the clock past the search.
        if (w.end.getTime() < from.getTime() + horizon + 25 * H) expect(everyoneWorking(people, w.end.getTime())).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('windows are ordered, disjoint and separated by a moment when someone is off', () => {
    fc.assert(
      fc.property(fc.array(schedule, { minLength: 1, maxLength: 3 }), instant, (people, from) => {
        const windows = commonWorkingWindows(people, from, new Date(from.getTime() + 3 * 24 * H));
        for (let i = 1; i < windows.length; i++) {
          expect(windows[i]!.start.getTime()).toBeGreaterThan(windows[i - 1]!.end.getTime());
          expect(everyoneWorking(people, windows[i - 1]!.end.getTime())).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });
});
