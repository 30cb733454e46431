/**
 * src/domain/workSchedule: digest slots, catch-up, working hours. Property
 * suites run under several server time zones (see useServerTz).
 */
import fc from 'fast-check';
import {
  DEFAULT_END,
  DEFAULT_START,
  DigestSlot,
  MAX_SKIPPED_LISTED,
  MON_FRI,
  WorkSchedule,
  digestSlotOn,
  dstChangeBetween,
  firstDigestSlotAfterDate,
  firstDigestSlotAfterInstant,
  isDigestDay,
  isWorkingAt,
  nextWorkStart,
  planCatchUp,
  returnDay,
  upcomingDigestSlots,
} from '../../../src/domain/workSchedule';
import { LocalDate, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, addDays, formatDuration, localInstant, localParts, offsetMs } from '../../../src/time';
import { SERVER_ZONES, underEachServerTz, useServerTz } from '../../harness/serverTz';

// ------------------------------------------------------------ helpers & arbitraries

const Z = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();
const slotsIso = (slots: DigestSlot[]) => slots.map((x) => `${x.localDate} ${iso(x.at)}`);
const sched = (tz: string, extra: Partial<WorkSchedule> = {}): WorkSchedule => ({
  tz,
  startMinute: DEFAULT_START,
  endMinute: DEFAULT_END,
  workingDays: MON_FRI,
  ...extra,
});

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Europe/Lisbon',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Pago_Pago',
  'Africa/Casablanca',
  'Pacific/Kiritimati',
  'Pacific/Apia',
  'America/Havana',
  'America/Santiago',
  'Asia/Jerusalem',
];

/** Instants around which clocks jump: DST weekends 2025–2027 plus the two skipped days. */
const HOT_INSTANTS: number[] = (() => {
  const out = [Date.UTC(1994, 11, 31, 10), Date.UTC(2011, 11, 30, 10)];
  for (const tz of ZONES) {
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += MS_PER_DAY) {
      if (offsetMs(tz, new Date(t)) !== offsetMs(tz, new Date(t + MS_PER_DAY))) out.push(t + MS_PER_DAY / 2);
    }
  }
  return out;
})();

const instant = fc
  .oneof(
    fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2035, 0, 1) }),
    fc.record({ t: fc.constantFrom(...HOT_INSTANTS), d: fc.integer({ min: -4 * MS_PER_DAY, max: 2 * MS_PER_DAY }) }).map(({ t, d }) => t + d),
  )
  .map((t) => new Date(t));

// Starts in the small hours hit DST gaps; near midnight they hit the skipped days.
const startMinute = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(0, 30, 60, 90, 120, 135, 150, 165, 180, 210, 540, 1380, 1410, 1439));

const schedule = (tzs: string[] = ZONES) =>
  fc.record({
    tz: fc.constantFrom(...tzs),
    startMinute,
    endMinute: fc.integer({ min: 0, max: 1439 }),
    workingDays: fc.integer({ min: 1, max: 127 }),
  });

const withAway = (s: WorkSchedule, from: Date, awayDays: number | null): WorkSchedule =>
  awayDays === null ? s : { ...s, awayUntil: addDays(localParts(s.tz, from).date, awayDays) };

function datesBetween(a: LocalDate, b: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = addDays(a, 1); d < b; d = addDays(d, 1)) out.push(d);
  return out;
}

// ------------------------------------------------------------ examples

