/** Public holidays from date-holidays, and the region a time zone suggests. */
import fs from 'node:fs';
import path from 'node:path';
import { isKnownRegion, proposedHolidayRegion, publicHolidayOn } from '../../../src/time';

/** tzdata's zone.tab (a copy, test/fixtures/tzdata): one country code per zone. */
const ZONE_TAB: ReadonlyArray<readonly [country: string, zone: string]> = fs
  .readFileSync(path.join(__dirname, '../../fixtures/tzdata/zone.tab'), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => {
    const [country, , zone] = line.split('\t');
    return [country!, zone!] as const;
  });

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

  it.each([
    ['Europe/Helsinki', 'FI'], // not AX (Åland shares the zone)
    ['Africa/Lagos', 'NG'],
    ['Africa/Nairobi', 'KE'],
    ['Africa/Johannesburg', 'ZA'],
    ['Europe/Belgrade', 'RS'],
    ['America/Panama', 'PA'],
    ['Asia/Qatar', null], // Qatar's own, which date-holidays does not know: not Bahrain's (BH)
    ['Africa/Abidjan', 'CI'],
    ['America/Curacao', 'CW'],
    ['America/Port_of_Spain', 'TT'],
    ['Africa/Maputo', 'MZ'],
    ['Europe/Mariehamn', 'AX'], // Åland's own zone (a link to Helsinki) still proposes Åland
    ['Europe/Kiev', 'UA'],
    ['Europe/Kyiv', 'UA'],
  ])('proposes a shared zone’s own country: %s → %s', (zone, country) => {
    expect(proposedHolidayRegion(zone)).toBe(country);
  });

  it('proposes nothing for the disputed Europe/Simferopol', () => {
    expect(proposedHolidayRegion('Europe/Simferopol')).toBeNull();
  });

  it('proposes, for every zone in zone.tab, that zone’s own country (when date-holidays knows it), else nothing', () => {
    expect(ZONE_TAB.length).toBeGreaterThan(400);
    const countries = new Set(ZONE_TAB.map(([c]) => c));
    const known = [...countries].filter((c) => isKnownRegion(c));
    expect(known.length).toBeGreaterThan(150);
    const wrong = ZONE_TAB.filter(([, zone]) => zone !== 'Europe/Simferopol')
      .map(([country, zone]) => ({ zone, expected: isKnownRegion(country) ? country : null, got: proposedHolidayRegion(zone) }))
      .filter((r) => r.got !== r.expected);
    expect(wrong).toEqual([]);
  });
});
