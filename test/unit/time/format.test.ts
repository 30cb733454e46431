/** Parsing and formatting helpers: working days, HH:MM, durations, city names. */
import fc from 'fast-check';
import { formatHHMM, formatWorkingDays, parseHHMM, parseWorkingDays } from '../../../src/domain/workSchedule';
import { cityOf, formatDuration, formatLocal } from '../../../src/time';
import { zoneLabel } from '../../../src/time/format';

const M = 60_000;
const H = 60 * M;

describe('parseWorkingDays', () => {
  it.each([
    ['mon-fri', 0b0111110],
    ['sun-thu', 0b0011111],
    ['mon,wed,fri', 0b0101010],
    ['mon-sun', 0b1111111],
    ['MON - FRI', 0b0111110],
    ['Monday, Wednesday', 0b0001010],
    ['fri-mon', 0b1100011],
    ['sat,sun', 0b1000001],
    ['weekdays', 0b0111110],
    ['tue', 0b0000100],
    ['Mon–Fri', 0b0111110],
  ])('%s', (spec, mask) => {
    expect(parseWorkingDays(spec)).toBe(mask);
  });

  it.each([
    ['', /No working days/],
    ['mon-frx', /"frx" is not a day of the week/],
    ['mon-wed-fri', /is not a day or a day range/],
    ['mon,,fri', /Empty day/],
    ['constructor', /not a day of the week/],
    ['9-5', /not a day of the week.*mon-fri/],
  ])('rejects %j with a friendly message', (spec, message) => {
    expect(() => parseWorkingDays(spec)).toThrow(message);
  });
});

describe('formatWorkingDays', () => {
  it.each([
    [0b0111110, 'Mon–Fri'],
    [0b0011111, 'Sun–Thu'],
    [0b0101010, 'Mon, Wed, Fri'],
    [0b1111111, 'Mon–Sun'],
    [0b1000001, 'Sat, Sun'],
    [0b1100011, 'Fri–Mon'],
    [0b0000110, 'Mon, Tue'],
    [0, 'No days'],
  ])('%i → %s', (mask, text) => {
    expect(formatWorkingDays(mask)).toBe(text);
  });

  it('round-trips through parseWorkingDays for every mask', () => {
    for (let mask = 0; mask <= 127; mask++) {
      const text = formatWorkingDays(mask);
      if (mask === 0) expect(() => parseWorkingDays(text)).toThrow();
      else expect(parseWorkingDays(text)).toBe(mask);
    }
  });
});

describe('HH:MM', () => {
  it('parses and formats', () => {
    expect(parseHHMM('09:00')).toBe(540);
    expect(parseHHMM('9:30')).toBe(570);
    expect(parseHHMM('23:59')).toBe(1439);
    expect(parseHHMM('00:00')).toBe(0);
    expect(formatHHMM(540)).toBe('09:00');
    expect(formatHHMM(0)).toBe('00:00');
  });

  it.each(['24:00', '9', '09:60', '9am', '', '-1:00', '09:00:00'])('rejects %j', (text) => {
    expect(() => parseHHMM(text)).toThrow(/is not a time of day. Use 24-hour HH:MM/);
  });

  it('round-trips every minute of the day', () => {
    for (let m = 0; m < 1440; m++) expect(parseHHMM(formatHHMM(m))).toBe(m);
    expect(() => formatHHMM(1440)).toThrow(RangeError);
  });
});

describe('formatDuration', () => {
  it.each([
    [6 * H + 46 * M, '6 h 46 m'],
    [45 * M, '45 m'],
    [2 * 24 * H + 3 * H, '2 d 3 h'],
    [0, '0 m'],
    [29_999, '0 m'],
    [30_000, '1 m'],
    [H, '1 h'],
    [24 * H - 20_000, '1 d'],
    [24 * H + 40 * M, '1 d 1 h'],
    [-45 * M, '-45 m'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows a zero minor unit and always fits one of the shapes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 24 * H }), (ms) => {
        expect(formatDuration(ms)).toMatch(/^(\d+ m|[1-9]\d* h( [1-9]\d* m)?|[1-9]\d* d( [1-9]\d* h)?)$/);
      }),
    );
  });
});

describe('cityOf', () => {
  it.each([
    ['America/New_York', 'New York'],
    ['UTC', 'UTC'],
    ['Europe/Lisbon', 'Lisbon'],
    ['America/Argentina/Buenos_Aires', 'Buenos Aires'],
    ['America/Port-au-Prince', 'Port-au-Prince'],
    ['Etc/GMT+5', 'GMT+5'],
  ])('%s → %s', (tz, city) => {
    expect(cityOf(tz)).toBe(city);
  });
});

describe('formatLocal', () => {
  // The patterns written out directly must print what date-fns prints (the quoted form goes to date-fns).
  it.each([
    ['HH:mm', "HH':'mm"],
    ['EEE HH:mm', "EEE' 'HH':'mm"],
  ])('prints %s as date-fns does, in any zone at any instant', (pattern, viaDateFns) => {
    const zones = ['America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'Africa/Monrovia', 'UTC'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (tz, t) => {
        expect(formatLocal(new Date(t), tz, pattern)).toBe(formatLocal(new Date(t), tz, viaDateFns));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('zoneLabel', () => {
  // The abbreviation comes from a formatter kept per zone; it must say what date-fns-tz's 'zzz' says.
  const zones = ['America/New_York', 'Europe/Lisbon', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Africa/Casablanca', 'UTC'];
  it('names the zone as formatLocal’s zzz does, at any instant (DST changes included)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (tz, t) => {
        const at = new Date(t);
        const zzz = formatLocal(at, tz, 'zzz');
        expect(zoneLabel(tz, at)).toBe(/^(GMT|UTC)/.test(zzz) || tz === 'UTC' ? cityOf(tz) : `${cityOf(tz)} (${zzz})`);
      }),
      { numRuns: 2000 },
    );
  });

  it('names every second around a change of name as formatLocal’s zzz does, the same minute asked again', () => {
    // New York's spring forward (EST → EDT on a minute) and Dublin's 1916 change (DMT → GMT inside one).
    for (const [tz, at] of [
      ['America/New_York', Date.UTC(2026, 2, 8, 7)],
      ['Europe/Dublin', Date.UTC(1916, 9, 1, 2, 25, 21)],
    ] as const) {
      const first = Math.floor(at / M) * M - M;
      for (let t = first; t < first + 3 * M; t += 1000) {
        for (const asked of [t, t + 999, t]) {
          const zzz = formatLocal(new Date(asked), tz, 'zzz');
          expect(zoneLabel(tz, new Date(asked))).toBe(/^(GMT|UTC)/.test(zzz) ? cityOf(tz) : `${cityOf(tz)} (${zzz})`);
        }
      }
    }
  });

  it.each([
    ['America/New_York', '2026-01-15T12:00:00Z', 'New York (EST)'],
    ['America/New_York', '2026-07-15T12:00:00Z', 'New York (EDT)'],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 'Kolkata'],
  ])('%s at %s → %s', (tz, iso, label) => expect(zoneLabel(tz, new Date(iso))).toBe(label));
});
