/** The rule path: terse proposals and the per-language phrase tables, each match checked by the guards. */
import { isGuarded } from './guards';
import { guessLanguage } from './language';
import { ENGLISH, LANGUAGES, TERSE, TERSE_SENTENCE } from './languages';
import { neutraliseLookAlikes } from './lookAlikes';
import type { DetectionLanguage } from './types';

export interface PhraseMatch {
  matched: string;
  lang: DetectionLanguage;
  /** Which rule: "terse" or "<lang>.<index in its table>", for logs and explanations. */
  rule: string;
}

export interface PhraseEvidence {
  /** The first match that survived the guards. */
  fired?: PhraseMatch;
  /** A proposal pattern matched but a negation or past-tense guard vetoed it. */
  vetoed: boolean;
}

export function phraseEvidence(prose: string): PhraseEvidence {
  const text = neutraliseLookAlikes(prose);
  let vetoed = false;
  const terseAll = [TERSE.exec(text), ...text.matchAll(TERSE_SENTENCE)].filter((m): m is RegExpExecArray => m !== null);
  for (const m of terseAll) {
    if (isGuarded(text, m.index ?? 0, m[0], ENGLISH)) vetoed = true;
    else return { fired: { matched: m[0].replace(/^[.!?]/, '').trim(), lang: guessLanguage(text) ?? 'en', rule: 'terse' }, vetoed };
  }
  for (const rules of LANGUAGES) {
    for (const [i, pattern] of rules.proposals.entries()) {
      for (const m of text.matchAll(pattern)) {
        if (isGuarded(text, m.index ?? 0, m[0], rules)) vetoed = true;
        else return { fired: { matched: m[0].trim(), lang: rules.lang, rule: `${rules.lang}.${i}` }, vetoed };
      }
    }
  }
  return { vetoed };
}
