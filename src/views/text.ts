/**
 * Text safety for everything the bot shows. User text is escaped for mrkdwn so nobody can trigger
 * <!channel>, spoof a link or a mention through Handoff, cleaned of invisible and control
 * characters (also what was stored before text was cleaned on the way in), and cut to Block Kit
 * limits with "…".
 */
import { cleanText } from '../domain/slackText';

/** Slack's own escaping rule: only &, < and > are control characters in mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts by code points (never splits a surrogate pair) and marks the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * Cleans and escapes, then truncates without cutting an entity like &amp; in half. A backtick left
 * without its partner (typed alone, or its partner cut off) would pair with one in the text that
 * follows in the same block and swallow it into a code span: it is shown as a look-alike instead.
 */
export function safeMrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(cleanText(text));
  const cut = Array.from(escaped).length <= max ? escaped : truncate(escaped, max).replace(/&[a-z]{0,3}…$/, '…');
  return balanceBackticks(cut);
}

/** A lone backtick (an odd count) becomes U+02CB, which looks the same and formats nothing. */
function balanceBackticks(text: string): string {
  const count = text.split('`').length - 1;
  if (count % 2 === 0) return text;
  const last = text.lastIndexOf('`');
  return `${text.slice(0, last)}\u02CB${text.slice(last + 1)}`;
}

/**
 * User text inside a bold span (`*#12 · title*`): an asterisk in it would end the bold early and
 * a backtick would open a code span across the closing `*`, so both are shown as look-alikes
 * (U+2217, U+02CB) that Slack does not treat as formatting.
 */
export function boldSafeMrkdwn(text: string, max: number): string {
  return safeMrkdwn(text.replace(/\*/g, '\u2217').replace(/`/g, '\u02CB'), max);
}

/**
 * A person's text given back to them in full, as mrkdwn split into parts of at most `perPart`
 * characters (Slack caps one message's text at 40,000). Never splits an escape like &amp;; beyond
 * `maxParts` the last part is cut with "…".
 */
export function mrkdwnParts(text: string, perPart: number, maxParts: number): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const ch of Array.from(cleanText(text))) {
    const piece = escapeMrkdwn(ch);
    if (size + piece.length > perPart) {
      parts.push(current.join(''));
      current = [];
      size = 0;
    }
    current.push(piece);
    size += piece.length;
  }
  if (current.length > 0 || parts.length === 0) parts.push(current.join(''));
  if (parts.length > maxParts) {
    parts.length = maxParts;
    const last = Array.from(parts[maxParts - 1]!);
    parts[maxParts - 1] = `${last
      .slice(0, perPart - 1)
      .join('')
      .replace(/&[a-z]{0,3}$/, '')}…`;
  }
  return parts.map(balanceBackticks);
}

/** Plain-text objects are not parsed by Slack, but lengths still apply. */
export function safePlain(text: string, max: number): string {
  return truncate(cleanText(text).replace(/\s+/g, ' ').trim(), max);
}

export { mention } from '../domain/slackText';

/**
 * '#3 “Budget”' for running text, `label` being the handoff's number as the reader sees it ('#3', or
 * 'Design #3' from a sibling workspace); a title's own closing full stop is dropped ('“Book the offsite”').
 */
export function quotedTitle(label: string, title: string, max = 150): string {
  return `${label} “${safeMrkdwn(title.trim(), max).replace(/(?<!\.)\.$/u, '')}”`;
}

/** Ends a sentence with a full stop unless it already ends in one ('…ship it?”' stays as it is). */
export function sentence(text: string): string {
  return /[.!?…][”"’')]*$/u.test(text) ? text : `${text}.`;
}

/** Slack renders this in each reader's own zone; the fallback is UTC for clients that cannot. */
export function slackDate(at: Date, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${seconds}^${format}|${fallback}>`;
}

export const LIMITS = {
  sectionText: 3000,
  field: 2000,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextText: 3000,
  modalTitle: 24,
  plainInput: 3000,
  optionText: 75,
  privateMetadata: 3000,
  messageText: 40000,
  notificationText: 3000,
  messageBlocks: 50,
  surfaceBlocks: 100,
} as const;
