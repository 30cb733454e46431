/** What every language table provides, and the pattern helpers they share. */
import type { DetectionLanguage } from '../types';

export interface LanguageRules {
  lang: DetectionLanguage;
  /** Proposal patterns; any match (that survives the guards) fires. */
  proposals: RegExp[];
  /** Negation cues: "no need for a call", "instead of a meeting". Checked just before the match. */
  negation: RegExp;
  /** Past-tense / retrospective cues: "the call yesterday", "we had a meeting". Checked on the clause. */
  past: RegExp;
}

export const rx = (source: string): RegExp => new RegExp(source, 'g');

/** Up to n filler words, lazily ("hop on a *quick zoom* call"). */
export const gap = (n: number): string => `(?:[a-z0-9'/-]+\\s+){0,${n}}?`;

export const END_OF_CLAUSE = '(?=\\s*(?:[?!.,;]|$))';
