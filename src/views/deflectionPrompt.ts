/** The private "could this be async?" nudge, the mute confirmation, and the agenda modal for meetings that stay. */
import type { KnownBlock, ModalView } from '@slack/types';
import { ActionIds, AgendaModalFields, CallbackIds } from '../ids';
import { OVERLAP_LOOKAHEAD_MS, type OverlapSummary, type TimeWindow } from '../domain/workOverlap';
import { addDays, formatDuration, formatLocal, localDateOf, MS_PER_DAY } from '../time';
import { LIMITS, safeMrkdwn, safePlain, truncate } from './text';

/** One person the proposal was addressed to, as the lead sentence needs them. */
export interface RecipientTime {
  name: string;
  /** City of their zone, e.g. "Lisbon". */
  city: string;
  /** Their UTC offset right now, in minutes: two zones with the same offset are one "time zone" here. */
  offsetMinutes: number;
  workingNow: boolean;
  /** Milliseconds until their next workday starts; null when working now. */
  startsInMs: number | null;
}

/** Who the recipients are: named in the message itself, or found in the thread it replies to. */
export type RecipientSource = 'mentioned' | 'thread';

const BASE = 'A handoff lets people answer in their own working hours, with nothing to schedule.';
const NAME_MAX = 60;
const WHY_MAX = 60;

/** Shared working hours of the proposer and the people addressed (domain/workOverlap), to say in one sentence. */
export interface OverlapNote {
  summary: OverlapSummary;
  /** The others' names, in the order the summary was computed with (for its blocker index). */
  names: string[];
  /** The proposer's zone: times read "your time". */
  tz: string;
  now: Date;
}

/**
 * The sentence under the prompt's title, e.g. "The people you mentioned are in 3 time zones — Ana’s
 * day starts in 6 h.", then, when the proposer's hours are known, one sentence on when they all
 * overlap ("*Kiran*’s day ended 3 h ago; the next overlap with all of them is Thu 08:00–09:00 your
 * time."). Names are escaped (they are user-controlled) and cut to a safe length.
 */
export function deflectionLead(recipients: readonly RecipientTime[], source: RecipientSource, overlap?: OverlapNote): string {
  if (recipients.length === 0) return BASE;
  const head = zonesSentence(recipients, source);
  // With the overlap sentence the line already makes the case; it stays one line of figures.
  return overlap ? `${head} ${overlapSentence(overlap)}` : `${head} ${BASE}`;
}

