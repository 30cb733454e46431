/** The availability wording: away (and from what), public holidays ahead, the reader's own dates. */
import { awayPhrase, describePerson, holidayPhrase } from '../../../src/views/availability';
import { daysOffAhead } from '../../../src/domain/workSchedule';
import { scheduleOf, type PersonScheduleFields } from '../../../src/domain/personSchedule';

const lia = (over: Partial<PersonScheduleFields> = {}): PersonScheduleFields => ({
  tzOverride: null,
  slackTz: 'Europe/Lisbon',
  workdayStartMinute: 9 * 60,
  workdayEndMinute: 17 * 60,
  workingDays: 0b0111110,
  awayUntil: null,
  holidayRegion: null,
  statusAwayUntil: null,
  ...over,
});

describe('away, and where it comes from', () => {
  const wed = new Date('2026-12-02T15:00:00Z'); // Wed 15:00 in Lisbon

  it('says "(Slack status)" when the status decides the date, and the day they are back (Monday for a Saturday)', () => {
    expect(awayPhrase(lia({ statusAwayUntil: '2026-12-05' }), wed, null)).toBe('away until Mon 7 Dec (Slack status)');
    expect(awayPhrase(lia({ awayUntil: '2026-12-07' }), wed, null)).toBe('away until Mon 7 Dec');
    // Their own date is later: it decides, so it is not the status.
    expect(awayPhrase(lia({ awayUntil: '2026-12-09', statusAwayUntil: '2026-12-05' }), wed, null)).toBe('away until Wed 9 Dec');
    expect(awayPhrase(lia(), wed, null)).toBeNull();
  });

  it('dates the return in the reader’s zone: Monday 09:00 in Tokyo is still Sunday in New York', () => {
    const kenji = lia({ slackTz: 'Asia/Tokyo', statusAwayUntil: '2026-12-05' });
    expect(awayPhrase(kenji, wed, 'America/New_York')).toBe('away until Sun 6 Dec (Slack status)');
    expect(awayPhrase(kenji, wed, 'Asia/Tokyo')).toBe('away until Mon 7 Dec (Slack status)');
  });
});

describe('public holidays ahead', () => {
  it('names the holiday before their next shift, in their region', () => {
    const mon = new Date('2026-11-30T18:00:00Z'); // Mon 18:00 in Lisbon; Tue 1 Dec is a holiday in Portugal
    expect(holidayPhrase(lia({ holidayRegion: 'PT' }), mon)).toBe('Tue 1 Dec is a public holiday in Portugal');
    expect(describePerson(lia({ holidayRegion: 'PT' }), mon)).toBe('18:00 in Lisbon, their day starts in 1 d 15 h; Tue 1 Dec is a public holiday in Portugal');
    // On the holiday itself, too.
    expect(holidayPhrase(lia({ holidayRegion: 'PT' }), new Date('2026-12-01T10:00:00Z'))).toBe('Tue 1 Dec is a public holiday in Portugal');
    // Not chosen: her zone's country. Switched off, or a zone of no country: nothing.
    expect(holidayPhrase(lia(), mon)).toBe('Tue 1 Dec is a public holiday in Portugal');
    expect(holidayPhrase(lia({ holidayRegion: 'off' }), mon)).toBeNull();
    expect(holidayPhrase(lia({ slackTz: 'UTC' }), mon)).toBeNull();
    // A region chosen elsewhere wins over the zone's: Bavaria has no holiday on 1 December.
    expect(holidayPhrase(lia({ holidayRegion: 'DE-BY' }), mon)).toBeNull();
  });

  it('lists several days off in a row (Christmas and Boxing Day in Berlin)', () => {
    const berlin = lia({ slackTz: 'Europe/Berlin', holidayRegion: 'DE-BE' });
    expect(holidayPhrase(berlin, new Date('2025-12-24T18:00:00Z'))).toBe('Thu 25 Dec and Fri 26 Dec are public holidays in Berlin, Germany');
  });

  it('daysOffAhead counts only working weekdays that are days off before the next shift', () => {
    const s = scheduleOf(lia({ holidayRegion: 'PT' }));
    expect(daysOffAhead(s, new Date('2026-11-30T18:00:00Z'))).toEqual(['2026-12-01']);
    expect(daysOffAhead(s, new Date('2026-12-02T18:00:00Z'))).toEqual([]);
  });
});
