/**
 * src/time: calendar maths, offsets and the wall-time → instant resolver.
 * Property suites run under several server time zones; see useServerTz.
 */
import fc from 'fast-check';
import {
  LocalDate,
  MS_PER_DAY,
  MS_PER_MINUTE,
  addDays,
  canonicalTimeZone,
  formatLocal,
  isValidLocalDate,
  isValidTimeZone,
  localInstant,
  localParts,
  offsetMs,
  weekdayOf,
} from '../../../src/time';
import { SERVER_ZONES, underEachServerTz, useServerTz } from '../../harness/serverTz';

// ------------------------------------------------------------ oracles & arbitraries

const ZONES = [
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Lisbon',
  'Europe/Dublin',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'America/St_Johns',
  'Pacific/Pago_Pago',
  'Africa/Casablanca',
  'Pacific/Kiritimati',
  'Pacific/Apia',
  'America/Santiago',
  'America/Havana',
  'America/Sao_Paulo',
  'Antarctica/Troll',
  'Asia/Tehran',
];

const iso = (d: Date) => d.toISOString();
const wallMs = (date: LocalDate, minute: number) => Date.parse(`${date}T00:00:00Z`) + minute * MS_PER_MINUTE;

/** Independent offset source: Intl's own 'GMT-04:56:02' rendering. */
function intlLongOffsetMs(tz: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new Error(`unexpected offset name ${name}`);
  if (!m[1]) return 0;
  const abs = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -abs : abs;
}

/** Independent wall-clock parts: Intl's own fields (whole seconds dropped, as localParts does). */
function intlParts(tz: string, at: Date) {
  const f: Record<string, string> = {};
  const dtf = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: 'numeric',
    minute: 'numeric',
  });
  for (const p of dtf.formatToParts(at)) f[p.type] = p.value;
  const year = f.era === 'BC' ? 1 - Number(f.year) : Number(f.year);
  const date = `${String(year).padStart(4, '0')}-${f.month}-${f.day}`;
  const hour = Number(f.hour) % 24;
  const minute = Number(f.minute);
  return { date, minuteOfDay: hour * 60 + minute, hour, minute, weekday: new Date(`${date}T00:00:00Z`).getUTCDay() };
}

