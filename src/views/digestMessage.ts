/** The morning digest DM. planDigest sizes it to Slack's 50-block limit (see digestBlockCount). */
import type { KnownBlock } from '@slack/types';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { DigestPlan } from '../domain/digest';
import { formatDuration } from '../time';
import { handoffCard } from './handoffCard';
import { LIMITS, boldSafeMrkdwn, mention, safeMrkdwn, slackDate } from './text';

export interface DigestMessage {
  text: string;
  blocks: KnownBlock[];
}

export function digestMessage(
  plan: DigestPlan<HandoffWithRecipients & { snoozedUntilDate: string | null }>,
  userId: string,
  dateLabel: string,
  now: Date,
): DigestMessage {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: `Your handoffs · ${dateLabel}`.slice(0, LIMITS.header) } }];
  if (plan.unblocked.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*:unlock: You’re unblocked*' } });
    for (const h of plan.unblocked) blocks.push(unblockedLine(h));
    if (plan.hiddenUnblocked > 0) blocks.push(more(plan.hiddenUnblocked));
  }
  if (plan.waitingOnYou.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*:inbox_tray: Waiting on you* (oldest first)' } });
    for (const h of plan.waitingOnYou) blocks.push(...handoffCard(h, { viewerId: userId, surface: 'digest', now, detail: 'short' }));
    if (plan.hiddenWaiting > 0) blocks.push(more(plan.hiddenWaiting));
  }
  const footer: string[] = [];
  if (plan.waitingOnOthersCount > 0) {
    footer.push(`You’re waiting on ${plan.waitingOnOthersCount} handoff${plan.waitingOnOthersCount === 1 ? '' : 's'}.`);
  }
  if (plan.nextStarter) footer.push(`${mention(plan.nextStarter.userId)}’s day starts next, in ${formatDuration(plan.nextStarter.inMs)}.`);
  if (footer.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: footer.join(' ') }] });
  return { text: fallbackText(plan), blocks };
}

function unblockedLine(h: HandoffWithRecipients): KnownBlock {
  const verb = h.state === 'done' ? 'done' : 'declined';
  const who = h.resolvedBy ? mention(h.resolvedBy) : 'Someone';
  const when = h.resolvedAt ? slackDate(new Date(h.resolvedAt)) : '';
  const note = h.resolutionNote ? `\n> ${safeMrkdwn(h.resolutionNote, 2000).replace(/\n/g, '\n> ')}` : '';
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: `*#${h.number} · ${boldSafeMrkdwn(h.title, 200)}* — ${who} marked it ${verb} ${when}${note}`.slice(0, LIMITS.sectionText) },
  };
}

function more(n: number): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${n} more — open the Handoff app’s Home tab to see them all.` }] };
}

function fallbackText(plan: DigestPlan<HandoffWithRecipients & { snoozedUntilDate: string | null }>): string {
  const parts: string[] = [];
  const unblocked = plan.unblocked.length + plan.hiddenUnblocked;
  const waiting = plan.waitingOnYou.length + plan.hiddenWaiting;
  if (unblocked) parts.push(`you’re unblocked on ${unblocked}`);
  if (waiting) parts.push(`${waiting} waiting on you`);
  return `Good morning: ${parts.join(', ')}.`;
}

/**
 * The same digest as plain text (for `handoff digest-preview`): what the person would read, section by
 * section, with people by name. `nameOf` turns a user id into a readable name.
 */
export function digestText(
  plan: DigestPlan<HandoffWithRecipients & { snoozedUntilDate: string | null }>,
  dateLabel: string,
  now: Date,
  nameOf: (userId: string) => string = (id) => `@${id}`,
): string {
  const lines: string[] = [`Your handoffs · ${dateLabel}`];
  const when = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const indent = (text: string, prefix: string) => text.split('\n').map((l) => `${prefix}${l}`).join('\n');
  const more = (n: number) => `  …and ${n} more — open the Handoff app’s Home tab to see them all.`;
  if (plan.unblocked.length > 0) {
    lines.push('', 'You’re unblocked');
    for (const h of plan.unblocked) {
      const who = h.resolvedBy ? nameOf(h.resolvedBy) : 'Someone';
      lines.push(`  #${h.number} · ${h.title} — ${who} marked it ${h.state === 'done' ? 'done' : 'declined'}${h.resolvedAt ? ` ${when(h.resolvedAt)}` : ''}`);
      if (h.resolutionNote) lines.push(indent(h.resolutionNote, '      > '));
    }
    if (plan.hiddenUnblocked > 0) lines.push(more(plan.hiddenUnblocked));
  }
  if (plan.waitingOnYou.length > 0) {
    lines.push('', 'Waiting on you (oldest first)');
    for (const h of plan.waitingOnYou) {
      const to = h.recipients.filter((r) => r.active).map((r) => nameOf(r.userId));
      const facts = [h.state, `from ${nameOf(h.authorId)} to ${to.join(', ') || 'nobody'}`, `${formatDuration(Math.max(0, now.getTime() - h.createdAt))} ago`];
      if (h.neededByAt) facts.push(`needed by ${when(h.neededByAt)}`);
      if (h.urgent) facts.push('urgent');
      lines.push(`  #${h.number} · ${h.title}  [${facts.join(' · ')}]`);
      lines.push(indent(`Needs: ${h.ask}`, '      '));
    }
    if (plan.hiddenWaiting > 0) lines.push(more(plan.hiddenWaiting));
  }
  const footer: string[] = [];
  if (plan.waitingOnOthersCount > 0) footer.push(`You’re waiting on ${plan.waitingOnOthersCount} handoff${plan.waitingOnOthersCount === 1 ? '' : 's'}.`);
  if (plan.nextStarter) footer.push(`${nameOf(plan.nextStarter.userId)}’s day starts next, in ${formatDuration(plan.nextStarter.inMs)}.`);
  if (footer.length) lines.push('', footer.join(' '));
  return lines.join('\n');
}
