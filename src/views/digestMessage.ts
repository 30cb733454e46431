/**
 * The morning digest DM (and, with the digest turned off, the one "while you were offline" DM with
 * only the news that waited for the start of the person's day). planDigest sizes it to Slack's
 * 50-block limit (see digestBlockCount).
 */
import type { KnownBlock } from '@slack/types';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { DigestPlan, NeededSoon, Unanswered, WaitedOn } from '../domain/digest';
import { formatDuration, localTimeLabel } from '../time';
import { awayPhrase, holidayPhrase } from './availability';
import { declinedActions, handoffCard, numberLabel, plainNumberLabel, titleRepeatsAsk, unansweredActions, type CardWorkspace } from './handoffCard';
import { LIMITS, boldSafeMrkdwn, mention, safeMrkdwn, slackDate } from './text';

export interface DigestMessage {
  text: string;
  blocks: KnownBlock[];
}

export type DigestMode = 'full' | 'news';

/** A digest going out well after its slot, and why: Handoff was not running then, or Slack held it up. */
export interface DigestLateness {
  slotAt: number;
  reason: 'offline' | 'slack';
}

export interface DigestMessageOptions {
  mode?: DigestMode;
  late?: DigestLateness | null;
  /** The reader's zone, for the lateness note. */
  tz?: string;
  /** Where each person on a card is (their city), as on DMs. */
  whereIs?: (userId: string) => string | null;
  /** The workspace it is read in, and its org's other workspaces' names (cards made there say where). */
  workspace?: CardWorkspace;
  /** The reader's public holidays before their next workday ("Tue 1 Dec is a public holiday in Portugal"), or null. */
  daysOff?: string | null;
  /** The holidays are their zone's country's, not a region they chose: the footer says how to change that. */
  daysOffFromZone?: boolean;
}

type Item = HandoffWithRecipients & { snoozedUntilDate: string | null; staleDays?: number | null; nudged?: boolean };

function header(mode: DigestMode, dateLabel: string): string {
  return (mode === 'news' ? `While you were offline · ${dateLabel}` : `Your handoffs · ${dateLabel}`).slice(0, LIMITS.header);
}

function latenessNote(late: DigestLateness, tz: string | undefined): string {
  const slot = new Date(late.slotAt);
  const when = tz ? localTimeLabel(slot, tz, 'HH:mm') : slackDate(slot, '{time}');
  return late.reason === 'offline'
    ? `:hourglass: This comes late: Handoff was offline at ${when}, when your day started.`
    : `:hourglass: This comes late: Slack held messages back at ${when}, when your day started.`;
}

export function digestMessage(plan: DigestPlan<Item>, userId: string, dateLabel: string, now: Date, opts: DigestMessageOptions = {}): DigestMessage {
  const mode = opts.mode ?? 'full';
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: header(mode, dateLabel) } }];
  if (opts.late) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: latenessNote(opts.late, opts.tz) }] });
  if (plan.unblocked.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*:unlock: You’re unblocked*' } });
    for (const h of plan.unblocked) blocks.push(resolvedLine(h));
    if (plan.hiddenUnblocked > 0) blocks.push(more(plan.hiddenUnblocked));
  }
  if (plan.declined.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*:no_entry_sign: Declined — reassign, rewrite or cancel?*' } });
    for (const h of plan.declined) blocks.push(resolvedLine(h), declinedActions(h));
    if (plan.hiddenDeclined > 0) blocks.push(more(plan.hiddenDeclined));
  }
  if (plan.neededSoon.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*:hourglass: Needed soon*' } });
    for (const n of plan.neededSoon)
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: neededSoonText(n, mention, (t) => slackDate(new Date(t)), boldSafeMrkdwn, now) } });
  }
  if (plan.unanswered.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*:mailbox_with_no_mail: No answer yet — nudge, reassign, or cancel?*' } });
    for (const a of plan.unanswered) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: unansweredText(a, mention, boldSafeMrkdwn) } }, unansweredActions(a.handoffId, a.recipientId));
    }
  }
  if (plan.waitingOnYou.length > 0) {
    const title = mode === 'news' ? `*:inbox_tray: New for you* (${waitingOrder(plan)})` : `*:inbox_tray: Waiting on you* (${waitingOrder(plan)})`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: title } });
    for (const h of plan.waitingOnYou) {
      blocks.push(
        ...handoffCard(h, {
          viewerId: userId,
          surface: 'digest',
          now,
          detail: 'short',
          whereIs: opts.whereIs,
          workspace: opts.workspace,
          staleDays: h.staleDays ?? null,
          nudged: !!h.nudged,
        }),
      );
    }
    if (plan.hiddenWaiting > 0) blocks.push(more(plan.hiddenWaiting));
  }
  // One context block (the budget's footer): what they wait on, then their own days off ahead.
  const footer = [footerText(plan, mention, now, opts.tz ?? null), opts.daysOff ? daysOffText(opts.daysOff, opts.daysOffFromZone ?? false) : ''].filter(Boolean);
  if (footer.length > 0) blocks.push({ type: 'context', elements: footer.map((text) => ({ type: 'mrkdwn' as const, text })) });
  return { text: fallbackText(plan, mode, !!opts.late, opts.workspace), blocks };
}

