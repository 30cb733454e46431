/** `handoff next-digests`: output shape, defaults and friendly errors. */
import { nextDigestsCommand, USAGE } from '../../../src/cli/nextDigests';

const fixedNow = () => new Date('2026-03-06T12:00:00Z');
const run = (args: string) => nextDigestsCommand(args.split(/\s+/).filter(Boolean), fixedNow);

describe('next-digests', () => {
  it('lists slots in UTC and local time and flags the DST change', () => {
    const { exitCode, out } = run('next-digests --tz America/New_York --start 09:00 --days mon-fri --from 2026-03-05T15:00:00Z --count 4');
    expect(exitCode).toBe(0);
    expect(out.split('\n')).toEqual([
      '2026-03-06T14:00:00.000Z  2026-03-06 09:00 EST (Fri)',
      '2026-03-09T13:00:00.000Z  2026-03-09 09:00 EDT (Mon)  ← DST change (-05:00 → -04:00)',
      '2026-03-10T13:00:00.000Z  2026-03-10 09:00 EDT (Tue)',
      '2026-03-11T13:00:00.000Z  2026-03-11 09:00 EDT (Wed)',
    ]);
  });

  it('defaults to 09:00, mon-fri, now and 10 lines', () => {
    const { exitCode, out } = run('--tz Europe/Lisbon');
    expect(exitCode).toBe(0);
    const lines = out.split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('2026-03-09T09:00:00.000Z  2026-03-09 09:00 +00:00 (Mon)');
    expect(lines.every((l) => / 09:00 /.test(l) && !/\((Sat|Sun)\)/.test(l))).toBe(true);
  });

  it('honours --away-until, --days and --opt=value', () => {
    const { out } = run('--tz=Asia/Kathmandu --days=sun-thu --start=08:15 --from=2026-01-01T00:00:00Z --count=3 --away-until=2026-01-06');
    expect(out.split('\n')).toEqual([
      '2026-01-06T02:30:00.000Z  2026-01-06 08:15 +05:45 (Tue)',
      '2026-01-07T02:30:00.000Z  2026-01-07 08:15 +05:45 (Wed)',
      '2026-01-08T02:30:00.000Z  2026-01-08 08:15 +05:45 (Thu)',
    ]);
  });

  it('shows the skipped day in Apia and the offset jump', () => {
    const { out } = run('--tz Pacific/Apia --days mon-sun --from 2011-12-28T20:00:00Z --count 2');
    expect(out.split('\n')).toEqual([
      '2011-12-29T19:00:00.000Z  2011-12-29 09:00 -10:00 (Thu)',
      '2011-12-30T19:00:00.000Z  2011-12-31 09:00 +14:00 (Sat)  ← DST change (-10:00 → +14:00)',
    ]);
  });

  it('prints help', () => {
    expect(run('--help')).toEqual({ exitCode: 0, out: USAGE });
  });

  it.each([
    ['--tz Mars/Olympus', /Unknown time zone "Mars\/Olympus"/],
    ['--start 09:00', /--tz is required/],
    ['--tz UTC --start 9am', /"9am" is not a time of day/],
    ['--tz UTC --start 03:59', /outside 04:00–21:00/],
    ['--tz UTC --start 21:01', /outside 04:00–21:00/],
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

  it('accepts the edges of the start window and offset instants', () => {
    expect(run('--tz UTC --start 04:00 --count 1 --from 2026-03-06T04:59:00+01:00').out).toBe('2026-03-06T04:00:00.000Z  2026-03-06 04:00 UTC (Fri)');
    expect(run('--tz UTC --start 21:00 --count 1 --from 2026-03-06T12:00:00Z').exitCode).toBe(0);
  });
});
