/**
 * Public holidays, from the kept `date-holidays` package (never a hand-written table). A region is a
 * country code, optionally with a state or province ("PT", "DE-BY", "US-CA"); only days of type
 * 'public' (days off by law) count. Calendar days are 'YYYY-MM-DD' in the region's own reckoning,
 * which is what a person's local date is.
 */
import Holidays from 'date-holidays';
import type { LocalDate } from './calendar';
import { canonicalTimeZone } from './zone';

export interface PublicHoliday {
  date: LocalDate;
  name: string;
}

/** Per region and year: the public holidays by date. */
const byYear = new Map<string, Map<LocalDate, string>>();
let zoneToCountry: Map<string, string> | undefined;

function parse(region: string): { country: string; state?: string } | null {
  const m = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/.exec(region.trim().toUpperCase());
  if (!m) return null;
  return m[2] ? { country: m[1]!, state: m[2] } : { country: m[1]! };
}

// date-holidays builds these lists from its data on every call (≈10 ms): read once.
let knownCountries: Record<string, string> | undefined;
const statesByCountry = new Map<string, Record<string, string> | undefined>();
const countriesKnown = () => (knownCountries ??= new Holidays().getCountries());
function statesOf(country: string): Record<string, string> | undefined {
  if (!statesByCountry.has(country)) statesByCountry.set(country, new Holidays().getStates(country));
  return statesByCountry.get(country);
}

/** Whether `region` is one date-holidays knows ("PT", "DE-BY"). */
export function isKnownRegion(region: string): boolean {
  const r = parse(region);
  if (!r) return false;
  if (!countriesKnown()[r.country]) return false;
  return !r.state || !!statesOf(r.country)?.[r.state];
}

/**
 * Builds, before the app answers anyone, what the first schedule of a person with no region chosen
 * would otherwise build in the middle of a request or a wave: the zone → country map (≈100 ms).
 */
export function prepareHolidays(): void {
  proposedHolidayRegion('UTC');
}

function holidaysOf(region: string, year: number): Map<LocalDate, string> {
  const key = `${region}|${year}`;
  let days = byYear.get(key);
  if (!days) {
    const r = parse(region);
    days = new Map();
    if (r && isKnownRegion(region)) {
      const hd = r.state ? new Holidays(r.country, r.state) : new Holidays(r.country);
      for (const h of hd.getHolidays(year) || []) if (h.type === 'public') days.set(h.date.slice(0, 10), h.name);
    }
    byYear.set(key, days);
  }
  return days;
}

/** The public holiday of `region` on `date`, or null. */
export function publicHolidayOn(region: string, date: LocalDate): PublicHoliday | null {
  const name = holidaysOf(region.trim().toUpperCase(), Number(date.slice(0, 4))).get(date);
  return name ? { date, name } : null;
}

/**
 * Zones whose country is disputed: proposed nothing, so the person picks. Europe/Simferopol (Crimea)
 * is UA in zone.tab but "RU,UA" in zone1970.tab, and tzdata says it takes no position on territorial
 * claims; either proposal would be wrong for many people there, and a proposal is only a convenience.
 */
const DISPUTED_ZONES: ReadonlySet<string> = new Set(['Europe/Simferopol']);

/** Intl.Locale's zones of a region (ICU/CLDR); a getter in Node 20, a method in later runtimes. Not in TS's ES2022 lib. */
interface LocaleWithZones {
  timeZones?: string[];
  getTimeZones?: () => string[] | undefined;
}

function zonesOfCountry(country: string): string[] {
  const locale = new Intl.Locale(`und-${country}`) as unknown as LocaleWithZones;
  return (typeof locale.getTimeZones === 'function' ? locale.getTimeZones() : locale.timeZones) ?? [];
}

/** The country whose holidays a person in zone `tz` most likely keeps (Europe/Lisbon → "PT"), or null. A default, which the person can change. */
export function proposedHolidayRegion(tz: string): string | null {
  if (!zoneToCountry) {
    // Built once, on first use. Each zone's own country, as ICU/CLDR has it (the same as tzdata's
    // zone.tab: exactly one country per zone), among the countries date-holidays knows. Not
    // date-holidays' own zone lists: a zone shared by several countries (Europe/Helsinki is also
    // Åland's) would go to whichever is listed first.
    zoneToCountry = new Map();
    for (const country of Object.keys(countriesKnown())) {
      // Keyed by the name as ICU lists it and as DateTimeFormat resolves it, should the two ever differ.
      for (const zone of zonesOfCountry(country)) for (const name of [zone, canonicalOrNull(zone)]) if (name) zoneToCountry.set(name, country);
    }
  }
  if (DISPUTED_ZONES.has(tz)) return null;
  // Every schedule of a person who chose no region asks: the name as stored is found without
  // resolving it (the map holds ICU's names and the resolved ones); an alias is resolved first.
  const listed = zoneToCountry.get(tz);
  if (listed !== undefined) return listed;
  const canonical = canonicalOrNull(tz);
  if (!canonical || DISPUTED_ZONES.has(canonical)) return null;
  return zoneToCountry.get(canonical) ?? null;
}

function canonicalOrNull(tz: string): string | null {
  try {
    return canonicalTimeZone(tz);
  } catch {
    return null; // not a zone this runtime knows
  }
}

export interface HolidayRegion {
  /** "PT", "DE-BY". */
  code: string;
  /** "Portugal", "Bayern, Germany". */
  name: string;
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** A region as people read it: "Portugal", "Bayern, Germany"; the code itself when unknown. */
export function holidayRegionName(region: string): string {
  const r = parse(region);
  if (!r || !isKnownRegion(region)) return region;
  // ICU's English name of the country ("Germany"), not date-holidays' native one ("Deutschland").
  const country = countryNames.of(r.country) ?? r.country;
  if (!r.state) return country;
  const state = new Holidays().getStates(r.country, 'en')?.[r.state] ?? r.state;
  return `${state}, ${country}`;
}

/** A country and its states or provinces date-holidays knows, the whole country first (at most 1 + 51, for the US). */
export function holidayRegionsOf(country: string): HolidayRegion[] {
  const c = country.trim().toUpperCase();
  if (!isKnownRegion(c) || c.includes('-')) return [];
  const states = Object.keys(statesOf(c) ?? {}).sort();
  return [c, ...states.map((s) => `${c}-${s}`)].map((code) => ({ code, name: holidayRegionName(code) }));
}

/** The canonical spelling of a region people typed ("de-by" → "DE-BY"), or null when date-holidays does not know it. */
export function canonicalHolidayRegion(region: string): string | null {
  const r = parse(region);
  if (!r || !isKnownRegion(region)) return null;
  return r.state ? `${r.country}-${r.state}` : r.country;
}