/** "@Ines marked it done" / "@Ines can't do it", with when and the note or reason quoted. */
function resolvedLine(h: HandoffWithRecipients): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: resolvedText(h, mention, (t) => slackDate(new Date(t)), safeMrkdwn, boldSafeMrkdwn).slice(0, LIMITS.sectionText) } };
}

type Escape = (s: string, max: number) => string;

/** `esc` for running text, `bold` for text inside *…* (where a stray * or ` would end the bold). */
function resolvedText(h: HandoffWithRecipients, nameOf: (id: string) => string, when: (t: number) => string, esc: Escape, bold: Escape = esc): string {
  const who = h.resolvedBy ? nameOf(h.resolvedBy) : 'Someone';
  const at = h.resolvedAt ? ` ${when(h.resolvedAt)}` : '';
  const what = titleRepeatsAsk(h) ? bold(h.ask, 200) : bold(h.title, 200);
  const head = h.state === 'declined' ? `*#${h.number} · ${what}* — ${who} can’t do it${at}` : `*#${h.number} · ${what}* — ${who} marked it done${at}`;
  const note = h.resolutionNote ? `\n> ${esc(h.resolutionNote, 2000).replace(/\n/g, '\n> ')}` : '';
  return head + note;
}

/** "#12 · Review the contract — needed by Tue 9:00: less than one working day left for @Ana." */
function neededSoonText(n: NeededSoon, nameOf: (id: string) => string, when: (t: number) => string, bold: Escape, now: Date): string {
  const who = n.recipientIds.map(nameOf).join(', ');
  // Set, or come, after the recipients' last chance: say it is late, not that time is short.
  if (n.neededByAt <= now.getTime()) return `*#${n.number} · ${bold(n.title, 200)}* — was needed by ${when(n.neededByAt)} and is still open with ${who}.`;
  return `*#${n.number} · ${bold(n.title, 200)}* — needed by ${when(n.neededByAt)}: less than one working day left for ${who}.`;
}

/** "No answer from @Ana in 2 of her working days: #12 · Review the contract". */
function unansweredText(a: Unanswered, nameOf: (id: string) => string, bold: Escape): string {
  return `No answer from ${nameOf(a.recipientId)} in ${a.workingDays} of their working days: *#${a.number} · ${bold(a.title, 200)}*`;
}

/** Stale asks come first (domain/digest.ts); the title says the order the reader sees. */
function waitingOrder(plan: DigestPlan<Item>): string {
  return plan.waitingOnYou.some((h) => h.staleDays) ? 'waiting longest first' : 'oldest first';
}

