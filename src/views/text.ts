/**
 * Text safety for everything the bot shows. User text is escaped for mrkdwn so nobody can trigger
 * <!channel>, spoof a link or a mention through Handoff, and cut to Block Kit limits with "…".
 */

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

/** Escapes first, then truncates without cutting an entity like &amp; in half. */
export function safeMrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (Array.from(escaped).length <= max) return escaped;
  const cut = truncate(escaped, max);
  return cut.replace(/&[a-z]{0,3}…$/, '…');
}

/** Plain-text objects are not parsed by Slack, but lengths still apply. */
export function safePlain(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

export const mention = (userId: string): string => `<@${userId}>`;

/** '#3 “Budget”' for running text; a title's own closing full stop is dropped ('“Book the offsite”'). */
export function quotedTitle(number: number, title: string, max = 150): string {
  return `#${number} “${safeMrkdwn(title.trim(), max).replace(/(?<!\.)\.$/u, '')}”`;
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
