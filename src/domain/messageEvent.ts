/**
 * Slack `message` events as Handoff reads them: the one shape check, and the one gate for "a person
 * is speaking" (the meeting detector and the deflection service both ask here).
 */

/** The fields of a Slack `message` event Handoff reads. */
export interface ChannelMessageEvent {
  type: 'message';
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  hidden?: boolean;
  /** App messages: the app's name lives here (or in a legacy integration's `username`). */
  bot_profile?: { name?: string };
  username?: string;
  attachments?: unknown;
  blocks?: unknown;
  room?: unknown;
}

const STRING_FIELDS = ['user', 'text', 'thread_ts', 'subtype', 'channel_type', 'bot_id', 'username'] as const;

/** The event, when the fields Handoff reads have the types Slack documents (a message may lack user or text); else null. */
export function asChannelMessage(event: unknown): ChannelMessageEvent | null {
  if (!event || typeof event !== 'object') return null;
  const e = event as Record<string, unknown>;
  if (typeof e.channel !== 'string' || typeof e.ts !== 'string') return null;
  if (!STRING_FIELDS.every((k) => e[k] === undefined || typeof e[k] === 'string')) return null;
  if (e.hidden !== undefined && typeof e.hidden !== 'boolean') return null;
  return { ...e, type: 'message' } as ChannelMessageEvent;
}

/** Subtypes that are still a person speaking (a huddle they started included); every other subtype is system or app traffic. */
const PERSON_SUBTYPES: ReadonlySet<string | undefined> = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message', 'huddle_thread']);

export const isPersonSubtype = (subtype: string | undefined): boolean => PERSON_SUBTYPES.has(subtype);

/** A person said this: a user wrote it, no app did, it is not hidden, and its subtype is a person's. */
export function isPersonSpeaking(m: { user?: string; botId?: string; hidden?: boolean; subtype?: string }): boolean {
  return typeof m.user === 'string' && m.user !== '' && !m.botId && !m.hidden && isPersonSubtype(m.subtype);
}
