/** A cheap language guess (for link-only messages and app posts; phrase matches know their language). */
import type { DetectionLanguage } from './types';

const STOPWORDS: Record<DetectionLanguage, Set<string>> = {
  en: new Set("the a an to and is you we for on this that it can let's lets i'll here join anyone me my if".split(' ')),
  es: new Set('el la los las de que y en para por con te una un es aqui puedes nos'.split(' ')),
  de: new Set('der die das und ich du wir ist nicht mit fur hier ein eine uns dir kurz'.split(' ')),
  fr: new Set('le la les de et un une pour est on je tu ici moi vous avec des'.split(' ')),
  pt: new Set('o a os de que e do da em um uma para pra com voce vc aqui segue'.split(' ')),
};

export function guessLanguage(normalized: string): DetectionLanguage | undefined {
  const words = normalized.split(/[^a-z']+/).filter(Boolean);
  let best: DetectionLanguage | undefined;
  let bestScore = 0;
  let tie = false;
  for (const lang of Object.keys(STOPWORDS) as DetectionLanguage[]) {
    const score = words.filter((w) => STOPWORDS[lang].has(w)).length;
    if (score > bestScore) {
      best = lang;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return tie ? undefined : best;
}

export function providerMentioned(text: string): string | undefined {
  if (/\bzoom\b/.test(text)) return 'Zoom';
  if (/\bgoogle meet|gmeet\b/.test(text)) return 'Google Meet';
  if (/\bteams\b/.test(text)) return 'Microsoft Teams';
  if (/\bwebex\b/.test(text)) return 'Webex';
  if (/\bhuddle/.test(text)) return 'Slack Huddle';
  return undefined;
}