// Formatting characters are dropped so a name cannot break the bold around it.
const boldName = (n: string): string => `*${safeMrkdwn(n.replace(/[*_~`]/g, '').trim() || '(no name)', NAME_MAX)}*`;

function zonesSentence(recipients: readonly RecipientTime[], source: RecipientSource): string {
  const name = (r: RecipientTime): string => boldName(r.name);
  const offline = recipients.filter((r) => !r.workingNow && r.startsInMs !== null).sort((a, b) => b.startsInMs! - a.startsInMs!);
  const latest = offline[0];

  if (recipients.length === 1) {
    const r = recipients[0]!;
    const city = safeMrkdwn(r.city, 60);
    if (latest) return `${name(r)}’s day starts in ${formatDuration(latest.startsInMs!)} (${city}).`;
    return `${name(r)} is working now (${city}).`;
  }

  const group = source === 'mentioned' ? 'The people you mentioned' : 'The people in this thread';
  const zones = new Set(recipients.map((r) => r.offsetMinutes)).size;
  const cities = new Set(recipients.map((r) => r.city));
  const where = zones > 1 ? `${group} are in ${zones} time zones` : cities.size === 1 ? `${group} are all in ${safeMrkdwn(recipients[0]!.city, 60)}` : `${group} share a time zone`;
  if (!latest) return `${where}, and all of them are working now.`;
  if (offline.length === recipients.length && offline.length > 1)
    return `${where} — none of them is working now; ${name(latest)}’s day starts in ${formatDuration(latest.startsInMs!)}.`;
  if (offline.length > 1) return `${where} — ${offline.length} of them are offline; ${name(latest)}’s day starts in ${formatDuration(latest.startsInMs!)}.`;
  return `${where} — ${name(latest)}’s day starts in ${formatDuration(latest.startsInMs!)}.`;
}

/** "today 15:00–16:00", "Thu 08:00–09:00", "today 22:00–tomorrow 01:00", in the proposer's zone. */
function windowText(w: TimeWindow, tz: string, now: Date): string {
  const today = localDateOf(tz, now);
  const day = (d: Date): string => {
    const date = localDateOf(tz, d);
    return date === today ? 'today' : date === addDays(today, 1) ? 'tomorrow' : formatLocal(d, tz, 'EEE');
  };
  const hm = (d: Date): string => formatLocal(d, tz, 'HH:mm');
  // The last working minute's date decides whether the end needs its own day ("…–tomorrow 01:00").
  const sameDay = localDateOf(tz, w.start) === localDateOf(tz, new Date(w.end.getTime() - 1));
  return `${day(w.start)} ${hm(w.start)}–${sameDay ? '' : `${day(w.end)} `}${hm(w.end)}`;
}

function overlapSentence(o: OverlapNote): string {
  const single = o.names.length === 1;
  const who = single ? boldName(o.names[0]!) : 'all of them';
  const s = o.summary;
  if (s.kind === 'now') return `You and ${who} overlap now, until ${formatLocal(s.window.end, o.tz, 'HH:mm')} your time.`;
  if (s.kind === 'later') return `You next overlap with ${who} ${windowText(s.window, o.tz, o.now)} your time.`;
  const blockerName = s.blocker ? o.names[s.blocker.index] : undefined;
  const blocker = s.blocker && blockerName !== undefined ? `${boldName(blockerName)}’s day ended ${formatDuration(o.now.getTime() - s.blocker.endedAt.getTime())} ago` : '';
  const next = s.next
    ? `${single && blocker ? 'your next overlap' : `the next overlap with ${who}`} is ${windowText(s.next, o.tz, o.now)} your time`
    : `you share no working hours with ${who} in the next ${Math.round(OVERLAP_LOOKAHEAD_MS / MS_PER_DAY)} days`;
  const sentence = blocker ? `${blocker}; ${next}.` : s.next ? `No shared working hours in the next 24 h; ${next}.` : `${next}.`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

export interface PromptChannel {
  id: string;
  /**
   * Channel name without '#', if known (it needs conversations.info and channels:read, which
   * Handoff does not request today); the button says "this channel" otherwise, and the context
   * line names the channel in mrkdwn either way.
   */
  name?: string | null;
}

/**
 * The prompt. `why` is what made the detector fire (a rule's words, a meeting app's name, or the
 * model's strongest cues), shown small under the buttons so a wrong guess is easy to understand.
 */
export function deflectionPrompt(deflectionId: number, lead: string, channel: PromptChannel, why: readonly string[] = []): { text: string; blocks: KnownBlock[] } {
  const value = String(deflectionId);
  const button = (text: string, action_id: string, style?: 'primary') => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: safePlain(text, LIMITS.buttonText) },
    action_id,
    value,
    ...(style ? { style } : {}),
  });
  // Plain text cannot render <#C…>, so the button names the channel itself.
  const here = channel.name ? `#${truncate(channel.name, 50)}` : 'this channel';
  return {
    text: 'Could this be a handoff instead of a call? (Only you can see this.)',
    blocks: [
      {
        type: 'section',
        block_id: `deflection_lead_${deflectionId}`,
        text: { type: 'mrkdwn', text: truncate(`:thought_balloon: *Could this be a handoff instead of a call?*\n${lead}`, LIMITS.sectionText) },
      },
      {
        type: 'actions',
        block_id: `deflection_${deflectionId}`,
        elements: [
          button('Write a handoff instead', ActionIds.deflectWrite, 'primary'),
          button('Keep the meeting', ActionIds.deflectKeep),
          button('Not now', ActionIds.deflectNotNow),
          button(`Don’t suggest in ${here}`, ActionIds.deflectMuteChannel),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Only you can see this. “Don’t suggest” applies to you in <#${channel.id}> only; \`/handoff settings\` turns suggestions off everywhere.`,
          },
          ...(why.length > 0
            ? [
                {
                  type: 'mrkdwn' as const,
                  text: truncate(
                    `Why this showed up: ${why
                      .slice(0, 3)
                      .map((w) => `“${safeMrkdwn(w.replace(/[*_~`]/g, ''), WHY_MAX)}”`)
                      .join(', ')}`,
                    LIMITS.contextText,
                  ),
                },
              ]
            : []),
        ],
      },
    ],
  };
}

/** Replaces the prompt after "Don't suggest in #channel", with a way back. */
export function mutedConfirmation(deflectionId: number, channelId: string): { text: string; blocks: KnownBlock[] } {
  const text = `Got it — I won’t suggest handoffs to you in <#${channelId}> any more.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${text} Other channels are not affected; \`/handoff settings\` turns suggestions off everywhere.` },
        accessory: { type: 'button', text: { type: 'plain_text', text: 'Undo' }, action_id: ActionIds.deflectUnmuteChannel, value: String(deflectionId) },
      },
    ],
  };
}

export function agendaModal(deflectionId: number): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackIds.agendaModal,
    title: { type: 'plain_text', text: 'Meeting agenda' },
    submit: { type: 'plain_text', text: 'Post in thread' },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: JSON.stringify({ deflectionId }),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Keeping the call? An agenda in the thread lets people prepare, or answer in writing and skip it. What should the call decide, and what should people read first?',
        },
      },
      {
        type: 'input',
        block_id: AgendaModalFields.agenda.block,
        label: { type: 'plain_text', text: 'Agenda' },
        element: {
          type: 'plain_text_input',
          action_id: AgendaModalFields.agenda.action,
          multiline: true,
          max_length: 2500,
          placeholder: { type: 'plain_text', text: '1. Decide X  2. Agree on Y — read the doc first' },
        },
      },
    ],
  };
}
