/** `handoff next-digests`: output shape, defaults and friendly errors. */
import { nextDigestsCommand, USAGE } from '../../../src/cli/nextDigests';

const fixedNow = () => new Date('2026-03-06T12:00:00Z');
const run = (args: string) => nextDigestsCommand(args.split(/\s+/).filter(Boolean), fixedNow);

describe('next-digests', () => {
  it('lists slots in UTC and local time and flags the DST change', () => {
    const { exitCode, out } = run('next-digests --tz America/New_York --start 09:00 --days mon-fri --from 2026-03-05T15:00:00Z --count 4');
    expect(exitCode).toBe(0);
    expect(out.split('\n')).toEqual([
      '2026-03-06T14:00:00.000Z  2026-03-06 Fri 09:00 New York time (EST)',
      '2026-03-09T13:00:00.000Z  2026-03-09 Mon 09:00 New York time (EDT)  ← DST change (-05:00 → -04:00)',
      '2026-03-10T13:00:00.000Z  2026-03-10 Tue 09:00 New York time (EDT)',
      '2026-03-11T13:00:00.000Z  2026-03-11 Wed 09:00 New York time (EDT)',
    ]);
  });

  it('defaults to 09:00, mon-fri, now and 10 lines', () => {
    const { exitCode, out } = run('--tz Europe/Lisbon');
    expect(exitCode).toBe(0);
    const lines = out.split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('2026-03-09T09:00:00.000Z  2026-03-09 Mon 09:00 Lisbon time');
    expect(lines.every((l) => / 09:00 /.test(l) && !/ (Sat|Sun) /.test(l))).toBe(true);
  });

  it('honours --away-until, --days and --opt=value', () => {
    const { out } = run('--tz=Asia/Kathmandu --days=sun-thu --start=08:15 --from=2026-01-01T00:00:00Z --count=3 --away-until=2026-01-06');
    expect(out.split('\n')).toEqual([
      '2026-01-06T02:30:00.000Z  2026-01-06 Tue 08:15 Kathmandu time',
      '2026-01-07T02:30:00.000Z  2026-01-07 Wed 08:15 Kathmandu time',
      '2026-01-08T02:30:00.000Z  2026-01-08 Thu 08:15 Kathmandu time',
    ]);
  });

  it('shows the skipped day in Apia and the offset jump', () => {
    const { out } = run('--tz Pacific/Apia --days mon-sun --from 2011-12-28T20:00:00Z --count 2');
    expect(out.split('\n')).toEqual([
      '2011-12-29T19:00:00.000Z  2011-12-29 Thu 09:00 Apia time',
      '2011-12-30T19:00:00.000Z  2011-12-31 Sat 09:00 Apia time  ← DST change (-10:00 → +14:00)',
    ]);
  });

  it('prints help', () => {
    expect(run('--help')).toEqual({ exitCode: 0, out: USAGE });
  });

  it.each([
    ['--tz Mars/Olympus', /Unknown time zone "Mars\/Olympus"/],
    ['--start 09:00', /--tz is required/],
    ['--tz UTC --start 9am', /"9am" is not a time of day/],
    ['--tz UTC --days mon-frx', /"frx" is not a day of the week/],
    ['--tz UTC --from 2026-03-06T09:00', /not an ISO instant. Include Z or an offset/],
    ['--tz UTC --from yesterday', /not an ISO instant/],
    ['--tz UTC --count 0', /--count must be a whole number/],
    ['--tz UTC --count ten', /--count must be a whole number/],
    ['--tz UTC --away-until 2026-02-30', /--away-until "2026-02-30" is not a date/],
    ['--tz UTC --colour red', /Unknown argument "--colour"/],
    ['--tz', /--tz needs a value/],
  ])('%s → friendly error with usage', (args, message) => {
    const { exitCode, out } = run(args);
    expect(exitCode).toBe(2);
    expect(out).toMatch(message);
    expect(out).toContain('Usage: handoff next-digests');
  });

  it('accepts any start, night shifts included, and offset instants', () => {
    expect(run('--tz UTC --start 04:00 --count 1 --from 2026-03-06T04:59:00+01:00').out).toBe('2026-03-06T04:00:00.000Z  2026-03-06 Fri 04:00 UTC');
    expect(run('--tz UTC --start 22:00 --count 1 --from 2026-03-06T12:00:00Z').out).toBe('2026-03-06T22:00:00.000Z  2026-03-06 Fri 22:00 UTC');
    expect(run('--tz Asia/Kolkata --start 02:00 --count 1 --from 2026-03-06T12:00:00Z').out).toBe('2026-03-08T20:30:00.000Z  2026-03-09 Mon 02:00 Kolkata time');
  });

  it('--from is inclusive: the README example lists the Wednesday 09:00 JST digest that falls exactly on it', () => {
    const { out } = run('--tz Asia/Tokyo --start 09:00 --days mon-fri --from 2027-03-10T00:00:00Z --count 2');
    expect(out.split('\n')).toEqual(['2027-03-10T00:00:00.000Z  2027-03-10 Wed 09:00 Tokyo time', '2027-03-11T00:00:00.000Z  2027-03-11 Thu 09:00 Tokyo time']);
    expect(USAGE).toMatch(/inclusive/);
  });

  it('a start in a DST gap moves forward by the gap, a repeated one takes the earlier instant, as the scheduler does', () => {
    const gap = run('--tz America/New_York --start 02:30 --days mon-sun --from 2026-03-07T12:00:00Z --count 2').out.split('\n');
    expect(gap[0]).toBe('2026-03-08T07:30:00.000Z  2026-03-08 Sun 03:30 New York time (EDT)  (02:30 skipped by clock change)  ← DST change (-05:00 → -04:00)');
    expect(gap[1]).toBe('2026-03-09T06:30:00.000Z  2026-03-09 Mon 02:30 New York time (EDT)');
    const repeated = run('--tz America/New_York --start 01:30 --days mon-sun --from 2026-10-31T12:00:00Z --count 1').out;
    expect(repeated).toBe('2026-11-01T05:30:00.000Z  2026-11-01 Sun 01:30 New York time (EDT)  (01:30 happens twice; the earlier)');
  });
});
