/**
 * One handoff as Block Kit, shared by every surface that shows it (DM, digest, App Home, channel post,
 * /handoff list). Buttons depend on who is looking; the action handlers re-check permission anyway.
 */
import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { ActionIds, CardBlockIds } from '../ids';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import { isClosed, type HandoffState } from '../domain/handoffLifecycle';
import { formatDuration } from '../time';
import { LIMITS, boldSafeMrkdwn, mention, safeMrkdwn, safePlain, slackDate } from './text';

export type Surface = 'dm' | 'home' | 'channel' | 'list' | 'digest';

export interface CardOptions {
  /** Who will read it; 'anyone' for channel posts. */
  viewerId: string | 'anyone';
  surface: Surface;
  now: Date;
  /** Show the full ask and context (DMs, channel post) or a short version (lists). */
  detail: 'full' | 'short';
  /** How to name people. Channel posts use plain names so nobody is pinged outside working hours. */
  nameOf?: (userId: string) => string;
  /** Where each person is ("Lisbon", or "14:02 in Lisbon" on surfaces rendered on demand). */
  whereIs?: (userId: string) => string | null;
  /** The reader's working days it has waited unacknowledged, when that made it stale (digest only). */
  staleDays?: number | null;
  /** Its author nudged it for this digest (digest only). */
  nudged?: boolean;
  /** The workspace the card is read in, and the names of others (see `numberLabel`). */
  workspace?: CardWorkspace;
}

/** The workspace a card is read in, and what the sibling workspaces of its org are called. */
export interface CardWorkspace {
  teamId: string;
  /** A sibling workspace's name; null: not known. */
  nameOf(teamId: string): string | null;
}

/**
 * `#4`, or, for a handoff made in a sibling workspace of the org, that workspace's name with it
 * ("Design #4"): numbers are per workspace, and this workspace may have its own #4. The name is
 * escaped and cut on its own, so the number is never what gets cut.
 */
export function numberLabel(h: Pick<HandoffWithRecipients, 'teamId' | 'number'>, workspace: CardWorkspace | undefined): string {
  return label(h, workspace, (name) => boldSafeMrkdwn(name, 60));
}

/** `numberLabel` for plain text (a modal's heading): the name as typed, cut on its own. */
export function plainNumberLabel(h: Pick<HandoffWithRecipients, 'teamId' | 'number'>, workspace: CardWorkspace | undefined): string {
  return label(h, workspace, (name) => safePlain(name, 60));
}

function label(h: Pick<HandoffWithRecipients, 'teamId' | 'number'>, workspace: CardWorkspace | undefined, shown: (name: string) => string): string {
  if (!workspace || h.teamId === workspace.teamId) return `#${h.number}`;
  const name = workspace.nameOf(h.teamId);
  return name ? `${shown(name)} #${h.number}` : `#${h.number} (another workspace)`;
}

const STATE_LABEL: Record<HandoffState, string> = {
  open: ':hourglass_flowing_sand: Open',
  acknowledged: ':eyes: Acknowledged',
  done: ':white_check_mark: Done',
  declined: ':no_entry_sign: Declined',
  cancelled: ':wastebasket: Cancelled',
};

