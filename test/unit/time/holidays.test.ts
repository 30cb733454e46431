/** Public holidays from date-holidays, and the region a time zone suggests. */
import { isKnownRegion, proposedHolidayRegion, publicHolidayOn } from '../../../src/time';

describe('public holidays', () => {
  it('knows Portugal’s public holidays, and only public ones', () => {
    expect(publicHolidayOn('PT', '2026-12-01')).toEqual({ date: '2026-12-01', name: 'Restauração da Independência' });
    expect(publicHolidayOn('PT', '2026-12-25')?.name).toBe('Natal');
    expect(publicHolidayOn('PT', '2026-12-02')).toBeNull();
    expect(publicHolidayOn('pt', '2026-04-25')?.name).toBe('Dia da Liberdade');
    // Germany: Epiphany is a public holiday in Bavaria only.
    expect(publicHolidayOn('DE-BY', '2026-01-06')).not.toBeNull();
    expect(publicHolidayOn('DE', '2026-01-06')).toBeNull();
  });

  it('an unknown or malformed region has no holidays and is said to be unknown', () => {
    expect(isKnownRegion('PT')).toBe(true);
    expect(isKnownRegion('DE-BY')).toBe(true);
    expect(isKnownRegion('XX')).toBe(false);
    expect(isKnownRegion('DE-ZZ')).toBe(false);
    expect(isKnownRegion('Portugal')).toBe(false);
    expect(publicHolidayOn('XX', '2026-12-25')).toBeNull();
  });

  it('proposes the country of a zone, whatever spelling of the zone Slack gives', () => {
    expect(proposedHolidayRegion('Europe/Lisbon')).toBe('PT');
    expect(proposedHolidayRegion('Atlantic/Azores')).toBe('PT');
    expect(proposedHolidayRegion('Asia/Tokyo')).toBe('JP');
    expect(proposedHolidayRegion('Asia/Kolkata')).toBe('IN');
    expect(proposedHolidayRegion('Asia/Calcutta')).toBe('IN');
    expect(proposedHolidayRegion('America/Sao_Paulo')).toBe('BR');
    expect(proposedHolidayRegion('UTC')).toBeNull();
    expect(proposedHolidayRegion('Not/AZone')).toBeNull();
  });
});
