/** Every language table, in the order their phrases are tried. */
import { GERMAN } from './de';
import { ENGLISH } from './en';
import { SPANISH } from './es';
import { FRENCH } from './fr';
import { PORTUGUESE } from './pt';
import type { LanguageRules } from './shared';

export type { LanguageRules } from './shared';
export { ENGLISH, SPANISH, GERMAN, FRENCH, PORTUGUESE };
export { TERSE, TERSE_SENTENCE } from './terse';

export const LANGUAGES: LanguageRules[] = [ENGLISH, SPANISH, PORTUGUESE, FRENCH, GERMAN];