export function handoffCard(h: HandoffWithRecipients, opts: CardOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [headline(h, opts), meta(h, opts)];
  if (opts.detail === 'full') blocks.push(...details(h));
  if (isClosed(h.state) && h.resolutionNote) {
    blocks.push(section(`*${h.state === 'declined' ? 'Reason' : 'Note'}:* ${safeMrkdwn(h.resolutionNote, 2800)}`));
  }
  const actions = actionsFor(h, opts);
  if (actions) blocks.push(actions);
  return blocks;
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** The title was taken from the ask (inline handoffs): showing both would say the same thing twice. */
export function titleRepeatsAsk(h: Pick<HandoffWithRecipients, 'title' | 'ask'>): boolean {
  const norm = (t: string) => t.replace(/\s+/g, ' ').trim();
  const title = norm(h.title).replace(/…$/, '');
  return title.length > 0 && norm(h.ask).startsWith(title);
}

function headline(h: HandoffWithRecipients, opts: CardOptions): SectionBlock {
  const urgent = h.urgent ? ' :rotating_light: urgent' : '';
  const askMax = opts.detail === 'full' ? 2600 : 280;
  const number = numberLabel(h, opts.workspace);
  if (titleRepeatsAsk(h)) return section(`*${number}*${urgent} · ${safeMrkdwn(h.ask, askMax)}`);
  return section(`*${number} · ${boldSafeMrkdwn(h.title, 200)}*${urgent}\n*Needs:* ${safeMrkdwn(h.ask, askMax)}`);
}

function namer(opts: CardOptions): (id: string) => string {
  const name = opts.nameOf ? (id: string) => safeMrkdwn(opts.nameOf!(id), 80) : mention;
  if (!opts.whereIs) return name;
  return (id) => {
    const where = opts.whereIs!(id);
    return where ? `${name(id)} (${safeMrkdwn(where, 120)})` : name(id);
  };
}

function meta(h: HandoffWithRecipients, opts: CardOptions): ContextBlock {
  const name = namer(opts);
  const to = h.recipients.filter((r) => r.active).map((r) => name(r.userId));
  const age = formatDuration(Math.max(0, opts.now.getTime() - h.createdAt));
  const parts = [STATE_LABEL[h.state], `from ${name(h.authorId)} to ${to.join(', ') || 'nobody'}`, `${age} ago`];
  if (opts.staleDays) parts.unshift(`:alarm_clock: *waiting ${opts.staleDays} of your working days*`);
  if (opts.nudged) parts.unshift(`:wave: *${mention(h.authorId)} nudged this*`);
  if (h.neededByAt) parts.push(`needed by ${slackDate(new Date(h.neededByAt))}`);
  return { type: 'context', block_id: CardBlockIds.meta(h.id), elements: [{ type: 'mrkdwn', text: truncateContext(parts.join('  ·  ')) }] };
}

function truncateContext(text: string): string {
  return text.length <= LIMITS.contextText ? text : `${text.slice(0, LIMITS.contextText - 1)}…`;
}

function details(h: HandoffWithRecipients): SectionBlock[] {
  const out: SectionBlock[] = [];
  if (h.context) out.push(section(`*Where it stands:* ${safeMrkdwn(h.context, 2700)}`));
  if (h.links) out.push(section(`*Links:* ${safeMrkdwn(h.links, 2000)}`));
  if (h.ifOffline) out.push(section(`*If I’m offline:* ${safeMrkdwn(h.ifOffline, 2000)}`));
  if (h.sourcePermalink) out.push(section(`<${h.sourcePermalink.replace(/[<>|]/g, '')}|Original message>`));
  return out;
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  const b: Button = { type: 'button', text: { type: 'plain_text', text: safePlain(text, LIMITS.buttonText) }, action_id: actionId, value };
  if (style) b.style = style;
  return b;
}

/** What the author can do about a recipient's silence: a nudge (first in their next digest), pass it on, or drop it. */
export function unansweredActions(handoffId: number, recipientId: string): ActionsBlock {
  const value = String(handoffId);
  return {
    type: 'actions',
    block_id: CardBlockIds.unanswered(handoffId, recipientId),
    elements: [
      button('Nudge', ActionIds.nudge, `${handoffId}:${recipientId}`, 'primary'),
      button('Reassign', ActionIds.reassign, value),
      button('Cancel it', ActionIds.cancel, value, 'danger'),
    ],
  };
}

/** What the author can do with an ask someone declined: pass it on, write it again, or drop it. */
export function declinedActions(h: Pick<HandoffWithRecipients, 'id'>): ActionsBlock {
  const value = String(h.id);
  return {
    type: 'actions',
    block_id: CardBlockIds.actions(h.id),
    elements: [button('Reassign', ActionIds.reassign, value, 'primary'), button('Rewrite', ActionIds.rewrite, value), button('Cancel it', ActionIds.cancel, value, 'danger')],
  };
}

function actionsFor(h: HandoffWithRecipients, opts: CardOptions): ActionsBlock | null {
  if (h.state === 'declined' && opts.viewerId === h.authorId && opts.surface !== 'channel') return declinedActions(h);
  if (isClosed(h.state)) return null;
  const value = String(h.id);
  const anyone = opts.viewerId === 'anyone';
  const isRecipient = anyone || h.recipients.some((r) => r.active && r.userId === opts.viewerId);
  const isAuthor = anyone || h.authorId === opts.viewerId;
  const elements: Button[] = [];
  if (isRecipient) {
    if (h.state === 'open') elements.push(button('Acknowledge', ActionIds.acknowledge, value));
    elements.push(button('Mark done', ActionIds.complete, value, 'primary'));
    elements.push(button('Decline', ActionIds.decline, value));
    elements.push(button('Reassign', ActionIds.reassign, value));
    if (opts.surface === 'digest') elements.push(button('Snooze to next workday', ActionIds.snooze, value));
  }
  if (isAuthor) elements.push(button('Cancel', ActionIds.cancel, value, 'danger'));
  if (elements.length === 0) return null;
  // block_id carries the handoff so several cards can share a message without duplicate ids.
  return { type: 'actions', block_id: CardBlockIds.actions(h.id), elements };
}

/** Notification text (push/fallback) — plain words, no formatting that could ping anyone. */
export function handoffFallbackText(h: HandoffWithRecipients, lead: string, workspace?: CardWorkspace): string {
  return `${safeMrkdwn(lead, 200)} ${numberLabel(h, workspace)}: ${safeMrkdwn(h.title, LIMITS.notificationText - 300)}`;
}

/**
 * `blocks` with handoff `handoffId`'s status line and buttons replaced by those of `card`; everything
 * else (a digest's other cards, the lead line) as it was. Null when the message has no such card.
 */
export function withCardSwapped(blocks: readonly KnownBlock[], card: readonly KnownBlock[], handoffId: number): KnownBlock[] | null {
  const byId = new Map(card.flatMap((b) => ('block_id' in b && b.block_id ? [[b.block_id, b] as const] : [])));
  const mine = new Set([CardBlockIds.meta(handoffId), CardBlockIds.actions(handoffId)]);
  if (!blocks.some((b) => 'block_id' in b && b.block_id && mine.has(b.block_id))) return null;
  return blocks.flatMap((b) => {
    const id = 'block_id' in b ? b.block_id : undefined;
    if (!id || !mine.has(id)) return [b];
    const replacement = byId.get(id);
    return replacement ? [replacement] : [];
  });
}
