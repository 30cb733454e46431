/**
 * Meeting deflection: when someone proposes a call in a channel, offer them — privately, once per
 * thread, with a cooldown — to write a handoff instead. Never for bots, edits, or people who opted out.
 */
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client';
import {
  firstSightOfEvent,
  getDeflection,
  isMuted,
  mute,
  reservePrompt,
  setOutcome,
  workspaceDeflectionEnabled,
  type DeflectionRow,
} from '../db/queries/deflections';
import { ensureWorkspace } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { detectMeetingProposal, extractMentionedUserIds, type MessageForDetection } from '../domain/meetingDetection';
import { cityOf, formatDuration } from '../time';
import { isWorkingAt, nextWorkStart } from '../domain/workSchedule';
import { classifySlackError } from '../slack/errors';
import { deflectionPrompt } from '../views/deflectionPrompt';
import { scheduleOf, type People } from './people';

/** The fields of a Slack `message` event this feature reads. */
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
  bot_profile?: { name?: string };
  attachments?: { title?: string; text?: string; fallback?: string; pretext?: string }[];
  room?: unknown;
}

/** Subtypes that are a person speaking (or a huddle they started); everything else is ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'huddle_thread']);
const PROMPTABLE_CHANNELS = new Set(['channel', 'group', undefined]);

export class DeflectionService {
  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cooldownMs: number,
  ) {}

  async onMessage(teamId: string, eventId: string | undefined, e: ChannelMessageEvent): Promise<'prompted' | string> {
    // Bots and apps never get prompts (there is nobody to ask); edits and joins are not proposals.
    if (e.bot_id || !e.user || !PERSON_SUBTYPES.has(e.subtype)) return 'ignored: not a person speaking';
    if (!PROMPTABLE_CHANNELS.has(e.channel_type)) return 'ignored: not a channel';
    const detection = detectMeetingProposal(toDetectionInput(e));
    if (!detection.isProposal) return 'ignored: no proposal';
    const now = this.clock.now();
    ensureWorkspace(this.db, teamId, now);
    // Dedupe only now: most messages are not proposals and need no write at all.
    if (eventId && !firstSightOfEvent(this.db, teamId, eventId, now)) return 'ignored: duplicate event';
    if (!workspaceDeflectionEnabled(this.db, teamId)) return 'ignored: workspace switched off';
    const author = await this.people.get(teamId, e.user);
    if (!author.row || author.isBot || !author.row.deflectionEnabled) return 'ignored: person opted out';
    if (isMuted(this.db, teamId, e.user, e.channel)) return 'ignored: muted here';

    const mentions = extractMentionedUserIds(e.text ?? '').filter((u) => u !== e.user);
    const id = reservePrompt(
      this.db,
      { teamId, userId: e.user, channelId: e.channel, threadTs: e.thread_ts ?? e.ts, messageTs: e.ts, reason: detection.reason ?? 'phrase', pendingText: (e.text ?? '').slice(0, 3000), pendingMentions: mentions },
      now,
      this.cooldownMs,
    );
    if (id === null) return 'ignored: already prompted (thread or cooldown)';
    const prompt = deflectionPrompt(id, await this.lead(teamId, mentions, now), e.channel);
    try {
      await this.client.chat.postEphemeral({ channel: e.channel, user: e.user, ...prompt, ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}) });
      this.logger.info({ teamId, deflectionId: id, reason: detection.reason }, 'deflection prompt shown');
      return 'prompted';
    } catch (err) {
      setOutcome(this.db, id, 'failed', this.clock.now());
      this.logger.warn({ teamId, error: classifySlackError(err).code }, 'deflection prompt failed');
      return 'failed';
    }
  }

  /** "The people you mentioned are in 3 time zones — Ana's day starts in 6 h." */
  private async lead(teamId: string, mentions: string[], now: Date): Promise<string> {
    const base = 'A handoff lets people answer when their day starts, without finding a slot.';
    if (mentions.length === 0) return base;
    const people = (await Promise.all(mentions.slice(0, 10).map((u) => this.people.get(teamId, u).catch(() => null)))).filter(
      (p): p is NonNullable<typeof p> => !!p?.row && !p.isBot,
    );
    if (people.length === 0) return base;
    const zones = new Set(people.map((p) => scheduleOf(p.row!).tz));
    const offline = people
      .filter((p) => !isWorkingAt(scheduleOf(p.row!), now))
      .map((p) => ({ p, inMs: nextWorkStart(scheduleOf(p.row!), now).getTime() - now.getTime() }))
      .sort((a, b) => b.inMs - a.inMs)[0];
    const where = zones.size > 1 ? `The people you mentioned are in ${zones.size} time zones` : `The people you mentioned are in ${cityOf([...zones][0]!)}`;
    const when = offline ? ` — <@${offline.p.userId}>’s day starts in ${formatDuration(offline.inMs)}.` : '.';
    return `${where}${when} ${base}`;
  }

  /** Loads a deflection for an action, refusing anyone but the person it was shown to. */
  forActor(teamId: string, id: number, userId: string): DeflectionRow | null {
    const row = getDeflection(this.db, teamId, id);
    return row && row.userId === userId ? row : null;
  }

  record(id: number, outcome: 'converted' | 'kept' | 'dismissed' | 'muted', handoffId?: number): void {
    setOutcome(this.db, id, outcome, this.clock.now(), handoffId);
  }

  muteChannel(row: DeflectionRow): void {
    mute(this.db, row.teamId, row.userId, row.channelId, this.clock.now());
    this.record(row.id, 'muted');
  }

  async postAgenda(row: DeflectionRow, agenda: string): Promise<string | null> {
    try {
      await this.client.chat.postMessage({
        channel: row.channelId,
        thread_ts: row.threadTs,
        text: `Agenda from <@${row.userId}>:\n${escapeForThread(agenda)}`,
        unfurl_links: false,
      });
      this.record(row.id, 'kept');
      return null;
    } catch (e) {
      return classifySlackError(e).code;
    }
  }
}

function escapeForThread(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toDetectionInput(e: ChannelMessageEvent): MessageForDetection {
  return {
    text: e.text ?? '',
    subtype: e.subtype,
    botId: e.bot_id,
    appName: e.bot_profile?.name,
    attachmentsText: (e.attachments ?? []).flatMap((a) => [a.title, a.text, a.fallback, a.pretext].filter((s): s is string => !!s)),
    hasHuddleRoom: e.room !== undefined,
  };
}