function more(n: number): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${n} more — open the Handoff app’s Home tab to see them all.` }] };
}

/** Who among the people you wait on is at work now — or, if nobody, whose day starts next. */
function waitedOnText(w: WaitedOn, nameOf: (id: string) => string, now: Date, readerTz: string | null): string | null {
  if (w.workingNow.length > 0) {
    const names = w.workingNow.slice(0, 3).map(nameOf);
    const rest = w.workingNow.length - names.length;
    const list = rest > 0 ? `${names.join(', ')} and ${rest} more` : names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0]!;
    return `${list} ${w.workingNow.length === 1 ? 'is' : 'are'} working now.`;
  }
  const next = w.nextStarter;
  if (!next) return null;
  // Why their day is far off, as every other surface says it: away (and from where), or a holiday.
  const away = next.person ? awayPhrase(next.person, now, readerTz) : null;
  if (away) return `${nameOf(next.userId)} is ${away}.`;
  const holiday = next.person ? holidayPhrase(next.person, now) : null;
  return `${nameOf(next.userId)}’s day starts next, in ${formatDuration(next.inMs)}${holiday ? ` (${holiday})` : ''}.`;
}

function footerText(plan: DigestPlan<Item>, nameOf: (id: string) => string, now: Date, readerTz: string | null): string {
  const footer: string[] = [];
  if (plan.waitingOnOthersCount > 0) footer.push(`You’re waiting on ${plan.waitingOnOthersCount} handoff${plan.waitingOnOthersCount === 1 ? '' : 's'}.`);
  const who = plan.waitingOnOthersCount > 0 ? waitedOnText(plan.waitedOn, nameOf, now, readerTz) : null;
  if (who) footer.push(who);
  return footer.join(' ');
}

/** The digest before a day off says there is none that day, so its absence is no surprise. */
function daysOffText(phrase: string, fromZone: boolean): string {
  const source = fromZone ? ' These are your time zone’s public holidays; `/handoff settings` changes the region or turns them off.' : '';
  return `:palm_tree: ${phrase}: no digest then; what comes in waits for your next workday.${source}`;
}

function fallbackText(plan: DigestPlan<Item>, mode: DigestMode, late: boolean, workspace: CardWorkspace | undefined): string {
  const parts: string[] = [];
  const unblocked = plan.unblocked.length + plan.hiddenUnblocked;
  const declined = plan.declined.length + plan.hiddenDeclined;
  const waiting = plan.waitingOnYou.length + plan.hiddenWaiting;
  if (unblocked) parts.push(`you’re unblocked on ${unblocked}`);
  if (declined) parts.push(`${declined} declined`);
  if (plan.neededSoon.length) parts.push(`${plan.neededSoon.length} needed soon`);
  if (plan.unanswered.length) parts.push(`${plan.unanswered.length} unanswered`);
  if (waiting) parts.push(mode === 'news' ? `${waiting} new for you` : `${waiting} waiting on you`);
  // Stale asks sort first, so the shown ones are all of them unless the section was cut.
  const stale = plan.waitingOnYou.filter((h) => h.staleDays);
  if (stale.length > 0) {
    const oldest = Math.max(...stale.map((h) => h.staleDays ?? 0));
    parts.push(stale.length === 1 ? `${numberLabel(stale[0]!, workspace)} waiting ${oldest} of your working days` : `${stale.length} waiting up to ${oldest} of your working days`);
  }
  const lead = mode === 'news' ? 'While you were offline' : late ? 'Your handoffs (late today)' : 'Good morning';
  return `${lead}: ${parts.join(', ')}.`;
}

/**
 * The same digest as plain text (for `handoff digest-preview`): what the person would read, section by
 * section, with people by name and times in the reader's zone `tz`.
 */
export function digestText(
  plan: DigestPlan<Item>,
  dateLabel: string,
  now: Date,
  nameOf: (userId: string) => string = (id) => `@${id}`,
  tz = 'UTC',
  mode: DigestMode = 'full',
  workspace?: CardWorkspace,
): string {
  const lines: string[] = [header(mode, dateLabel)];
  const when = (t: number) => localTimeLabel(new Date(t), tz, 'yyyy-MM-dd HH:mm');
  const indent = (text: string, prefix: string) =>
    text
      .split('\n')
      .map((l) => `${prefix}${l}`)
      .join('\n');
  const more = (n: number) => `  …and ${n} more — open the Handoff app’s Home tab to see them all.`;
  const plain = (s: string) => s;
  const resolved = (h: Item) => {
    const [head, ...note] = resolvedText(h, nameOf, when, plain).replace(/\*/g, '').split('\n');
    lines.push(`  ${head}`);
    if (note.length) lines.push(indent(note.join('\n').replace(/^> /gm, ''), '      > '));
  };
  if (plan.unblocked.length > 0) {
    lines.push('', 'You’re unblocked');
    plan.unblocked.forEach(resolved);
    if (plan.hiddenUnblocked > 0) lines.push(more(plan.hiddenUnblocked));
  }
  if (plan.declined.length > 0) {
    lines.push('', 'Declined — reassign, rewrite or cancel?');
    plan.declined.forEach(resolved);
    if (plan.hiddenDeclined > 0) lines.push(more(plan.hiddenDeclined));
  }
  if (plan.neededSoon.length > 0) {
    lines.push('', 'Needed soon');
    for (const n of plan.neededSoon) lines.push(`  ${neededSoonText(n, nameOf, when, plain, now).replace(/\*/g, '')}`);
  }
  if (plan.unanswered.length > 0) {
    lines.push('', 'No answer yet — nudge, reassign, or cancel?');
    for (const a of plan.unanswered) lines.push(`  ${unansweredText(a, nameOf, plain).replace(/\*/g, '')}`);
  }
  if (plan.waitingOnYou.length > 0) {
    lines.push('', mode === 'news' ? `New for you (${waitingOrder(plan)})` : `Waiting on you (${waitingOrder(plan)})`);
    for (const h of plan.waitingOnYou) {
      const to = h.recipients.filter((r) => r.active).map((r) => nameOf(r.userId));
      const facts = [h.state, `from ${nameOf(h.authorId)} to ${to.join(', ') || 'nobody'}`, `${formatDuration(Math.max(0, now.getTime() - h.createdAt))} ago`];
      if (h.neededByAt) facts.push(`needed by ${when(h.neededByAt)}`);
      if (h.urgent) facts.push('urgent');
      if (h.staleDays) facts.unshift(`waiting ${h.staleDays} of your working days`);
      if (h.nudged) facts.unshift(`${nameOf(h.authorId)} nudged this`);
      lines.push(`  ${plainNumberLabel(h, workspace)} · ${titleRepeatsAsk(h) ? h.ask.split('\n')[0] : h.title}  [${facts.join(' · ')}]`);
      if (!titleRepeatsAsk(h)) lines.push(indent(`Needs: ${h.ask}`, '      '));
    }
    if (plan.hiddenWaiting > 0) lines.push(more(plan.hiddenWaiting));
  }
  const footer = footerText(plan, nameOf, now, tz);
  if (footer) lines.push('', footer);
  return lines.join('\n');
}