describe('digest slots: examples', () => {
  it('walks NY weekdays across the March DST change (09:00 local, not 24 h steps)', () => {
    const slots = upcomingDigestSlots(sched('America/New_York'), Z('2026-03-06T12:00:00Z'), 4);
    expect(slotsIso(slots)).toEqual([
      '2026-03-06 2026-03-06T14:00:00.000Z', // Fri 09:00 EST
      '2026-03-09 2026-03-09T13:00:00.000Z', // Mon 09:00 EDT
      '2026-03-10 2026-03-10T13:00:00.000Z',
      '2026-03-11 2026-03-11T13:00:00.000Z',
    ]);
  });

  it('handles sun-thu weeks and away-until (digests resume ON awayUntil)', () => {
    const s = sched('Asia/Jerusalem', { workingDays: 0b0011111, awayUntil: '2026-01-13' });
    // Jerusalem is +2 in January; 2026-01-09 is a Friday.
    expect(slotsIso(upcomingDigestSlots(s, Z('2026-01-09T10:00:00Z'), 3))).toEqual([
      '2026-01-13 2026-01-13T07:00:00.000Z', // Tue: first day back
      '2026-01-14 2026-01-14T07:00:00.000Z',
      '2026-01-15 2026-01-15T07:00:00.000Z', // Thu; Fri/Sat off
    ]);
    expect(isDigestDay(s, '2026-01-12')).toBe(false);
    expect(isDigestDay(s, '2026-01-13')).toBe(true);
    expect(isDigestDay(s, '2026-01-16')).toBe(false);
  });

  it('skips the days Kiritimati and Apia never had, without doubling the next day', () => {
    const kiri = sched('Pacific/Kiritimati', { workingDays: 0b1111111 });
    expect(isDigestDay(kiri, '1994-12-31')).toBe(false);
    expect(slotsIso(upcomingDigestSlots(kiri, Z('1994-12-29T20:00:00Z'), 3))).toEqual([
      '1994-12-30 1994-12-30T19:00:00.000Z', // 09:00 −10
      '1995-01-01 1994-12-31T19:00:00.000Z', // 09:00 +14
      '1995-01-02 1995-01-01T19:00:00.000Z',
    ]);
    const apia = sched('Pacific/Apia', { workingDays: 0b1111111 });
    expect(slotsIso(upcomingDigestSlots(apia, Z('2011-12-28T20:00:00Z'), 3))).toEqual([
      '2011-12-29 2011-12-29T19:00:00.000Z', // 09:00 −10
      '2011-12-31 2011-12-30T19:00:00.000Z', // 09:00 +14
      '2012-01-01 2011-12-31T19:00:00.000Z',
    ]);
  });

  it('moves a start time that falls in a gap forward (02:30 on the NY spring-forward Sunday)', () => {
    const s = sched('America/New_York', { startMinute: 150, workingDays: 0b0000001 });
    expect(iso(digestSlotOn(s, '2026-03-08').at)).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(isDigestDay(s, '2026-03-08')).toBe(true);
  });

  it('tells Ana in Lisbon her day starts in 6 h 46 m', () => {
    const ana = sched('Europe/Lisbon');
    const at = Z('2026-01-15T02:14:00Z'); // Thursday 02:14 WET
    const start = nextWorkStart(ana, at);
    expect(iso(start)).toBe('2026-01-15T09:00:00.000Z');
    expect(formatDuration(start.getTime() - at.getTime())).toBe('6 h 46 m');
    // Strictly after: at the start instant itself, the next start is tomorrow.
    expect(iso(nextWorkStart(ana, start))).toBe('2026-01-16T09:00:00.000Z');
  });

  it('firstDigestSlotAfterDate skips weekends and explains a schedule with no days', () => {
    expect(slotsIso([firstDigestSlotAfterDate(sched('UTC'), '2026-01-16')])).toEqual(['2026-01-19 2026-01-19T09:00:00.000Z']);
    expect(() => firstDigestSlotAfterDate(sched('UTC', { workingDays: 0 }), '2026-01-16')).toThrow(/no working days/);
    expect(() => nextWorkStart(sched('UTC', { workingDays: 0 }), Z('2026-01-16T00:00:00Z'))).toThrow(/no working days/);
    expect(() => firstDigestSlotAfterDate(sched('Nowhere/Land'), '2026-01-16')).toThrow(/Unknown time zone/);
    expect(() => firstDigestSlotAfterDate(sched('UTC', { startMinute: 1440 }), '2026-01-16')).toThrow(/startMinute/);
  });

  it('never gives one local date two digests when the zone changes mid-day', () => {
    // Digest for 2026-03-10 went out in Auckland at 09:00 NZDT (2026-03-09T20:00Z).
    const last = firstDigestSlotAfterInstant(sched('Pacific/Auckland'), Z('2026-03-09T12:00:00Z'));
    expect(slotsIso([last])).toEqual(['2026-03-10 2026-03-09T20:00:00.000Z']);
    // An hour later they land in Los Angeles (still 2026-03-09, 14:00 PDT) and update their zone.
    const la = sched('America/Los_Angeles');
    const changedAt = Z('2026-03-09T21:00:00Z');
    expect(slotsIso([firstDigestSlotAfterInstant(la, changedAt)])).toEqual(['2026-03-10 2026-03-10T16:00:00.000Z']);
    const next = firstDigestSlotAfterInstant(la, changedAt, addDays(last.localDate, 1));
    expect(slotsIso([next])).toEqual(['2026-03-11 2026-03-11T16:00:00.000Z']);
  });
});

