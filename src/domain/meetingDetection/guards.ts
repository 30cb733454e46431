/**
 * Guards shared by every phrase match: a negation just before it ("no need to hop on a call") or a
 * past-tense cue in its clause ("we set up a call last week") vetoes the match.
 */
import { ENGLISH, LANGUAGES, type LanguageRules } from './languages';

const CLAUSE_BOUNDARY = /[.!?;\n]|,\s|\s(?:but|though|however|pero|aber|mais|mas|porem)\s/g;

export function clauseAround(text: string, start: number, end: number): { before: string; clause: string } {
  let clauseStart = 0;
  let clauseEnd = text.length;
  for (const m of text.matchAll(CLAUSE_BOUNDARY)) {
    const idx = m.index ?? 0;
    if (idx + m[0].length <= start) clauseStart = idx + m[0].length;
    else if (idx >= end) {
      clauseEnd = idx;
      break;
    }
  }
  return { before: text.slice(clauseStart, start), clause: text.slice(clauseStart, clauseEnd) };
}

/** Last few words before the match: a negation further away usually belongs to something else. */
function lastWords(s: string, n: number): string {
  return s.trim().split(/\s+/).slice(-n).join(' ');
}

export const ALL_NEGATIONS = LANGUAGES.map((l) => l.negation);

export function isGuarded(text: string, start: number, matched: string, rules: LanguageRules): boolean {
  const { before, clause } = clauseAround(text, start, start + matched.length);
  const window = `${lastWords(before, 8)} ${matched}`;
  // Negation: "no need to hop on a call", "kein Meeting nötig", "pas besoin de réunion".
  // Every language's cues are checked because people mix languages ("sin necesidad de call").
  if (ALL_NEGATIONS.some((neg) => neg.test(window))) return true;
  // Past tense / retrospective: "we set up a call last week", "la reunión de ayer".
  if (rules.past.test(clause) || ENGLISH.past.test(clause)) return true;
  return false;
}
