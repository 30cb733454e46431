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
  /** Chat shorthand → words, applied to the model's tokens ("b4" → "before", "hj" → "hoje"). */
  abbreviations: Record<string, string>;
  /** Key words a one-letter typo is corrected to ("hudle" → "huddle", "llamda" → "llamada"). */
  keywords: string[];
  /** Words for the concepts the model generalises over, as regex alternations (model text: accent-free, numbers → 0). */
  lexicon: Lexicon;
}

/**
 * Concepts shared across languages, so the model can learn "a suggestion, then a meeting word, then
 * a time" once and recognise it in any language: "let's call tomorrow", "¿llamada mañana?",
 * "lass uns morgen telefonieren" all read SUGGEST/CALL/WHEN to it.
 */
export type Concept =
  | 'MEET' // a meeting or call noun: call, meeting, sync, llamada, Termin, visio, reunião
  | 'CALLV' // phoning someone: call me, ring, llamar, anrufen, appeler, ligar
  | 'TALK' // talking it through: talk, chat, discuss, hablar, sprechen, discuter, conversar
  | 'JOIN' // joining a live room: hop on, jump in, join, entrar, rejoindre, reinkommen
  | 'TIME' // a short stretch of someone's time: 5 min, a sec, un rato, kurz, un instant, minutinho
  | 'WHEN' // a time or day: today, at 3, tomorrow, mañana, morgen, demain, amanhã
  | 'CAL' // calendars and invites: calendar, invite, slot, Einladung, créneau, convite
  | 'RECUR' // recurring: weekly, standing, every monday, semanal, wöchentlich, hebdo
  | 'SUGGEST' // a suggestion or ask: let's, can we, how about, podemos, lass uns, on peut, bora
  | 'VOICE' // synchronous medium: live, by phone, in person, de viva voz, mündlich, à l'oral
  | 'EASY' // comparison that favours talking: easier, faster, más rápido, schneller, plus simple
  | 'OTHER3' // a third person or group: with X, loop in, include, con, mit, avec, com
  | 'ASYNC' // writing instead: in the doc, thread, async, por escrito, schriftlich, par écrit
  | 'TECH' // software senses: api, endpoint, function, deploy, build, repo
  | 'BUSY' // the speaker's own status: in meetings all day, back to back, ocupado, en réunion
  | 'TOGETHER' // a group doing it at once: together, everyone, juntos, zusammen, ensemble
  | 'SCREEN' // seeing it live: share my screen, show you, pantalla, Bildschirm, écran, tela
  | 'ROOM' // a physical or named room: boardroom, sala, Raum, salle
  | 'QINFO' // a question for information, not time: which, does anyone know, sabes si, weiß jemand
  | 'THANKS' // looking back gratefully: thanks for the call, danke fürs Gespräch, valeu
  | 'WAIT' // the speaker asking for a moment before doing something: give me 5 min and I'll…
  | 'RECORD' // recordings and written records: recording, notes, Protokoll, compte rendu, ata
  | 'CANCEL' // calling something off or moving it: cancel, postpone, streichen, annuler, desmarcar
  | 'WHENFREE' // time offered for a task done alone: when you have a minute, cuando puedas, wenn du Zeit hast
  | 'WHENFREE2' // the same said of someone else: when someone has 5 min, quand il a le temps, wenn er Zeit hat
  | 'TASK' // a task someone does alone: review, approve, fix, revisar, freigeben, relire, aprovar
  | 'REMAIN' // time that is left, not asked for: 10 min left on my battery, il me reste, faltam
  | 'DURATION' // how long something takes: the export takes 5 minutes, tarda, dauert, prend, leva
  | 'REPORT' // the speaker talks to someone and reports back: and i'll report back, je vous fais un retour
  | 'SOLO'; // time kept for oneself: focus time, don't ping, para concentrarme, nicht stören, pour avancer

export type Lexicon = Partial<Record<Concept, string>>;

export const rx = (source: string): RegExp => new RegExp(source, 'g');

/** Up to n filler words, lazily ("hop on a *quick zoom* call"). */
export const gap = (n: number): string => `(?:[a-z0-9'/-]+\\s+){0,${n}}?`;

export const END_OF_CLAUSE = '(?=\\s*(?:[?!.,;]|$))';
