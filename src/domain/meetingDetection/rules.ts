/** The rule path: terse proposals and the per-language phrase tables, each match checked by the guards. */
import { isGuarded } from './guards';
import { guessLanguage } from './language';
import { ENGLISH, LANGUAGES, TERSE, TERSE_SENTENCE } from './languages';
import { neutraliseLookAlikes } from './lookAlikes';
import type { DetectionLanguage } from './types';

export function findPhrase(prose: string): { matched: string; lang: DetectionLanguage } | undefined {
  const text = neutraliseLookAlikes(prose);
  const terse = TERSE.exec(text) ?? [...text.matchAll(TERSE_SENTENCE)].find((m) => !isGuarded(text, m.index ?? 0, m[0], ENGLISH));
  if (terse && !isGuarded(text, terse.index ?? 0, terse[0], ENGLISH)) {
    return { matched: terse[0].replace(/^[.!?]/, '').trim(), lang: guessLanguage(text) ?? 'en' };
  }
  for (const rules of LANGUAGES) {
    for (const pattern of rules.proposals) {
      for (const m of text.matchAll(pattern)) {
        if (!isGuarded(text, m.index ?? 0, m[0], rules)) return { matched: m[0].trim(), lang: rules.lang };
      }
    }
  }
  return undefined;
}
