/**
 * Slack spelling for the model: chat shorthand expanded ("b4" → "before", "hj" → "hoje") and
 * one-letter typos of the key meeting words corrected ("hudle" → "huddle", "meetign" → "meeting",
 * "llamda" → "llamada"). Both lists live in the language tables; a shorthand two languages read
 * differently is left alone.
 */
import { LANGUAGES } from './languages';

const SHORTHAND: Map<string, string> = (() => {
  const map = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const rules of LANGUAGES) {
    for (const [k, v] of Object.entries(rules.abbreviations)) {
      if (map.has(k) && map.get(k) !== v) ambiguous.add(k);
      else map.set(k, v);
    }
  }
  for (const k of ambiguous) map.delete(k);
  return map;
})();

const KEYWORDS: string[] = [...new Set(LANGUAGES.flatMap((r) => r.keywords))];
const KNOWN = new Set(KEYWORDS);
// Real words one edit away from a key word, which must stay what they are.
const REAL_WORDS = new Set([
  'lugar',
  'hurdle',
  'quirk',
  'quirks',
  'catchy',
  'patch',
  'latch',
  'watch',
  'match',
  'batch',
  'hatch',
  'coach',
  'sinks',
  'rapids',
  'sprechen',
  'termine',
  'treffer',
  'agendas',
  'invited',
  'inviter',
  'convites',
  'phones',
  'phoned',
  'calls',
  'called',
  'zooms',
  'zoomed',
  'meetup',
  'jumps',
  'jumpy',
  'syncs',
  'synch',
  'ligado',
  'ligada',
  'reunir',
  'schnelle',
]);

/** Damerau–Levenshtein distance is at most 1 (one insertion, deletion, substitution or swap). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The key word a token is a typo of, when exactly one is one edit away; tokens under 5 letters are left alone. */
function corrected(token: string): string | undefined {
  if (token.length < 5 || KNOWN.has(token) || REAL_WORDS.has(token) || /\d/.test(token)) return undefined;
  let found: string | undefined;
  for (const k of KEYWORDS) {
    if (k.length < 4 || !withinOneEdit(token, k)) continue;
    if (found && found !== k) return undefined;
    found = k;
  }
  return found;
}

export function respell(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const expanded = SHORTHAND.get(t);
    if (expanded) out.push(...expanded.split(' '));
    else out.push(corrected(t) ?? t);
  }
  return out;
}
