/**
 * Parses the text of `/handoff …`. With `should_escape: true` Slack sends mentions as <@U123|name>;
 * anything else that looks like a mention (plain @name, user groups, @channel) is reported so the
 * person can be told how to fix it rather than silently losing a recipient.
 */
import { leadingMention, readableSlackText } from './slackText';

export type ParsedCommand =
  | { kind: 'modal' }
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'settings' }
  | { kind: 'deflection'; setting: 'on' | 'off' | 'status' }
  | { kind: 'done'; number: number; note: string }
  | { kind: 'done_usage' }
  | { kind: 'create'; recipientIds: string[]; plainNames: string[]; ask: string }
  | { kind: 'needs_recipient'; ask: string }
  | { kind: 'needs_ask'; recipientIds: string[] }
  | { kind: 'broadcast_mention'; what: string }
  | { kind: 'unknown'; word: string };

const SUBCOMMANDS = new Set(['help', 'list', 'ls', 'settings', 'done', 'complete', 'deflection']);
const PLAIN_NAME = /^@([\p{L}\p{N}._-]+)/u;
const BROADCAST = /^<!(channel|here|everyone)(?:\|[^>]*)?>|^<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/;

export function parseCommandText(rawText: string): ParsedCommand {
  const text = rawText.trim();
  if (text === '') return { kind: 'modal' };
  const firstWord = text.split(/\s+/, 1)[0]!.toLowerCase();
  if (SUBCOMMANDS.has(firstWord)) return parseSubcommand(firstWord, text.slice(firstWord.length).trim());
  if (!text.startsWith('<') && !text.startsWith('@')) {
    // A mistyped subcommand ("lsit", "setings") gets help; a sentence is an ask that forgot its people.
    if (/\s/.test(text) && !looksLikeSubcommand(firstWord)) return { kind: 'needs_recipient', ask: readableSlackText(text) };
    return { kind: 'unknown', word: firstWord };
  }
  return parseInlineCreate(text);
}

/** A subcommand with a typo: one edit away (two for long words), a swap of neighbours counting as one. */
function looksLikeSubcommand(word: string): boolean {
  return word.length >= 3 && [...SUBCOMMANDS].some((sub) => sub.length >= 4 && typoDistance(word, sub) <= (sub.length >= 7 ? 2 : 1));
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function typoDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function parseSubcommand(word: string, rest: string): ParsedCommand {
  switch (word) {
    case 'help':
      return { kind: 'help' };
    case 'list':
    case 'ls':
      return { kind: 'list' };
    case 'settings':
      return { kind: 'settings' };
    case 'deflection': {
      const setting = rest.toLowerCase();
      return { kind: 'deflection', setting: setting === 'on' || setting === 'off' ? setting : 'status' };
    }
    default: {
      const m = /^#?(\d{1,9})\b\s*([\s\S]*)$/.exec(rest);
      if (!m) return { kind: 'done_usage' };
      return { kind: 'done', number: Number(m[1]), note: readableSlackText(m[2]!.trim()) };
    }
  }
}

function parseInlineCreate(text: string): ParsedCommand {
  const recipientIds: string[] = [];
  const plainNames: string[] = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    const broadcast = BROADCAST.exec(rest);
    if (broadcast) return { kind: 'broadcast_mention', what: broadcast[1] ?? broadcast[2] ?? 'a user group' };
    const user = leadingMention(rest);
    if (user) {
      if (!recipientIds.includes(user.userId)) recipientIds.push(user.userId);
      rest = rest.slice(user.length);
      continue;
    }
    const plain = PLAIN_NAME.exec(rest);
    if (plain) {
      plainNames.push(plain[1]!);
      rest = rest.slice(plain[0].length);
      continue;
    }
    break;
  }
  const ask = readableSlackText(rest.trim()).trim();
  if (recipientIds.length === 0 && plainNames.length === 0) return { kind: 'needs_recipient', ask };
  if (ask === '') return { kind: 'needs_ask', recipientIds };
  return { kind: 'create', recipientIds, plainNames, ask };
}

/** Title = the first sentence of the ask, short enough for a header. */
export function titleFromAsk(ask: string, max = 80): string {
  const oneLine = ask.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/u.exec(oneLine)?.[1] ?? oneLine;
  const chars = Array.from(sentence);
  return chars.length <= max ? sentence : chars.slice(0, max - 1).join('') + '…';
}