describe('planCatchUp: examples', () => {
  const ny = sched('America/New_York');
  const friday = digestSlotOn(ny, '2026-03-06'); // 14:00Z, EST

  it('after a weekend outage across DST, sends only the latest and skips the rest', () => {
    const plan = planCatchUp(ny, friday, Z('2026-03-10T13:05:00Z'), 15 * MS_PER_MINUTE);
    expect(plan.send && slotsIso([plan.send])).toEqual(['2026-03-10 2026-03-10T13:00:00.000Z']);
    expect(slotsIso(plan.skipped)).toEqual(['2026-03-06 2026-03-06T14:00:00.000Z', '2026-03-09 2026-03-09T13:00:00.000Z']);
    expect(plan.skippedCount).toBe(2);
    expect(slotsIso([plan.next])).toEqual(['2026-03-11 2026-03-11T13:00:00.000Z']);
  });

  it('skips the latest too when it is later than maxLateMs', () => {
    const plan = planCatchUp(ny, friday, Z('2026-03-10T13:20:00Z'), 15 * MS_PER_MINUTE);
    expect(plan.send).toBeNull();
    expect(plan.skipped.map((x) => x.localDate)).toEqual(['2026-03-06', '2026-03-09', '2026-03-10']);
    expect(plan.next.localDate).toBe('2026-03-11');
  });

  it('sends an on-time digest and schedules the next one', () => {
    const plan = planCatchUp(ny, friday, friday.at, 0);
    expect(plan).toEqual({ send: friday, skipped: [], skippedCount: 0, next: digestSlotOn(ny, '2026-03-09') });
  });

  it('does nothing yet when the slot is still in the future', () => {
    expect(planCatchUp(ny, friday, Z('2026-03-06T13:00:00Z'), 0)).toEqual({ send: null, skipped: [], skippedCount: 0, next: friday });
  });

  it('caps the skipped list after a long outage but counts everything', () => {
    const plan = planCatchUp(ny, friday, Z('2026-06-01T12:00:00Z'), MS_PER_HOUR);
    expect(plan.skipped).toHaveLength(MAX_SKIPPED_LISTED);
    expect(plan.skippedCount).toBe(countWeekdays('2026-03-06', '2026-05-29'));
    expect(plan.skipped.at(-1)?.localDate).toBe('2026-05-29');
    expect(slotsIso([plan.next])).toEqual(['2026-06-01 2026-06-01T13:00:00.000Z']);
  });

  it('drops a scheduled slot that is no longer a digest day (person went away)', () => {
    const away = { ...ny, awayUntil: '2026-03-09' };
    const plan = planCatchUp(away, friday, Z('2026-03-06T14:05:00Z'), MS_PER_HOUR);
    expect(plan).toEqual({ send: null, skipped: [], skippedCount: 0, next: digestSlotOn(ny, '2026-03-09') });
  });
});

