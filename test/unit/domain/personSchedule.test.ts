/** A person's planned digests as everyone shows them (plannedDigestsOf), including one planned ahead of its slot; whose holidays they keep. */
import { holidayRegionOf, holidaysFromZone, plannedDigestsOf, scheduleOf } from '../../../src/domain/personSchedule';

const THU_0900_TOKYO = Date.parse('2026-11-26T00:00:00Z');
const DAY = 24 * 3600_000;
const tokyo = {
  tzOverride: null,
  slackTz: 'Asia/Tokyo',
  workdayStartMinute: 540,
  workdayEndMinute: 1020,
  workingDays: 0b0111110,
  awayUntil: null,
  holidayRegion: null,
  statusAwayUntil: null,
};
const slots = (p: Parameters<typeof plannedDigestsOf>[0], now: number, count: number) =>
  plannedDigestsOf(p, new Date(now), count).map((d) => [d.localDate, new Date(d.at).toISOString()]);

describe('plannedDigestsOf', () => {
  it('the stored plan, then each following workday', () => {
    const p = { ...tokyo, nextDigestAt: THU_0900_TOKYO, nextDigestLocalDate: '2026-11-26', lastDigestLocalDate: '2026-11-25', lastDigestAt: THU_0900_TOKYO - DAY };
    expect(slots(p, THU_0900_TOKYO - 3600_000, 3)).toEqual([
      ['2026-11-26', '2026-11-26T00:00:00.000Z'],
      ['2026-11-27', '2026-11-27T00:00:00.000Z'],
      ['2026-11-30', '2026-11-30T00:00:00.000Z'],
    ]);
  });

  it('in the minute before a slot the sweep already planned, that digest still comes first (not tomorrow’s)', () => {
    // What the sweep leaves at 08:59:30: moved on to Friday, Thursday served at its slot instant.
    const p = { ...tokyo, nextDigestAt: THU_0900_TOKYO + DAY, nextDigestLocalDate: '2026-11-27', lastDigestLocalDate: '2026-11-26', lastDigestAt: THU_0900_TOKYO };
    expect(slots(p, THU_0900_TOKYO - 30_000, 2)).toEqual([
      ['2026-11-26', '2026-11-26T00:00:00.000Z'],
      ['2026-11-27', '2026-11-27T00:00:00.000Z'],
    ]);
    expect(plannedDigestsOf(p, new Date(THU_0900_TOKYO - 30_000), 1)[0]).toMatchObject({ catchUp: false });
    // From the slot on it is sent (or being sent): Friday's is next.
    expect(slots(p, THU_0900_TOKYO, 1)).toEqual([['2026-11-27', '2026-11-27T00:00:00.000Z']]);
  });
});

describe('public holidays nobody has to choose', () => {
  it('until the person chooses, their zone’s country; a choice (or “off”) wins; a zone of no country keeps none', () => {
    expect(holidayRegionOf(tokyo)).toBe('JP');
    expect(holidaysFromZone(tokyo)).toBe(true);
    // Their own zone override decides, not the Slack profile's.
    expect(holidayRegionOf({ ...tokyo, tzOverride: 'Europe/Lisbon' })).toBe('PT');
    expect(holidayRegionOf({ ...tokyo, holidayRegion: 'DE-BY' })).toBe('DE-BY');
    expect(holidaysFromZone({ ...tokyo, holidayRegion: 'DE-BY' })).toBe(false);
    expect(holidayRegionOf({ ...tokyo, holidayRegion: 'off' })).toBeNull();
    expect(holidaysFromZone({ ...tokyo, holidayRegion: 'off' })).toBe(false);
    expect(holidayRegionOf({ ...tokyo, slackTz: 'UTC' })).toBeNull();
    expect(holidaysFromZone({ ...tokyo, slackTz: 'UTC' })).toBe(false);
  });

  it('the zone’s holidays are days off: Labour Thanksgiving Day (Mon 23 Nov 2026) in Tokyo, not once switched off', () => {
    expect(scheduleOf(tokyo).isDayOff?.('2026-11-23')).toBe(true);
    expect(scheduleOf(tokyo).isDayOff?.('2026-11-24')).toBe(false);
    expect(scheduleOf({ ...tokyo, holidayRegion: 'off' }).isDayOff).toBeUndefined();
  });
});