/** The offset transition in (lo, hi], located to the second by bisection on Intl alone (no cache). */
function intlTransitionIn(tz: string, lo: number, hi: number): number {
  const before = intlLongOffsetMs(tz, new Date(lo));
  if (intlLongOffsetMs(tz, new Date(hi)) === before) throw new Error(`no transition in ${tz} between the bounds`);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (intlLongOffsetMs(tz, new Date(mid)) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** All instants whose wall clock reads `wall`, found by trying every offset seen hourly within ±30 h. */
function brute(tz: string, wall: number): number[] {
  const offsets = new Set<number>();
  for (let k = -30; k <= 30; k++) offsets.add(offsetMs(tz, new Date(wall + k * 60 * MS_PER_MINUTE)));
  const hits = [...offsets].map((o) => wall - o).filter((t) => t + offsetMs(tz, new Date(t)) === wall);
  return [...new Set(hits)].sort((a, b) => a - b);
}

/** The offset transition in (lo, hi], located to the second by bisection. */
function transitionIn(tz: string, lo: number, hi: number): number {
  const before = offsetMs(tz, new Date(lo));
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetMs(tz, new Date(mid)) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

interface Transition {
  tz: string;
  at: number;
  before: number;
  after: number;
}

/** Every offset change 1990–2030 in the zones above (weekly scan, then bisection). */
const TRANSITIONS: Transition[] = (() => {
  const out: Transition[] = [];
  const start = Date.UTC(1990, 0, 1);
  const end = Date.UTC(2030, 0, 1);
  for (const tz of ZONES) {
    let prev = offsetMs(tz, new Date(start));
    for (let t = start + 7 * MS_PER_DAY; t <= end; t += 7 * MS_PER_DAY) {
      const cur = offsetMs(tz, new Date(t));
      if (cur === prev) continue;
      const at = transitionIn(tz, t - 7 * MS_PER_DAY, t);
      out.push({ tz, at, before: offsetMs(tz, new Date(at - 1000)), after: offsetMs(tz, new Date(at)) });
      prev = cur;
    }
  }
  return out;
})();

function toLocal(wall: number): { date: LocalDate; minute: number } {
  const floored = Math.floor(wall / MS_PER_MINUTE) * MS_PER_MINUTE;
  const d = new Date(floored);
  return { date: d.toISOString().slice(0, 10), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
}

const anyWallTime = fc.record({
  tz: fc.constantFrom(...ZONES),
  date: fc.integer({ min: Date.UTC(1970, 0, 1) / MS_PER_DAY, max: Date.UTC(2037, 11, 31) / MS_PER_DAY }).map((d) => new Date(d * MS_PER_DAY).toISOString().slice(0, 10)),
  minute: fc.integer({ min: 0, max: 1439 }),
});

/** Wall times within ±3 h of a real transition: where gaps and overlaps live. */
const nearTransitionWallTime = fc.record({ i: fc.integer({ min: 0, max: TRANSITIONS.length - 1 }), delta: fc.integer({ min: -180, max: 180 }) }).map(({ i, delta }) => {
  const tr = TRANSITIONS[i] as Transition;
  return { tz: tr.tz, ...toLocal(tr.at + tr.before + delta * MS_PER_MINUTE) };
});

/** A wall time skipped by a forward jump (a gap), anywhere inside it. */
const gapWallTime = fc
  .record({ i: fc.constantFrom(...TRANSITIONS.keys()), f: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) })
  .filter(({ i }) => (TRANSITIONS[i] as Transition).after > (TRANSITIONS[i] as Transition).before)
  .map(({ i, f }) => {
    const tr = TRANSITIONS[i] as Transition;
    return { tz: tr.tz, ...toLocal(tr.at + tr.before + Math.floor((f * (tr.after - tr.before)) / MS_PER_MINUTE) * MS_PER_MINUTE) };
  });

/** A wall time that happens twice (a backward jump repeats it). */
const overlapWallTime = fc
  .record({ i: fc.constantFrom(...TRANSITIONS.keys()), f: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) })
  .filter(({ i }) => (TRANSITIONS[i] as Transition).after < (TRANSITIONS[i] as Transition).before)
  .map(({ i, f }) => {
    const tr = TRANSITIONS[i] as Transition;
    return { tz: tr.tz, ...toLocal(tr.at + tr.after + Math.floor((f * (tr.before - tr.after)) / MS_PER_MINUTE) * MS_PER_MINUTE) };
  });

const wallTime = fc.oneof(anyWallTime, nearTransitionWallTime, gapWallTime, overlapWallTime);

// ------------------------------------------------------------ calendar

describe('calendar maths (zone-free)', () => {
  it('adds days across months, leap years and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2000-02-28', 366)).toBe('2001-02-28');
  });

  it('knows weekdays (0 = Sunday)', () => {
    expect(weekdayOf('2026-03-08')).toBe(0);
    expect(weekdayOf('2026-03-09')).toBe(1);
    expect(weekdayOf('1970-01-01')).toBe(4);
    expect(weekdayOf('1969-12-31')).toBe(3);
  });

  it('validates dates', () => {
    expect(isValidLocalDate('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2026-13-01', '2026-1-01', '2026-01-32', '', 'tomorrow']) {
      expect(isValidLocalDate(bad)).toBe(false);
      expect(() => addDays(bad, 1)).toThrow(/Invalid date/);
    }
    expect(() => addDays('2026-01-01', 0.5)).toThrow(RangeError);
  });

  it('matches Date.UTC arithmetic for any date and shift', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 2_000_000 }), fc.integer({ min: -5000, max: 5000 }), (day, n) => {
        const date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
        const shifted = new Date((day + n) * MS_PER_DAY);
        expect(addDays(date, n)).toBe(shifted.toISOString().slice(0, 10));
        expect(weekdayOf(date)).toBe(new Date(day * MS_PER_DAY).getUTCDay());
        expect(addDays(addDays(date, n), -n)).toBe(date);
      }),
    );
  });
});

// ------------------------------------------------------------ zones

