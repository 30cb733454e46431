/**
 * Who is in a channel thread, read from the messages themselves as they arrive (never from Slack's
 * history, which a distributed app may read once a minute): the person who started the thread, the
 * people who replied, and the people its messages mention. Pure: the service stores what this says.
 */
import { isPersonSpeaking } from './messageEvent';
import { mentionedUserIds } from './slackText';

/** A message as far as its thread's people go (an Events API `message` or a conversations.replies item). */
export interface ThreadMessage {
  channel: string;
  ts: string;
  /** Absent on a message nobody has replied to yet; equal to `ts` on a thread's first message. */
  threadTs?: string;
  user?: string;
  botId?: string;
  hidden?: boolean;
  subtype?: string;
  text?: string;
  /** A reply event names who wrote the thread's first message (`parent_user_id`). */
  parentUserId?: string;
}

/** One person seen in one thread: a row of thread_participants before it is merged with what is stored. */
export interface ThreadSighting {
  teamId: string;
  channelId: string;
  threadTs: string;
  userId: string;
  /** Wrote the thread's first message. */
  started: boolean;
  /** Seen in the thread's first message itself (wrote it, or named in it): Handoff saw the thread begin. */
  inParent: boolean;
}

/**
 * Mentions taken from one message. A message naming 200 people is an announcement, not a
 * conversation among them; the deflection prompt names at most 10 anyway.
 */
export const MAX_MENTIONS_PER_MESSAGE = 20;

/**
 * The people `m` shows in its thread: its author and the people it mentions, and for a reply the
 * thread's starter its event names. Nothing for apps, hidden or system messages, or `ignored` ids
 * (Handoff's own bot user). A message without replies yet counts as the first message of its thread.
 */
export function sightingsOf(teamId: string, m: ThreadMessage, ignored: ReadonlySet<string> = new Set()): ThreadSighting[] {
  if (!isPersonSpeaking({ user: m.user, botId: m.botId, hidden: m.hidden, subtype: m.subtype })) return [];
  const isParent = m.threadTs === undefined || m.threadTs === m.ts;
  const threadTs = m.threadTs ?? m.ts;
  const out: ThreadSighting[] = [];
  const see = (userId: string, started: boolean, inParent: boolean) => {
    if (!ignored.has(userId)) out.push({ teamId, channelId: m.channel, threadTs, userId, started, inParent });
  };
  see(m.user!, isParent, isParent);
  for (const id of mentionedUserIds(m.text ?? '').slice(0, MAX_MENTIONS_PER_MESSAGE)) see(id, false, isParent);
  // Known without having seen the first message: who started the thread, not whom it named.
  if (!isParent && m.parentUserId) see(m.parentUserId, true, false);
  return mergeSightings(out);
}

const keyOf = (s: ThreadSighting): string => `${s.teamId}\u0000${s.channelId}\u0000${s.threadTs}\u0000${s.userId}`;

/**
 * One sighting per (team, channel, thread, person), its flags combined, in key order: a batch
 * written in one statement names each row once (PostgreSQL refuses to update a row twice in one
 * upsert), and two batches lock shared rows in the same order.
 */
export function mergeSightings(sightings: Iterable<ThreadSighting>): ThreadSighting[] {
  const byKey = new Map<string, ThreadSighting>();
  for (const s of sightings) {
    const key = keyOf(s);
    const had = byKey.get(key);
    byKey.set(key, had ? { ...had, started: had.started || s.started, inParent: had.inParent || s.inParent } : { ...s });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** A stored participant of a thread, as the deflection prompt reads them. */
export interface ThreadParticipant {
  userId: string;
  started: boolean;
  inParent: boolean;
  lastSeenAt: number;
}

/** What Handoff knows about a thread's people: who, first the starter, then those of its first message, then the most recently seen. */
export interface ThreadPeople {
  userIds: string[];
  /** Handoff saw the thread's first message: what it knows is the whole thread, not just its later part. */
  parentSeen: boolean;
}

export function threadPeopleOf(participants: readonly ThreadParticipant[]): ThreadPeople {
  const rank = (p: ThreadParticipant) => (p.started ? 2 : 0) + (p.inParent ? 1 : 0);
  const ordered = [...participants].sort((a, b) => rank(b) - rank(a) || b.lastSeenAt - a.lastSeenAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { userIds: ordered.map((p) => p.userId), parentSeen: participants.some((p) => p.inParent) };
}
