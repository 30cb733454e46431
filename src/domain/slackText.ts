/**
 * Text as it enters Handoff from Slack: invisible and control characters neutralised
 * (`cleanText`), and Slack's wire format (escaped & < >, and <…> tokens) turned into what a person
 * would have typed (`readableSlackText`).
 */

/**
 * Characters that change how the text around them is shown, or are not shown at all, and so let
 * one text pass for another (`‮gnp.exe` displays as `exe.png`). Removed everywhere:
 * - C0 controls except tab and newline (NUL included), DEL, C1 controls;
 * - bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and the bidi marks
 *   (U+200E, U+200F, U+061C): Slack lays out right-to-left text without them;
 * - zero-width and other invisible format characters: U+200B, U+2060–2064, U+FEFF, U+00AD,
 *   U+034F, U+180E, U+206A–206F, U+FFF9–FFFB, and the Hangul fillers people use for "blank" names;
 * - noncharacters (U+FDD0–FDEF, U+xFFFE/xFFFF of every plane).
 * ZWJ/ZWNJ and tag characters have legitimate uses and are kept only where they do that job (see
 * `keepJoiner`, `keepTags`). Lone surrogates become U+FFFD.
 */
const ALWAYS_REMOVED =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- single code points, listed on purpose
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\uFDD0-\uFDEF\uFFFE\uFFFF]|[\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/gu;

const ZWNJ = '\u200C';
const ZWJ = '\u200D';
const TAG = /[\u{E0000}-\u{E007F}]/u;
const BLACK_FLAG = '\u{1F3F4}';
const CANCEL_TAG = '\u{E007F}';
const LETTER = /[\p{L}\p{M}\p{N}]/u;
const EMOJI_PART = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{FE0F}\u{20E3}]/u;

/** Every code point that `cleanText` never lets through, for tests and callers that want to check. */
export function isInvisibleOrControl(ch: string): boolean {
  ALWAYS_REMOVED.lastIndex = 0;
  return ALWAYS_REMOVED.test(ch) || ch === '\r' || ch === '\u2028' || ch === '\u2029' || isLoneSurrogate(ch);
}

function isLoneSurrogate(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c >= 0xd800 && c <= 0xdfff;
}

/**
 * A joiner joins: ZWJ between two emoji parts (👩‍💻) and ZWNJ between two letters (Persian
 * "می‌خواهم") stay; anywhere else they only hide something, and go.
 */
function keepJoiner(joiner: string, before: string | undefined, after: string | undefined): boolean {
  if (before === undefined || after === undefined) return false;
  const fits = joiner === ZWJ ? EMOJI_PART : LETTER;
  return fits.test(before) && fits.test(after);
}

/**
 * Tag characters only spell out subdivision flags (🏴 + tags + CANCEL TAG, e.g. Scotland); a run
 * that is not such a flag is invisible text and goes.
 */
function keepTags(chars: readonly string[], start: number, end: number): boolean {
  return chars[start - 1] === BLACK_FLAG && chars[end - 1] === CANCEL_TAG && end - start >= 2;
}

/**
 * Neutralises invisible and control characters in text a person typed (or Slack gave us): what
 * is stored and shown is what everybody sees. Line breaks become `\n` (CR LF, CR, U+2028/2029);
 * tabs and newlines stay. Idempotent; never makes text longer.
 */
export function cleanText(text: string): string {
  const normalised = text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(ALWAYS_REMOVED, '');
  // Fast path: nothing context-dependent left to decide.
  // eslint-disable-next-line no-misleading-character-class -- the joiners alone, on purpose
  if (!/[\u200C\u200D\uD800-\uDFFF\u{E0000}-\u{E007F}]/u.test(normalised)) return normalised;
  // Iterating a string yields lone surrogates as single units, so they can be replaced here.
  const chars = Array.from(normalised, (ch) => (isLoneSurrogate(ch) ? '\uFFFD' : ch));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === ZWJ || ch === ZWNJ) {
      if (keepJoiner(ch, out[out.length - 1], nextVisible(chars, i + 1))) out.push(ch);
      continue;
    }
    if (TAG.test(ch)) {
      let end = i;
      while (end < chars.length && TAG.test(chars[end]!)) end++;
      if (keepTags(chars, i, end)) out.push(...chars.slice(i, end));
      i = end - 1;
      continue;
    }
    out.push(ch);
  }
  return out.join('');
}

/** The character after a joiner; a second joiner in a row means the first one joins nothing. */
function nextVisible(chars: readonly string[], at: number): string | undefined {
  const ch = chars[at];
  return ch === ZWJ || ch === ZWNJ ? undefined : ch;
}

/**
 * Slack's wire format as a person would have typed it, cleaned (see `cleanText`). Used for
 * everything Handoff stores from Slack text (command asks, shortcut and deflection pre-fills);
 * views escape it again. Links keep their real destination visible:
 * `<@U1>` → `@Ana`, `<#C1|eng>` → `#eng`, `<url|label>` → `label (url)`, `&lt;` → `<`.
 */
export function readableSlackText(text: string, names: ReadonlyMap<string, string> = new Map()): string {
  return cleanText(
    text
      .replace(/<([^<>\n]*)>/g, (_all, inner: string) => {
        const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
        if (target.startsWith('@')) return `@${names.get(target.slice(1)) ?? label ?? target.slice(1)}`;
        if (target.startsWith('#')) return label ? `#${label}` : `#${target.slice(1)}`;
        if (target.startsWith('!subteam^')) return label ?? '@group';
        if (target.startsWith('!date^')) return label ?? '';
        if (target.startsWith('!')) return `@${target.slice(1)}`;
        if (target.startsWith('mailto:')) return label ?? target.slice(7);
        if (!label || label === target || target.endsWith(`/${label}`) || target.replace(/^https?:\/\//, '') === label) return target;
        return `${label} (${target})`;
      })
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  ).trim();
}

/** A Slack user mention, `<@U123>`: the one place that writes Slack's mention syntax. */
export const mention = (userId: string): string => `<@${userId}>`;

/*
 * Reading Slack's ids and mentions: the one place that knows their syntax. A user id is U… (or W…,
 * Enterprise Grid); a mention is `<@U123>` or `<@U123|name>`.
 */
const USER_ID = /^[UW][A-Z0-9]+$/;
/** The mention pattern's source, for the few patterns that embed a mention in a sentence. */
export const USER_MENTION_SOURCE = '<@([UW][A-Z0-9]+)(?:\\|[^>]*)?>';
const MENTION_AT_START = new RegExp(`^${USER_MENTION_SOURCE}`);

export const isUserId = (v: unknown): v is string => typeof v === 'string' && USER_ID.test(v);

/** Any Slack object id (user, team, channel…): letters and digits, as Slack sends them in payloads. */
export const isSlackId = (v: unknown): v is string => typeof v === 'string' && /^[A-Z0-9]{1,32}$/i.test(v);

/** User ids mentioned in `text`, de-duplicated, in order of appearance. */
export function mentionedUserIds(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(new RegExp(USER_MENTION_SOURCE, 'g'))) {
    const id = m[1];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The mention `text` starts with, and how many characters it takes; null when it starts otherwise. */
export function leadingMention(text: string): { userId: string; length: number } | null {
  const m = MENTION_AT_START.exec(text);
  return m?.[1] ? { userId: m[1], length: m[0].length } : null;
}
