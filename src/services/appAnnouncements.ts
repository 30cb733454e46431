/**
 * Reading the messages calendar and meeting apps post in channels (Google Calendar, Outlook, Zoom,
 * Microsoft Teams, Webex…): their words (text, attachments, blocks) for the detector, and who
 * scheduled the call, when Slack says so. Untyped input: every field is checked before use.
 *
 * Where Slack names the scheduler:
 *  - a `call` block (Slack Calls API, used by Zoom, Teams Calls, Webex): `call.v1.created_by`, the
 *    user the app registered the call for (calls.add requires it with a bot token);
 *  - the event's `user`, when an app posted with a person's user token (the event then carries both
 *    `user` and `bot_id`); with a bot token `user` is the app's bot user, which People reports as a bot;
 *  - a mention the app wrote next to an organiser word: "Organizer: <@U1>", "<@U1> started a meeting",
 *    "created by <@U1>" (section, context and rich-text blocks are read the same way).
 * Display names ("Jane Doe started a meeting") are never matched to people: a guess could prompt
 * the wrong person.
 */
import { mention, USER_MENTION_SOURCE } from '../domain/slackText';

/** The fields of a message event this module reads (all optional, all checked). */
export interface AppMessageShape {
  user?: unknown;
  bot_id?: unknown;
  subtype?: unknown;
  text?: unknown;
  username?: unknown;
  bot_profile?: unknown;
  attachments?: unknown;
  blocks?: unknown;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function isAppMessage(e: AppMessageShape): boolean {
  return (typeof e.bot_id === 'string' && e.bot_id !== '') || e.subtype === 'bot_message';
}

/** The app's name: the bot profile's, or a legacy integration's `username`. */
export function appNameOf(e: AppMessageShape): string | undefined {
  return (isObj(e.bot_profile) ? str(e.bot_profile.name) : undefined) ?? str(e.username);
}

export function attachmentTexts(e: AppMessageShape): string[] {
  const out: string[] = [];
  for (const a of list(e.attachments)) {
    if (!isObj(a)) continue;
    for (const k of ['pretext', 'author_name', 'title', 'text', 'fallback', 'footer']) {
      const s = str(a[k]);
      if (s) out.push(s);
    }
    for (const f of list(a.fields)) if (isObj(f)) out.push(...[str(f.title), str(f.value)].filter((s): s is string => !!s));
  }
  return out;
}

/** Rich-text elements back to Slack's mrkdwn tokens, so one set of patterns reads both. */
function richText(elements: unknown[], depth = 0): string {
  if (depth > 5) return '';
  return elements
    .map((el) => {
      if (!isObj(el)) return '';
      if (el.type === 'text') return str(el.text) ?? '';
      if (el.type === 'user') return typeof el.user_id === 'string' ? mention(el.user_id) : '';
      if (el.type === 'link') return str(el.url) ? `<${String(el.url)}${str(el.text) ? `|${String(el.text)}` : ''}>` : '';
      if (el.type === 'emoji') return str(el.name) ? `:${String(el.name)}:` : '';
      return richText(list(el.elements), depth + 1);
    })
    .join('');
}

function callOf(block: Obj): Obj | undefined {
  const call = block.call;
  return isObj(call) && isObj(call.v1) ? call.v1 : undefined;
}

export function blockTexts(e: AppMessageShape): string[] {
  const out: string[] = [];
  const textOf = (t: unknown) => (isObj(t) ? str(t.text) : undefined);
  for (const b of list(e.blocks)) {
    if (!isObj(b)) continue;
    const push = (s: string | undefined) => s && out.push(s);
    switch (b.type) {
      case 'section':
        push(textOf(b.text));
        for (const f of list(b.fields)) push(textOf(f));
        break;
      case 'header':
        push(textOf(b.text));
        break;
      case 'context':
        for (const el of list(b.elements)) push(textOf(el));
        break;
      case 'rich_text':
        push(richText(list(b.elements)) || undefined);
        break;
      case 'call': {
        const call = callOf(b);
        if (call) push([str(call.name), str(call.join_url)].filter(Boolean).join(' ') || undefined);
        break;
      }
    }
  }
  return out;
}

const ORGANISER_BEFORE = new RegExp(
  `(?:organi[sz]er|organi[sz]ed by|created by|scheduled by|started by|booked by|hosted by|host|invited by|organisateur|organisé par|organizador|organizado por|creado por|organisator|erstellt von|organizado por|criado por)\\s*:?\\s*\\*?\\s*${USER_MENTION_SOURCE}`,
  'i',
);
const ORGANISER_AFTER = new RegExp(
  `${USER_MENTION_SOURCE}\\*?\\s+(?:has\\s+|just\\s+)?(?:started|scheduled|created|booked|set up|invited|is inviting|a lancé|a programmé|inició|programó|hat .{0,30}(?:gestartet|geplant|eingeladen)|iniciou|agendou)\\b`,
  'i',
);

/**
 * People Slack names as the scheduler, most reliable first. The caller takes the first one that is
 * a person (not a bot, not deleted); none → nobody is prompted.
 */
export function schedulerCandidates(e: AppMessageShape): string[] {
  const out: string[] = [];
  const add = (id: unknown) => {
    if (typeof id === 'string' && USER_ID.test(id) && !out.includes(id)) out.push(id);
  };
  for (const b of list(e.blocks)) if (isObj(b) && b.type === 'call') add(callOf(b)?.created_by);
  add(e.user);
  for (const text of [str(e.text) ?? '', ...attachmentTexts(e), ...blockTexts(e)]) {
    add(ORGANISER_BEFORE.exec(text)?.[1]);
    add(ORGANISER_AFTER.exec(text)?.[1]);
  }
  return out;
}
