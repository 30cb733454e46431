/**
 * Meeting deflection: when someone proposes a call in a channel, offer them — privately, once per
 * thread, with a cooldown — to write a handoff instead. Never for bots, edits, DMs, or people who
 * opted out; a Slack retry or a double delivery never produces a second prompt.
 *
 * Privacy: the message text is stored only while the prompt waits for an answer (as the handoff
 * modal's pre-fill), is forgotten on any outcome or when the modal opens, and is purged after a day
 * otherwise (purgeStale). Outcomes are kept as counts per prompt, without text.
 */
import type { WebClient } from '@slack/web-api';
import type { Store } from '../db/store';
import { mention, mentionedUserIds, readableSlackText } from '../domain/slackText';
import { asChannelMessage, isPersonSpeaking, type ChannelMessageEvent } from '../domain/messageEvent';
import type { DeflectionRow } from '../db/queries/deflections';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { detectMeetingProposal, type MessageForDetection } from '../domain/meetingDetection';
import { cityOf, offsetMs } from '../time';
import { isWorkingAt, nextWorkStart } from '../domain/workSchedule';
import { overlapSummary } from '../domain/workOverlap';
import { classifySlackError } from '../slack/errors';
import { deflectionLead, deflectionPrompt, type OverlapNote, type RecipientSource, type RecipientTime } from '../views/deflectionPrompt';
import { escapeMrkdwn } from '../views/text';
import { scheduleOf } from '../domain/personSchedule';
import type { People, Person } from './people';
import type { ThreadParticipants } from './threadParticipants';
import { appNameOf, attachmentTexts, blockTexts, isAppMessage, schedulerCandidates } from './appAnnouncements';
import { bestEffort } from '../bestEffort';

export type { DeflectionRow };

export interface DeflectionOptions {
  /** Told each prompt's outcome (shown, failed, converted, dismissed, muted) for /metrics. */
  observe?: (outcome: string) => void;
  /**
   * Whether a thread Handoff did not see begin may be read with conversations.replies (within the
   * history budget). Off in distributed mode: its one read a minute is kept for crash recovery.
   */
  readUnknownThreads?: boolean;
}

/** Public and private channels. DMs (im) and group DMs (mpim) are private conversations: never. */
const PROMPTABLE_CHANNELS = new Set(['channel', 'group', undefined]);
/** Most recipients pre-filled and described; the modal takes 20, a prompt should stay short. */
const MAX_RECIPIENTS = 10;
const MAX_PENDING_TEXT = 3000;
/** Threads this process read for their people (oldest forgotten first): each is read once. */
const THREADS_READ_REMEMBERED = 1000;

/** Why a message event led to no prompt. */
export type IgnoredBecause =
  | 'unexpected shape'
  | 'not a person speaking'
  | 'not a channel'
  | 'no proposal'
  | 'duplicate event'
  | 'workspace switched off'
  | 'app announcement without a known scheduler'
  | 'profile unavailable'
  | 'person opted out'
  | 'muted here'
  | 'already prompted (thread or cooldown)';

export type OnMessageResult = { kind: 'prompted'; deflectionId: number } | { kind: 'failed'; deflectionId: number } | { kind: 'ignored'; because: IgnoredBecause };

const ignored = (because: IgnoredBecause): OnMessageResult => ({ kind: 'ignored', because });

/** One line for logs and tests: `prompted`, `failed`, `ignored: <why>`. */
export const outcomeLabel = (r: OnMessageResult): string => (r.kind === 'ignored' ? `ignored: ${r.because}` : r.kind);