/** Mon–Fri dates from a to b inclusive. */
function countWeekdays(a: LocalDate, b: LocalDate): number {
  let n = 0;
  for (let d = a; d <= b; d = addDays(d, 1)) if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) n++;
  return n;
}

describe('isWorkingAt: examples', () => {
  it('uses the person’s zone and day', () => {
    const ana = sched('Europe/Lisbon');
    expect(isWorkingAt(ana, Z('2026-07-15T08:00:00Z'))).toBe(true); // 09:00 WEST, Wed
    expect(isWorkingAt(ana, Z('2026-07-15T07:59:00Z'))).toBe(false);
    expect(isWorkingAt(ana, Z('2026-07-15T15:59:00Z'))).toBe(true); // 16:59
    expect(isWorkingAt(ana, Z('2026-07-15T16:00:00Z'))).toBe(false); // 17:00: end is exclusive
    expect(isWorkingAt(ana, Z('2026-07-18T10:00:00Z'))).toBe(false); // Saturday
    expect(isWorkingAt({ ...ana, awayUntil: '2026-07-16' }, Z('2026-07-15T10:00:00Z'))).toBe(false);
    expect(isWorkingAt({ ...ana, awayUntil: '2026-07-15' }, Z('2026-07-15T10:00:00Z'))).toBe(true);
  });

  it('supports overnight shifts, which belong to the day they start', () => {
    const night = sched('UTC', { startMinute: 22 * 60, endMinute: 6 * 60 });
    expect(isWorkingAt(night, Z('2026-01-16T23:00:00Z'))).toBe(true); // Fri night
    expect(isWorkingAt(night, Z('2026-01-17T03:00:00Z'))).toBe(true); // Sat morning, Friday's shift
    expect(isWorkingAt(night, Z('2026-01-17T06:00:00Z'))).toBe(false);
    expect(isWorkingAt(night, Z('2026-01-17T23:00:00Z'))).toBe(false); // Sat night: no shift
    expect(isWorkingAt(night, Z('2026-01-19T03:00:00Z'))).toBe(false); // Mon morning: Sunday had none
    expect(isWorkingAt(night, Z('2026-01-19T22:30:00Z'))).toBe(true);
    expect(isWorkingAt({ ...night, awayUntil: '2026-01-17' }, Z('2026-01-17T03:00:00Z'))).toBe(false); // Friday's shift is away
  });

  it('treats end == start as a 24-hour shift', () => {
    const allDay = sched('UTC', { startMinute: 540, endMinute: 540 });
    expect(isWorkingAt(allDay, Z('2026-01-16T08:59:00Z'))).toBe(true); // Thursday's shift
    expect(isWorkingAt(allDay, Z('2026-01-17T08:59:00Z'))).toBe(true); // Friday's shift
    expect(isWorkingAt(allDay, Z('2026-01-17T09:00:00Z'))).toBe(false); // Saturday
  });
});

describe('dstChangeBetween', () => {
  it('spots offset changes, including ones that revert inside the range', () => {
    expect(dstChangeBetween('America/New_York', Z('2026-03-06T14:00:00Z'), Z('2026-03-09T13:00:00Z'))).toBe(true);
    expect(dstChangeBetween('America/New_York', Z('2026-03-09T13:00:00Z'), Z('2026-03-10T13:00:00Z'))).toBe(false);
    expect(dstChangeBetween('Africa/Casablanca', Z('2026-02-14T08:00:00Z'), Z('2026-02-16T09:00:00Z'))).toBe(true);
    expect(dstChangeBetween('Asia/Kathmandu', Z('2026-01-01T00:00:00Z'), Z('2026-12-31T00:00:00Z'))).toBe(false);
    expect(dstChangeBetween('Europe/Lisbon', Z('2026-01-01T00:00:00Z'), Z('2026-12-31T00:00:00Z'))).toBe(true);
    expect(dstChangeBetween('Europe/Lisbon', Z('2026-12-31T00:00:00Z'), Z('2026-01-01T00:00:00Z'))).toBe(true);
  });
});

