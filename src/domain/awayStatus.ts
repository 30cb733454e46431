/**
 * Away, read from a person's Slack status (issue 16, part 2): out of office, vacation, sick, parental
 * leave and travel, in the five languages Handoff speaks (English, Spanish, Portuguese, French,
 * German). Conservative on purpose: a status that is only a short absence ("away from keyboard for
 * lunch", "brb", "back in 10") or that says the absence is over ("back from vacation") is not away,
 * and "away" on its own means nothing. The person can always correct it in their settings.
 *
 * Pure: the status and instants in; the zone and schedule decide the return date.
 */
import { addDays, localDateOf, localInstant, type LocalDate } from '../time';
import type { WorkSchedule } from './workSchedule';

export interface SlackStatus {
  text: string;
  emoji: string;
  /** Epoch seconds when Slack clears the status; 0 when it never does. */
  expiration: number;
}

export type AwayKind = 'out_of_office' | 'vacation' | 'sick' | 'parental_leave' | 'travel';

export interface StatusAway {
  kind: AwayKind;
  /** When the status ends (Slack's status_expiration), or null when it has none. */
  until: Date | null;
}

const w = (source: string) => new RegExp(`(?<![a-z0-9])(?:${source})(?![a-z0-9])`);

/** Phrases per kind, matched on lower-case text without accents. */
const PHRASES: ReadonlyArray<readonly [AwayKind, RegExp]> = [
  [
    'parental_leave',
    w(
      '(?:parental|maternity|paternity) leave|baja (?:por |de )?(?:maternidad|paternidad)|licenca[ -](?:maternidade|paternidade)|conge (?:maternite|paternite|parental)|elternzeit|mutterschutz',
    ),
  ],
  ['sick', w('sick|out sick|off sick|sick leave|enferm[oa]|de baja|doente|de atestado|malade|arret maladie|krank|krankgeschrieben')],
  ['vacation', w('vacation|vacationing|on holidays?|on leave|on pto|pto|de vacaciones|vacaciones|de ferias|ferias|en vacances|vacances|en conges?|conges|im urlaub|urlaub')],
  ['travel', w('travell?ing|on a (?:business )?trip|de viaje|viajando|em viagem|en deplacement|en voyage|auf (?:dienst)?reise|dienstreise')],
  ['out_of_office', w('ooo|ooto|out of (?:the )?office|fuera de la oficina|fora do escritorio|hors du bureau|absente?|abwesend|nicht im buro|ausser haus')],
];

/** Slack emoji people set for the same: the defaults Slack offers and their common neighbours. */
const EMOJI: ReadonlyMap<string, AwayKind> = new Map([
  ['palm_tree', 'vacation'],
  ['desert_island', 'vacation'],
  ['beach_with_umbrella', 'vacation'],
  ['face_with_thermometer', 'sick'],
  ['sneezing_face', 'sick'],
  ['face_with_head_bandage', 'sick'],
  ['mask', 'sick'],
  ['baby', 'parental_leave'],
  ['baby_bottle', 'parental_leave'],
  ['airplane', 'travel'],
  ['airplane_departure', 'travel'],
  ['airplane_arriving', 'travel'],
  ['luggage', 'travel'],
]);

/** A short absence, or one that is over: never away, whatever else the status says. */
const NOT_AWAY = w(
  'afk|brb|lunch|almuerzo|almoco|dejeuner|mittag(?:spause|essen)?|coffee|cafe|kaffee|back in \\d+|back from|back on|returned from|de vuelta de|de volta de|de retour de|zuruck (?:aus|von)',
);

function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/:[a-z0-9_+-]+:/g, ' ') // emoji written in the text
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a Slack status says its person is away, and until when; null when it does not. */
export function awayFromStatus(status: SlackStatus, now: Date): StatusAway | null {
  if (status.expiration > 0 && status.expiration * 1000 <= now.getTime()) return null; // already cleared
  const text = normalise(status.text);
  if (NOT_AWAY.test(text)) return null;
  const byText = PHRASES.find(([, re]) => re.test(text))?.[0];
  const byEmoji = EMOJI.get(status.emoji.replace(/^:|:$/g, '').replace(/::skin-tone-\d$/, ''));
  const kind = byText ?? byEmoji;
  if (!kind) return null;
  return { kind, until: status.expiration > 0 ? new Date(status.expiration * 1000) : null };
}

/**
 * The schedule's `awayUntil` for a status away: the first local date whose workday starts at or after
 * the status ends (Slack often ends a day at 23:59, so the next morning is back). A status without an
 * end keeps them away today; it is read again before each digest.
 */
export function awayUntilFromStatus(s: Pick<WorkSchedule, 'tz' | 'startMinute'>, away: StatusAway, now: Date): LocalDate {
  if (!away.until) return addDays(localDateOf(s.tz, now), 1);
  const date = localDateOf(s.tz, away.until);
  return localInstant(s.tz, date, s.startMinute).getTime() >= away.until.getTime() ? date : addDays(date, 1);
}