describe('zone names', () => {
  it('accepts IANA names and links, rejects junk and raw offsets', () => {
    for (const ok of ['UTC', 'America/New_York', 'Asia/Kathmandu', 'US/Eastern', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires']) {
      expect(isValidTimeZone(ok)).toBe(true);
    }
    for (const bad of ['', 'Mars/Olympus_Mons', '+05:00', 'GMT+5:30', 'America/New York', ' UTC']) {
      expect(isValidTimeZone(bad)).toBe(false);
    }
    expect(() => offsetMs('Mars/Olympus_Mons', new Date())).toThrow(/Unknown time zone "Mars\/Olympus_Mons"/);
    expect(canonicalTimeZone('US/Eastern')).toBe('America/New_York');
  });
});

describe.each(Object.keys(SERVER_ZONES))('with server TZ=%s', (serverTz) => {
  useServerTz(serverTz);

  describe('offsetMs / localParts', () => {
    it('gives known offsets', () => {
      const h = 3_600_000;
      expect(offsetMs('America/New_York', new Date('2026-01-15T12:00:00Z'))).toBe(-5 * h);
      expect(offsetMs('America/New_York', new Date('2026-07-15T12:00:00Z'))).toBe(-4 * h);
      expect(offsetMs('Asia/Kathmandu', new Date('2026-07-15T12:00:00Z'))).toBe(5.75 * h);
      expect(offsetMs('Pacific/Chatham', new Date('2026-01-15T12:00:00Z'))).toBe(13.75 * h);
      expect(offsetMs('Pacific/Chatham', new Date('2026-07-15T12:00:00Z'))).toBe(12.75 * h);
      expect(offsetMs('Australia/Lord_Howe', new Date('2026-01-15T12:00:00Z'))).toBe(11 * h);
      expect(offsetMs('Australia/Lord_Howe', new Date('2026-07-15T12:00:00Z'))).toBe(10.5 * h);
      expect(offsetMs('America/St_Johns', new Date('2026-01-15T12:00:00Z'))).toBe(-3.5 * h);
      expect(offsetMs('Pacific/Pago_Pago', new Date('2026-07-15T12:00:00Z'))).toBe(-11 * h);
      expect(offsetMs('Pacific/Kiritimati', new Date('1994-12-31T09:59:59Z'))).toBe(-10 * h);
      expect(offsetMs('Pacific/Kiritimati', new Date('1994-12-31T10:00:00Z'))).toBe(14 * h);
      // Local mean time has seconds: New York was −4:56:02 before 1883.
      expect(offsetMs('America/New_York', new Date('1850-01-01T12:00:00Z'))).toBe(-(4 * 3600 + 56 * 60 + 2) * 1000);
    });

    it('reads wall-clock parts in the zone, not the server', () => {
      expect(localParts('Asia/Kathmandu', new Date('2026-01-15T18:20:00Z'))).toEqual({
        date: '2026-01-16',
        minuteOfDay: 5,
        hour: 0,
        minute: 5,
        weekday: 5,
      });
      expect(localParts('Pacific/Pago_Pago', new Date('2026-01-01T05:00:00Z'))).toEqual({
        date: '2025-12-31',
        minuteOfDay: 18 * 60,
        hour: 18,
        minute: 0,
        weekday: 3,
      });
    });

    it('agrees with Intl longOffset for any instant 1900–2100', () => {
      fc.assert(
        fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (tz, t) => {
          expect(offsetMs(tz, new Date(t))).toBe(intlLongOffsetMs(tz, new Date(t)));
        }),
        { numRuns: 300 },
      );
    });

    it('agrees with Intl at every second of a minute, whichever second of it was asked first', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...ZONES),
          fc.integer({ min: Date.UTC(1900, 0, 1) / MS_PER_MINUTE, max: Date.UTC(2100, 0, 1) / MS_PER_MINUTE }),
          fc.array(fc.integer({ min: 0, max: 59_999 }), { minLength: 2, maxLength: 6 }),
          (tz, minute, withinMinute) => {
            for (const ms of withinMinute) {
              const at = new Date(minute * MS_PER_MINUTE + ms);
              expect(offsetMs(tz, at)).toBe(intlLongOffsetMs(tz, at));
              expect(localParts(tz, at)).toEqual(intlParts(tz, at));
            }
          },
        ),
        { numRuns: 200 },
      );
    });

    // Transitions inside a minute (local mean time had seconds), and one on a minute.
    it.each([
      ['Africa/Monrovia', Date.UTC(1972, 0, 1), Date.UTC(1972, 0, 10)],
      ['Europe/Dublin', Date.UTC(1916, 9, 1), Date.UTC(1916, 9, 2)],
      ['America/New_York', Date.UTC(2026, 2, 7), Date.UTC(2026, 2, 9)],
    ])('agrees with Intl at every second around the %s transition, asked in any order', (tz, lo, hi) => {
      const at = intlTransitionIn(tz, lo, hi);
      const first = Math.floor(at / MS_PER_MINUTE) * MS_PER_MINUTE - MS_PER_MINUTE;
      const seconds = Array.from({ length: 180 }, (_, i) => first + i * 1000 + 999);
      for (const order of [seconds, [...seconds].reverse(), [at, ...seconds]]) {
        // A fresh module each time: nothing cached from the order before.
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module
          const zone = require('../../../src/time/zone') as typeof import('../../../src/time/zone');
          for (const t of order) {
            expect(zone.offsetMs(tz, new Date(t))).toBe(intlLongOffsetMs(tz, new Date(t)));
            expect(zone.localParts(tz, new Date(t))).toEqual(intlParts(tz, new Date(t)));
          }
        });
      }
    });
  });

  describe('formatLocal', () => {
    it('formats in the target zone even when the server zone skips that wall time', () => {
      // 02:30 in New York on 2026-09-27 does not exist in Auckland (NZ springs forward that night);
      // date-fns-tz's formatInTimeZone prints 03:30 there. formatLocal must not.
      const at = new Date('2026-09-27T06:30:00Z');
      expect(formatLocal(at, 'America/New_York', 'yyyy-MM-dd HH:mm zzz xxx (EEE)')).toBe('2026-09-27 02:30 EDT -04:00 (Sun)');
      const nzGap = new Date('2026-09-26T14:30:00Z'); // Auckland 03:30 NZDT, just after its own gap
      expect(formatLocal(nzGap, 'Pacific/Auckland', 'yyyy-MM-dd HH:mm xxx')).toBe('2026-09-27 03:30 +13:00');
      expect(formatLocal(new Date('2026-03-08T07:30:00Z'), 'America/New_York', 'HH:mm zzz')).toBe('03:30 EDT');
    });

    it('handles odd offsets, day rollovers, quotes and timestamps', () => {
      const at = new Date('2026-01-15T18:20:00Z');
      expect(formatLocal(at, 'Asia/Kathmandu', "EEEE d MMM yyyy 'at' HH:mm xxx")).toBe('Friday 16 Jan 2026 at 00:05 +05:45');
      expect(formatLocal(at, 'Pacific/Chatham', 'HH:mm XXX')).toBe('08:05 +13:45');
      expect(formatLocal(at, 'America/St_Johns', 'h:mm a xxx')).toBe('2:50 PM -03:30');
      expect(formatLocal(at, 'UTC', "HH:mm X 'x' t T")).toBe(`18:20 Z x ${at.getTime() / 1000} ${at.getTime()}`);
      expect(formatLocal(at, 'Pacific/Pago_Pago', 'yyyy-MM-dd EEE')).toBe('2026-01-15 Thu');
      // Week numbering runs on the zone's date: Friday 2027-01-01 in Kiritimati is in ISO week 2026-W53.
      expect(formatLocal(new Date('2026-12-31T12:00:00Z'), 'Pacific/Kiritimati', "yyyy-MM-dd RRRR-'W'II")).toBe('2027-01-01 2026-W53');
    });
  });

  describe('localInstant (compatible disambiguation)', () => {
    const cases: Array<[string, LocalDate, string, string, string]> = [
      // zone, date, wall time, expected instant, why
      ['America/New_York', '2026-01-15', '09:00', '2026-01-15T14:00:00.000Z', 'EST −5'],
      ['America/New_York', '2026-03-08', '01:59', '2026-03-08T06:59:00.000Z', 'last EST minute'],
      ['America/New_York', '2026-03-08', '02:00', '2026-03-08T07:00:00.000Z', 'gap start → 03:00 EDT'],
      ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:30:00.000Z', 'gap → 03:30 EDT'],
      ['America/New_York', '2026-03-08', '03:30', '2026-03-08T07:30:00.000Z', 'same instant as the gap time'],
      ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00.000Z', 'overlap → earlier, EDT'],
      ['America/New_York', '2026-11-01', '02:00', '2026-11-01T07:00:00.000Z', 'after overlap, EST'],
      ['Europe/London', '2026-03-29', '01:30', '2026-03-29T01:30:00.000Z', 'gap → 02:30 BST'],
      ['Europe/London', '2026-10-25', '01:30', '2026-10-25T00:30:00.000Z', 'overlap → BST'],
      ['Europe/Berlin', '2026-03-29', '02:30', '2026-03-29T01:30:00.000Z', 'gap → 03:30 CEST'],
      ['Europe/Berlin', '2026-10-25', '02:30', '2026-10-25T00:30:00.000Z', 'overlap → CEST'],
      ['Australia/Lord_Howe', '2026-10-04', '02:15', '2026-10-03T15:45:00.000Z', '30-min gap → 02:45 +11'],
      ['Australia/Lord_Howe', '2026-04-05', '01:45', '2026-04-04T14:45:00.000Z', '30-min overlap → +11'],
      ['Pacific/Chatham', '2026-09-27', '03:00', '2026-09-26T14:15:00.000Z', 'gap 02:45–03:45 → 04:00 +13:45'],
      ['Pacific/Chatham', '2026-04-05', '03:00', '2026-04-04T13:15:00.000Z', 'overlap → +13:45'],
      ['Asia/Kathmandu', '2026-01-15', '09:00', '2026-01-15T03:15:00.000Z', '+5:45'],
      ['America/St_Johns', '2026-03-08', '02:30', '2026-03-08T06:00:00.000Z', 'gap → 03:30 −2:30'],
      ['America/St_Johns', '2026-11-01', '01:30', '2026-11-01T04:00:00.000Z', 'overlap → −2:30'],
      ['Pacific/Pago_Pago', '2026-07-01', '09:00', '2026-07-01T20:00:00.000Z', '−11, no DST'],
      ['Pacific/Auckland', '2026-09-27', '02:30', '2026-09-26T14:30:00.000Z', 'gap → 03:30 NZDT'],
      ['Africa/Casablanca', '2026-02-15', '02:30', '2026-02-15T01:30:00.000Z', 'Ramadan overlap → +1'],
      ['Africa/Casablanca', '2026-03-22', '02:30', '2026-03-22T02:30:00.000Z', 'post-Ramadan gap → 03:30 +1'],
      ['Pacific/Kiritimati', '1994-12-30', '09:00', '1994-12-30T19:00:00.000Z', '−10 before the jump'],
      ['Pacific/Kiritimati', '1994-12-31', '09:00', '1994-12-31T19:00:00.000Z', 'skipped day → 1995-01-01 09:00 +14'],
      ['Pacific/Kiritimati', '1995-01-01', '09:00', '1994-12-31T19:00:00.000Z', '+14 after the jump'],
      ['Pacific/Apia', '2011-12-29', '09:00', '2011-12-29T19:00:00.000Z', '−10 before the jump'],
      ['Pacific/Apia', '2011-12-30', '09:00', '2011-12-30T19:00:00.000Z', 'skipped day → 12-31 09:00 +14'],
      ['Pacific/Apia', '2011-12-31', '09:00', '2011-12-30T19:00:00.000Z', '+14 after the jump'],
    ];
    it.each(cases)('%s %s %s → %s (%s)', (tz, date, hhmm, expected) => {
      const [h, m] = hhmm.split(':').map(Number) as [number, number];
      expect(iso(localInstant(tz, date, h * 60 + m))).toBe(expected);
    });

    it('maps every minute of Kiritimati 1994-12-31 and Apia 2011-12-30 to the same clock time a day later', () => {
      for (const [tz, skipped] of [
        ['Pacific/Kiritimati', '1994-12-31'],
        ['Pacific/Apia', '2011-12-30'],
      ] as const) {
        for (let m = 0; m < 1440; m += 7) {
          expect(localParts(tz, localInstant(tz, skipped, m))).toMatchObject({ date: addDays(skipped, 1), minuteOfDay: m });
        }
      }
    });

    it('rejects bad input with a clear error', () => {
      expect(() => localInstant('UTC', '2026-02-30', 0)).toThrow(/Invalid date "2026-02-30"/);
      expect(() => localInstant('UTC', '2026-02-01', 1440)).toThrow(/0\.\.1439/);
      expect(() => localInstant('Nowhere/Land', '2026-02-01', 0)).toThrow(/Unknown time zone/);
    });

    it('round-trips every wall time that exists, choosing the earliest of two', () => {
      fc.assert(
        fc.property(wallTime, ({ tz, date, minute }) => {
          const wall = wallMs(date, minute);
          const hits = brute(tz, wall);
          fc.pre(hits.length > 0);
          const at = localInstant(tz, date, minute);
          expect(at.getTime()).toBe(hits[0]);
          expect(localParts(tz, at)).toMatchObject({ date, minuteOfDay: minute });
        }),
        { numRuns: 300 },
      );
    });

    it('moves wall times in a gap forward by exactly the gap', () => {
      fc.assert(
        fc.property(gapWallTime, ({ tz, date, minute }) => {
          const wall = wallMs(date, minute);
          expect(brute(tz, wall)).toEqual([]);
          const at = localInstant(tz, date, minute).getTime();
          const change = transitionIn(tz, at - MS_PER_DAY, at);
          const before = offsetMs(tz, new Date(change - 1000));
          const after = offsetMs(tz, new Date(change));
          // The wall time lies inside the skipped span, and the result is wall + gap.
          expect(wall).toBeGreaterThanOrEqual(change + before);
          expect(wall).toBeLessThan(change + after);
          expect(at + offsetMs(tz, new Date(at))).toBe(wall + (after - before));
        }),
        { numRuns: 200 },
      );
    });

    it('picks the earlier of the two instants of a repeated wall time', () => {
      fc.assert(
        fc.property(overlapWallTime, ({ tz, date, minute }) => {
          const hits = brute(tz, wallMs(date, minute));
          expect(hits).toHaveLength(2);
          expect(localInstant(tz, date, minute).getTime()).toBe(hits[0]);
        }),
        { numRuns: 100 },
      );
    });

    it('keeps existing wall times in order (gap times may pass later ones: 02:30 → 03:30 > 03:00)', () => {
      fc.assert(
        fc.property(nearTransitionWallTime, fc.integer({ min: 1, max: 600 }), ({ tz, date, minute }, step) => {
          const later = toLocal(wallMs(date, minute) + step * MS_PER_MINUTE);
          fc.pre(brute(tz, wallMs(date, minute)).length > 0 && brute(tz, wallMs(later.date, later.minute)).length > 0);
          expect(localInstant(tz, later.date, later.minute).getTime()).toBeGreaterThan(localInstant(tz, date, minute).getTime());
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('independence from the server time zone', () => {
  it('resolves and reads identically under UTC, New York and Auckland', () => {
    const samples = fc.sample(wallTime, { numRuns: 150, seed: 20260308 });
    const run = () =>
      samples.map(({ tz, date, minute }) => {
        const at = localInstant(tz, date, minute);
        return [iso(at), offsetMs(tz, at), localParts(tz, at), formatLocal(at, tz, 'yyyy-MM-dd HH:mm:ss zzz xxx EEE w I')];
      });
    const [first, ...rest] = underEachServerTz(run);
    for (const other of rest) expect(other).toEqual(first);
  });

  it('restores the server TZ afterwards', () => {
    const before = new Date(2026, 0, 1).getTimezoneOffset();
    underEachServerTz(() => 0);
    expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(before);
  });
});