// ------------------------------------------------------------ properties

describe.each(Object.keys(SERVER_ZONES))('properties with server TZ=%s', (serverTz) => {
  useServerTz(serverTz);

  it('upcoming slots: strictly increasing, on digest days, one per local date, none missed, at the start time unless in a gap', () => {
    fc.assert(
      fc.property(schedule(), instant, fc.option(fc.integer({ min: -3, max: 10 })), (base, from, awayDays) => {
        const s = withAway(base, from, awayDays);
        const slots = upcomingDigestSlots(s, from, 8);
        expect(slots).toHaveLength(8);
        expect((slots[0] as DigestSlot).at.getTime()).toBeGreaterThan(from.getTime());
        expect(slots[0]).toEqual(firstDigestSlotAfterInstant(s, from));
        // Nothing between `from` and the first slot: no digest day started in between.
        for (let d = addDays(localParts(s.tz, from).date, -1); d < (slots[0] as DigestSlot).localDate; d = addDays(d, 1)) {
          if (isDigestDay(s, d)) expect(digestSlotOn(s, d).at.getTime()).toBeLessThanOrEqual(from.getTime());
        }
        slots.forEach((slot, i) => {
          expect(isDigestDay(s, slot.localDate)).toBe(true);
          const local = localParts(s.tz, slot.at);
          expect(local.date).toBe(slot.localDate);
          if (local.minuteOfDay !== s.startMinute) {
            // Only a forward jump may move it, and by exactly that jump.
            const jump = offsetMs(s.tz, slot.at) - offsetMs(s.tz, new Date(slot.at.getTime() - MS_PER_DAY));
            expect(jump).toBeGreaterThan(0);
            expect((local.minuteOfDay - s.startMinute) * MS_PER_MINUTE).toBe(jump);
          }
          const prev = slots[i - 1];
          if (!prev) return;
          expect(slot.at.getTime()).toBeGreaterThan(prev.at.getTime());
          expect(slot.localDate > prev.localDate).toBe(true);
          for (const d of datesBetween(prev.localDate, slot.localDate)) expect(isDigestDay(s, d)).toBe(false);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('planCatchUp: at most one send, only within maxLateMs, everything due accounted for, next after now', () => {
    fc.assert(
      fc.property(schedule(), instant, fc.integer({ min: 0, max: 20 * MS_PER_DAY }), fc.integer({ min: 0, max: 3 * MS_PER_DAY }), (s, from, delay, maxLateMs) => {
        const scheduled = firstDigestSlotAfterInstant(s, from);
        const now = new Date(scheduled.at.getTime() + delay);
        const plan = planCatchUp(s, scheduled, now, maxLateMs);
        // Oracle: the plain sequence of slots from the scheduled one on.
        const all = upcomingDigestSlots(s, new Date(scheduled.at.getTime() - 1), 40);
        expect(all[0]).toEqual(scheduled);
        const due = all.filter((x) => x.at.getTime() <= now.getTime());
        const latest = due[due.length - 1] as DigestSlot;
        expect(plan.next).toEqual(all[due.length]);
        expect(plan.next.at.getTime()).toBeGreaterThan(now.getTime());
        if (plan.send) {
          expect(plan.send).toEqual(latest);
          expect(now.getTime() - plan.send.at.getTime()).toBeLessThanOrEqual(maxLateMs);
        } else {
          expect(now.getTime() - latest.at.getTime()).toBeGreaterThan(maxLateMs);
        }
        expect(plan.skippedCount + (plan.send ? 1 : 0)).toBe(due.length);
        const handled = [...plan.skipped, ...(plan.send ? [plan.send] : [])];
        expect(handled).toEqual(due.slice(-handled.length));
        expect(plan.skipped.length).toBe(Math.min(plan.skippedCount, MAX_SKIPPED_LISTED));
      }),
      { numRuns: 100 },
    );
  });

  it('firstDigestSlotAfterInstant respects notBefore after a zone change', () => {
    fc.assert(
      fc.property(schedule(), fc.constantFrom(...ZONES), instant, fc.integer({ min: 0, max: 36 * MS_PER_HOUR }), (s1, tz2, from, lag) => {
        const last = firstDigestSlotAfterInstant(s1, from);
        const s2 = { ...s1, tz: tz2 };
        const changedAt = new Date(last.at.getTime() + lag);
        const notBefore = addDays(last.localDate, 1);
        const next = firstDigestSlotAfterInstant(s2, changedAt, notBefore);
        expect(next.localDate >= notBefore).toBe(true);
        expect(next.at.getTime()).toBeGreaterThan(changedAt.getTime());
        expect(isDigestDay(s2, next.localDate)).toBe(true);
        // Earliest such: no digest day from notBefore up to it would also have qualified.
        for (let d = notBefore; d < next.localDate; d = addDays(d, 1)) {
          if (isDigestDay(s2, d)) expect(digestSlotOn(s2, d).at.getTime()).toBeLessThanOrEqual(changedAt.getTime());
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a workday starts at nextWorkStart: working from that minute, not the minute before', () => {
    fc.assert(
      fc.property(schedule(), instant, (base, at) => {
        const s = { ...base, endMinute: Math.min(1439, base.startMinute + 1 + (base.endMinute % 600)) };
        fc.pre(s.startMinute < s.endMinute);
        const start = nextWorkStart(s, at);
        expect(start.getTime()).toBeGreaterThan(at.getTime());
        const local = localParts(s.tz, start);
        if (local.minuteOfDay < s.endMinute) expect(isWorkingAt(s, start)).toBe(true);
        const before = localParts(s.tz, new Date(start.getTime() - MS_PER_MINUTE));
        if (before.date === local.date && before.minuteOfDay < s.startMinute) {
          expect(isWorkingAt(s, new Date(start.getTime() - MS_PER_MINUTE))).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the start instant equals localInstant of the start time (same code as the resolver)', () => {
    fc.assert(
      fc.property(schedule(), fc.integer({ min: 0, max: 20_000 }), (s, day) => {
        const date = addDays('1990-01-01', day);
        expect(digestSlotOn(s, date).at).toEqual(localInstant(s.tz, date, s.startMinute));
      }),
      { numRuns: 100 },
    );
  });
});

describe('schedule results do not depend on the server zone', () => {
  it('gives identical slots, plans and working flags under UTC, New York and Auckland', () => {
    const cases = fc.sample(fc.tuple(schedule(), instant, fc.integer({ min: 0, max: 5 * MS_PER_DAY })), { numRuns: 40, seed: 42 });
    const run = () =>
      cases.map(([s, from, delay]) => {
        const slots = upcomingDigestSlots(s, from, 5);
        const first = slots[0] as DigestSlot;
        const plan = planCatchUp(s, first, new Date(first.at.getTime() + delay), MS_PER_HOUR);
        return [slotsIso(slots), plan.send && iso(plan.send.at), plan.skippedCount, iso(plan.next.at), isWorkingAt(s, from)];
      });
    const results = underEachServerTz(run);
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });
});

describe('returnDay', () => {
  const s: WorkSchedule = { tz: 'Europe/Lisbon', startMinute: DEFAULT_START, endMinute: DEFAULT_END, workingDays: MON_FRI };
  it('is the first working day on or after the date: Saturday → Monday, Wednesday → Wednesday', () => {
    expect(returnDay(s, '2026-12-05')).toBe('2026-12-07');
    expect(returnDay(s, '2026-12-02')).toBe('2026-12-02');
  });
  it('skips holidays and a later away date of the schedule', () => {
    expect(returnDay({ ...s, isDayOff: (d) => d === '2026-12-07' }, '2026-12-05')).toBe('2026-12-08');
    expect(returnDay({ ...s, awayUntil: '2026-12-10' }, '2026-12-05')).toBe('2026-12-10');
  });
});
