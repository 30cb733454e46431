/** When the weekly async-health report goes, and what it covers (domain/weeklyReport.ts). */
import { reportDue, trendPeriod, TREND_WEEKS, weeklyReportSlot } from '../../../src/domain/weeklyReport';
import { MON_FRI, type WorkSchedule } from '../../../src/domain/workSchedule';
import { isoWeekOf } from '../../../src/time';

const tokyo: WorkSchedule = { tz: 'Asia/Tokyo', startMinute: 9 * 60, endMinute: 17 * 60, workingDays: MON_FRI, awayUntil: null };
const auckland: WorkSchedule = { ...tokyo, tz: 'Pacific/Auckland' };

describe('isoWeekOf', () => {
  it.each([
    ['2027-03-15', '2027-W11'],
    ['2027-03-21', '2027-W11'], // Sunday: same week as its Monday
    ['2027-01-01', '2026-W53'], // a Friday: its Thursday is in 2026
    ['2026-12-28', '2026-W53'],
    ['2025-12-29', '2026-W01'], // a Monday whose Thursday is in 2026
  ])('%s is in %s', (date, week) => expect(isoWeekOf(date)).toBe(week));
});

describe('weeklyReportSlot', () => {
  it('goes at the start of Monday’s shift in the person’s zone and covers their previous Monday-to-Monday', () => {
    const slot = weeklyReportSlot(tokyo, new Date('2027-03-14T23:00:00Z'))!; // Mon 08:00 in Tokyo
    expect(slot.week).toBe('2027-W11');
    expect(slot.at.toISOString()).toBe('2027-03-15T00:00:00.000Z');
    expect(slot.sendBy.toISOString()).toBe('2027-03-15T08:00:00.000Z');
    expect(slot.period.from.toISOString()).toBe('2027-03-07T15:00:00.000Z');
    expect(slot.period.to.toISOString()).toBe('2027-03-14T15:00:00.000Z');
    expect(reportDue(slot, new Date('2027-03-14T23:58:59Z'))).toBe(false);
    expect(reportDue(slot, new Date('2027-03-14T23:59:00Z'))).toBe(true);
  });

  it('covers a week that has ended even where Monday 09:00 is still Sunday in UTC', () => {
    const slot = weeklyReportSlot(auckland, new Date('2027-03-14T20:00:00Z'))!; // Mon 09:00 in Auckland (UTC+13)
    expect(slot.at.toISOString()).toBe('2027-03-14T20:00:00.000Z');
    expect(slot.period.to.getTime()).toBeLessThanOrEqual(slot.at.getTime());
  });

  it('moves to the next shift day when Monday is a day off, and is never due at night', () => {
    const holidayMonday: WorkSchedule = { ...tokyo, isDayOff: (d) => d === '2027-03-15' };
    const slot = weeklyReportSlot(holidayMonday, new Date('2027-03-15T02:00:00Z'))!;
    expect(slot.at.toISOString()).toBe('2027-03-16T00:00:00.000Z'); // Tue 09:00 Tokyo
    expect(slot.week).toBe('2027-W11');
    expect(reportDue(slot, new Date('2027-03-15T02:00:00Z'))).toBe(false);
    // Missed Monday's shift (not running): the next shift of the same week, inside it only.
    const missed = weeklyReportSlot(tokyo, new Date('2027-03-15T12:00:00Z'))!; // Mon 21:00 Tokyo
    expect(missed.at.toISOString()).toBe('2027-03-16T00:00:00.000Z');
    expect(reportDue(missed, new Date('2027-03-15T12:00:00Z'))).toBe(false);
  });

  it('is null once no shift of the week is left (nothing sent in a later week for this one)', () => {
    expect(weeklyReportSlot(tokyo, new Date('2027-03-19T09:00:00Z'))).toBeNull(); // Fri 18:00 Tokyo
    expect(weeklyReportSlot({ ...tokyo, awayUntil: '2027-03-22' }, new Date('2027-03-15T01:00:00Z'))).toBeNull();
  });
});

describe('trendPeriod', () => {
  it('is the eight local weeks ending with the reported one, Monday 00:00 in the zone, across a DST change', () => {
    // Berlin's week of 2027-03-29 (summer time since the 28th): 00:00 there is 22:00 UTC the day before.
    const period = { from: new Date('2027-03-28T22:00:00Z'), to: new Date('2027-04-04T22:00:00Z') };
    const trend = trendPeriod(period, 'Europe/Berlin');
    expect(TREND_WEEKS).toBe(8);
    // Seven weeks earlier is Monday 2027-02-08, still winter time: 00:00 there is 23:00 UTC.
    expect(trend).toEqual({ from: new Date('2027-02-07T23:00:00Z'), to: period.to, tz: 'Europe/Berlin' });
  });

  it('is the reported week itself for one week', () => {
    const period = { from: new Date('2027-03-07T15:00:00Z'), to: new Date('2027-03-14T15:00:00Z') };
    expect(trendPeriod(period, 'Asia/Tokyo', 1)).toEqual({ ...period, tz: 'Asia/Tokyo' });
  });
});
