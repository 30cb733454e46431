import { instantFromPostgres } from '../../../src/db/pgTypes';

describe('instantFromPostgres (timestamptz text → epoch ms)', () => {
  const ms = Date.UTC(2026, 10, 30, 9, 0, 0, 123);
  it.each([
    ['2026-11-30 09:00:00.123+00', ms],
    ['2026-11-30 18:30:00.123+09:30', ms],
    ['2026-11-30 04:00:00.123-05', ms],
    ['2026-11-30 09:00:00+00', ms - 123],
  ])('reads %s in any session time zone', (text, expected) => {
    expect(instantFromPostgres(text)).toBe(expected);
  });

  it('takes a Date as it is (a client that parses timestamptz itself)', () => {
    expect(instantFromPostgres(new Date(ms))).toBe(ms);
  });

  it('refuses what it cannot read rather than returning NaN', () => {
    expect(() => instantFromPostgres('infinity')).toThrow(/unreadable timestamptz/);
  });
});