export class DeflectionService {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cooldownMs: number,
    /** Who is in each thread, as Handoff saw the thread's messages arrive. */
    private readonly threads: ThreadParticipants,
    private readonly opts: DeflectionOptions = {},
  ) {}

  /** `team channel thread_ts` of the threads read (insertion order: the oldest goes first). */
  private readonly threadsRead = new Set<string>();

  private observe(outcome: string): void {
    this.opts.observe?.(outcome);
  }

  /**
   * A `message` event from the Events API, as Slack sent it (its shape is checked here). `botUserId`:
   * Handoff's own user in this workspace (a thread it started, under its channel card, is fully known).
   */
  async onMessage(teamId: string, eventId: string | undefined, event: unknown, botUserId?: string): Promise<OnMessageResult> {
    const e = asChannelMessage(event);
    if (!e) return ignored('unexpected shape');
    // Apps are never prompted; a calendar or meeting app announcing a new call is read on behalf of
    // the person who scheduled it (below). Edits, joins and other system subtypes are not proposals.
    const fromApp = isAppMessage(e) && !e.hidden && (e.subtype === undefined || e.subtype === 'bot_message');
    if (!fromApp && !isPersonSpeaking({ user: e.user, botId: e.bot_id, hidden: e.hidden, subtype: e.subtype })) return ignored('not a person speaking');
    if (!PROMPTABLE_CHANNELS.has(e.channel_type) || e.channel.startsWith('D')) return ignored('not a channel');
    const detection = detectMeetingProposal(toDetectionInput(e));
    // Any other app message (a deploy bot, a standup bot saying "let's hop on a call") stays ignored.
    if (fromApp && (!detection.isProposal || detection.reason !== 'calendar_app')) return ignored('not a person speaking');
    if (!detection.isProposal) return ignored('no proposal');
    const now = this.clock.now();
    await this.store.ensureWorkspace(teamId, now);
    // Dedupe only now: most messages are not proposals and need no write at all. The insert itself
    // is the check (the event id is a primary key), so a retry arriving meanwhile is caught too.
    if (eventId && !(await this.store.firstSightOfEvent(teamId, eventId, now))) return ignored('duplicate event');
    if (!(await this.store.workspaceDeflectionEnabled(teamId))) return ignored('workspace switched off');
    let author: Person;
    if (fromApp) {
      // The scheduler, when Slack names one who is a person; otherwise nobody is asked.
      const scheduler = await this.schedulerOf(teamId, e);
      if (!scheduler) return ignored('app announcement without a known scheduler');
      author = scheduler;
    } else {
      try {
        author = await this.people.get(teamId, e.user!);
      } catch {
        return ignored('profile unavailable');
      }
    }
    if (!author.row || author.isBot || author.deleted || !author.row.deflectionEnabled) return ignored('person opted out');
    const userId = author.userId;
    if (await this.store.isMuted(teamId, userId, e.channel)) return ignored('muted here');

    // The reservation is the single gate: the same message delivered twice under two event ids, or
    // a second proposal in the thread, finds the (person, thread) row or the running cooldown.
    const threadTs = e.thread_ts ?? e.ts;
    const id = await this.store.reservePrompt({ teamId, userId, channelId: e.channel, threadTs, messageTs: e.ts, reason: detection.reason ?? 'phrase' }, now, this.cooldownMs);
    if (id === null) return ignored('already prompted (thread or cooldown)');

    const { people, source } = await this.recipientsFor(teamId, e, userId, botUserId);
    await this.store.setPending(
      id,
      readableSlackText(pendingTextOf(e, fromApp), namesOf(people)).slice(0, MAX_PENDING_TEXT),
      people.map((p) => p.userId),
    );
    // No channel name: conversations.info would need channels:read/groups:read, which Handoff does
    // not request; the prompt shows the channel as <#C…> in mrkdwn instead.
    const why = detection.reason === 'calendar_app' ? [detection.provider ?? 'a calendar app'] : (detection.why ?? []);
    const prompt = deflectionPrompt(id, deflectionLead(recipientTimes(people, now), source, overlapNote(author, people, now)), { id: e.channel }, why);
    try {
      await this.client.chat.postEphemeral({ channel: e.channel, user: userId, ...prompt, ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}) });
      // Why it fired (rule, or the model's strongest n-grams) for tuning from logs; never the text itself.
      this.logger.info({ teamId, deflectionId: id, reason: detection.reason, rule: detection.rule, score: detection.score, why: detection.why }, 'deflection prompt shown');
      this.observe('shown');
      return { kind: 'prompted', deflectionId: id };
    } catch (err) {
      await this.store.setOutcome(id, 'failed', this.clock.now());
      this.observe('failed');
      this.logger.warn({ teamId, error: classifySlackError(err).code }, 'deflection prompt failed');
      return { kind: 'failed', deflectionId: id };
    }
  }

  /**
   * People mentioned in the message; for a reply, also the thread's people as Handoff stored them from
   * the thread's messages (who started it, who replied, whom they mentioned). Only people (not apps,
   * not the author), at most MAX_RECIPIENTS.
   */
  private async recipientsFor(teamId: string, e: ChannelMessageEvent, authorId: string, botUserId?: string): Promise<{ people: Person[]; source: RecipientSource }> {
    const own = mentionedUserIds([typeof e.text === 'string' ? e.text : '', ...attachmentTexts(e), ...blockTexts(e)].join('\n'));
    const fromThread: string[] = [];
    if (e.thread_ts && e.thread_ts !== e.ts) {
      const known = await bestEffort(this.threads.ofThread(teamId, e.channel, e.thread_ts), this.logger, 'thread participants');
      fromThread.push(...(known?.userIds ?? []));
      // A thread that began before Handoff was here (or in a channel it just joined): only then is the
      // thread read, and only when the history budget is not Slack's one-a-minute (see readUnknownThreads).
      // Not one Handoff started itself (its channel card: every reply since was seen), nor one this
      // process read already (an app's first message leaves no row saying it was seen).
      const parent: unknown = (e as { parent_user_id?: unknown }).parent_user_id;
      const startedByHandoff = botUserId !== undefined && parent === botUserId;
      const key = `${teamId} ${e.channel} ${e.thread_ts}`;
      if (known && !known.parentSeen && !startedByHandoff && this.opts.readUnknownThreads && !this.threadsRead.has(key)) {
        this.threadsRead.add(key);
        if (this.threadsRead.size > THREADS_READ_REMEMBERED) this.threadsRead.delete(this.threadsRead.values().next().value!);
        fromThread.push(...(await this.readThread(teamId, e.channel, e.thread_ts, botUserId)));
      }
    }
    const ids = [...new Set([...own, ...fromThread])].filter((u) => u !== authorId).slice(0, MAX_RECIPIENTS * 2);
    const looked = await Promise.all(ids.map(async (u) => (await bestEffort(this.people.get(teamId, u), this.logger, 'profile for the prompt')) ?? null));
    const people = looked.filter((p): p is Person => !!p?.row && p.exists && !p.isBot && !p.deleted).slice(0, MAX_RECIPIENTS);
    const onlyMentioned = people.every((p) => own.includes(p.userId));
    return { people, source: onlyMentioned ? 'mentioned' : 'thread' };
  }

  /** Reads the thread once (one page, within the history budget) and stores its people, so it is not read again. */
  private async readThread(teamId: string, channel: string, threadTs: string, botUserId: string | undefined): Promise<string[]> {
    try {
      const res = await this.client.conversations.replies({ channel, ts: threadTs, limit: 100 });
      const messages = (res.messages ?? []) as { user?: string; bot_id?: string; text?: string; ts?: string; thread_ts?: string; subtype?: string; hidden?: boolean }[];
      const read = messages.flatMap((m) =>
        typeof m.ts === 'string'
          ? [{ channel, ts: m.ts, threadTs: m.thread_ts ?? threadTs, user: m.user, botId: m.bot_id, hidden: m.hidden, subtype: m.subtype, text: m.text }]
          : [],
      );
      await this.threads.noteRead(teamId, read, botUserId);
      return (await this.threads.ofThread(teamId, channel, threadTs)).userIds;
    } catch (err) {
      this.logger.debug({ teamId, error: classifySlackError(err).code }, 'thread not readable for deflection recipients');
      return [];
    }
  }

  /** The first person among the scheduler candidates Slack gives (see appAnnouncements.ts). */
  private async schedulerOf(teamId: string, e: ChannelMessageEvent): Promise<Person | undefined> {
    for (const userId of schedulerCandidates(e).slice(0, 5)) {
      const p = (await bestEffort(this.people.get(teamId, userId), this.logger, 'proposer profile')) ?? null;
      if (p?.row && p.exists && !p.isBot && !p.deleted && !p.external) return p;
    }
    return undefined;
  }

  /** Loads a deflection for an action, refusing anyone but the person it was shown to. */
  async forActor(teamId: string, id: number, userId: string): Promise<DeflectionRow | null> {
    const row = await this.store.getDeflection(teamId, id);
    return row && row.userId === userId ? row : null;
  }

  /**
   * Records an outcome. 'converted' is only accepted for a handoff the prompted person wrote in the
   * same workspace: the deflection id travels in modal metadata, which a crafted submission controls.
   */
  async record(id: number, outcome: 'converted' | 'kept' | 'dismissed' | 'muted', handoffId?: number): Promise<boolean> {
    if (outcome === 'converted') {
      // What is checked (who was prompted, who wrote the handoff) never changes once written; the
      // outcome's own transition rule is applied atomically by setOutcome.
      const row = await this.store.getDeflectionById(id);
      const handoff = row && handoffId ? await this.store.loadHandoff(row.teamId, handoffId) : undefined;
      if (!row || !handoff || handoff.authorId !== row.userId) {
        this.logger.warn({ deflectionId: id, handoffId }, 'conversion refused: handoff not written by the prompted person');
        return false;
      }
    }
    const changed = await this.store.setOutcome(id, outcome, this.clock.now(), handoffId);
    if (changed) this.observe(outcome);
    return changed;
  }

  /** The handoff modal now holds the text; the database does not need it any more. */
  async forgetText(id: number): Promise<void> {
    await this.store.forgetPending(id);
  }

  async muteChannel(row: DeflectionRow): Promise<void> {
    await this.store.mute(row.teamId, row.userId, row.channelId, this.clock.now());
    await this.record(row.id, 'muted');
  }

  async unmuteChannel(row: DeflectionRow): Promise<void> {
    await this.store.unmute(row.teamId, row.userId, row.channelId);
  }

  /** Workspace-level switch (for `/handoff` admin use); on by default. */
  async setWorkspaceEnabled(teamId: string, on: boolean): Promise<void> {
    await this.store.ensureWorkspace(teamId, this.clock.now());
    await this.store.setWorkspaceDeflection(teamId, on);
  }

  async workspaceEnabled(teamId: string): Promise<boolean> {
    return this.store.workspaceDeflectionEnabled(teamId);
  }

  /** Posts the agenda in the proposal's thread. The choice to keep the meeting counts either way. */
  async postAgenda(row: DeflectionRow, agenda: string): Promise<string | null> {
    await this.record(row.id, 'kept');
    try {
      await this.client.chat.postMessage({
        channel: row.channelId,
        thread_ts: row.threadTs,
        text: `*Agenda* from ${mention(row.userId)}:\n${escapeMrkdwn(agenda)}`,
        unfurl_links: false,
        unfurl_media: false,
      });
      return null;
    } catch (e) {
      return classifySlackError(e).code;
    }
  }
}

