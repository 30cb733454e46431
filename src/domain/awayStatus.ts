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
  // "sick of meetings" and "sick and tired" are moods, not absences.
  ['sick', w('sick(?! of| and tired)|out sick|off sick|sick leave|enferm[oa]|de baja|baja medica|doente|de atestado|licenca medica|malade|arret maladie|krank|krankgeschrieben')],
  // Bare "ferias" is Portuguese vacation only at the start of the status: in Spanish "feria" is a
  // (trade) fair ("en ferias comerciales"). "ferien" is German school or company holidays.
  [
    'vacation',
    w(
      'vacation|vacationing|on holidays?|on leave|on pto|pto|de vacaciones|vacaciones|(?:de|em) ferias|^ferias(?! comercia)|en vacances|vacances|en conges?|conges|(?:de|em) licenca|im urlaub|urlaub|ferien',
    ),
  ],
  ['travel', w('travell?ing|on a (?:business )?trip|de viaje|viajando|em viagem|en deplacement|en voyage|auf (?:dienst)?reise|dienstreise')],
  ['out_of_office', w('ooo|ooto|out of (?:the )?office|fuera de (?:la )?oficina|fora do escritorio|hors du bureau|absente?|abwesend|nicht im buro|ausser haus')],
];

/**
 * "Ausente" (es/pt) is also what Slack shows for the away presence, so alone it means no more than
 * "away" does (nothing). With a return of a day ("hasta el lunes", "até segunda", "vuelvo el 15") and
 * no clock time ("hasta las 15h") it is out of office.
 */
const WEAK_OUT_OF_OFFICE = w('ausente');
const RETURN_DAY = w('hasta|ate|vuelvo|volto|regreso|regresso|retorno|back on|until');
const CLOCK_TIME = /\d{1,2}(?::\d{2}| ?(?:h|hs|am|pm)(?![a-z]))/;

function isWeakOutOfOffice(text: string): boolean {
  return WEAK_OUT_OF_OFFICE.test(text) && RETURN_DAY.test(text) && !CLOCK_TIME.test(text);
}

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

/**
 * A short absence, or one that is over: never away, whatever else the status says. A return phrase
 * is not one of them ("OOO, back on Monday", "Vacation - back in 2 weeks"): only a return within
 * minutes or hours ("back in 10", "back in 5 min") is short.
 */
const NOT_AWAY = w(
  'afk|brb|lunch|almuerzo|almoco|dejeuner|mittag(?:spause|essen)?|coffee|cafe|kaffee|back in (?:\\d+|an?(?! few| couple)|a few|a couple of)(?! ?(?:d|days?|w|wks?|weeks?|months?)(?![a-z0-9]))(?: ?(?:m|mins?|minutes?|h|hrs?|hours?|sec|seconds?))?|back from|returned from|de vuelta de|de volta de|de retour de|zuruck (?:aus|von)',
);

function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss') // "Außer Haus": NFD does not fold ß
    .replace(/:[a-z0-9_+-]+:/g, ' ') // emoji written in the text
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a Slack status says its person is away, and until when; null when it does not. */
export function awayFromStatus(status: SlackStatus, now: Date): StatusAway | null {
  if (status.expiration > 0 && status.expiration * 1000 <= now.getTime()) return null; // already cleared
  const text = normalise(status.text);
  if (NOT_AWAY.test(text)) return null;
  const byText = PHRASES.find(([, re]) => re.test(text))?.[0] ?? (isWeakOutOfOffice(text) ? 'out_of_office' : undefined);
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

/** Most characters of a status kept in its key (Slack allows 100 of text). */
const KEY_TEXT_MAX = 200;

/**
 * The status as one string, stored while it reads as away (`users.status_away_key`): "I'm not away"
 * holds for exactly this status, and it carries what is needed to read it again later without Slack
 * (the end, for `statusAwayFields`).
 */
export function statusKey(status: SlackStatus): string {
  return `${Math.max(0, Math.trunc(status.expiration))}|${status.emoji}|${status.text}`.slice(0, KEY_TEXT_MAX);
}

/** The status a key was made from (`statusKey`); an unreadable key is no status. */
export function statusFromKey(key: string): SlackStatus | null {
  const m = /^(\d+)\|([^|]*)\|([\s\S]*)$/.exec(key);
  return m ? { expiration: Number(m[1]), emoji: m[2]!, text: m[3]! } : null;
}

/** What the users row keeps of a Slack status (all null when it does not say away). */
export interface StatusAwayFields {
  statusAwayUntil: LocalDate | null;
  statusAwayKind: AwayKind | null;
  statusAwayKey: string | null;
  statusAwayDismissed: string | null;
}

export const NOT_AWAY_BY_STATUS: StatusAwayFields = { statusAwayUntil: null, statusAwayKind: null, statusAwayKey: null, statusAwayDismissed: null };

/**
 * The status's away as stored, given the status the person said "I'm not away" to (`dismissed`): the
 * same status stays ignored (its key is kept, so settings can say so); any other status that reads as
 * away applies again, and a status that is not away forgets the correction.
 */
export function statusAwayFields(s: Pick<WorkSchedule, 'tz' | 'startMinute'>, status: SlackStatus | null, dismissed: string | null, now: Date): StatusAwayFields {
  const away = status ? awayFromStatus(status, now) : null;
  if (!status || !away) return NOT_AWAY_BY_STATUS;
  const key = statusKey(status);
  if (dismissed === key) return { statusAwayUntil: null, statusAwayKind: null, statusAwayKey: key, statusAwayDismissed: key };
  return { statusAwayUntil: awayUntilFromStatus(s, away, now), statusAwayKind: away.kind, statusAwayKey: key, statusAwayDismissed: null };
}

/** How a kind reads in a sentence: "out of office", "parental leave". */
export function awayKindLabel(kind: string): string {
  return kind.replace(/_/g, ' ');
}