function namesOf(people: readonly Person[]): Map<string, string> {
  return new Map(people.map((p) => [p.userId, p.displayName]));
}

function recipientTimes(people: readonly Person[], now: Date): RecipientTime[] {
  return people.map((p) => {
    const s = scheduleOf(p.row!);
    const working = isWorkingAt(s, now);
    return {
      name: p.displayName,
      city: cityOf(s.tz),
      offsetMinutes: Math.round(offsetMs(s.tz, now) / 60_000),
      workingNow: working,
      startsInMs: working ? null : nextWorkStart(s, now).getTime() - now.getTime(),
    };
  });
}

/** When the proposer's working hours meet the others' (one sentence in the prompt); none without others. */
function overlapNote(author: Person, people: readonly Person[], now: Date): OverlapNote | undefined {
  if (!author.row || people.length === 0) return undefined;
  const proposer = scheduleOf(author.row);
  try {
    const summary = overlapSummary(
      proposer,
      people.map((p) => scheduleOf(p.row!)),
      now,
    );
    return summary ? { summary, names: people.map((p) => p.displayName), tz: proposer.tz, now } : undefined;
  } catch {
    // A schedule with no working days has no overlap to describe; the prompt goes out without it.
    return undefined;
  }
}

function toDetectionInput(e: ChannelMessageEvent): MessageForDetection {
  const appName = appNameOf(e);
  return {
    text: typeof e.text === 'string' ? e.text : '',
    subtype: e.subtype,
    botId: e.bot_id,
    ...(appName ? { appName } : {}),
    attachmentsText: attachmentTexts(e),
    blocksText: blockTexts(e),
    hasHuddleRoom: e.room !== undefined,
  };
}

/** What the handoff modal is pre-filled with: the person's words, or the app's announcement. */
function pendingTextOf(e: ChannelMessageEvent, fromApp: boolean): string {
  const text = typeof e.text === 'string' ? e.text : '';
  if (!fromApp) return text;
  return [text, ...attachmentTexts(e), ...blockTexts(e)].filter((s, i, all) => s.trim() !== '' && all.indexOf(s) === i).join('\n');
}
