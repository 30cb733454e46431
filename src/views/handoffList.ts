/**
 * Lists of handoffs under a block budget: /handoff list (50 per message), App Home (100), digests.
 * Whatever does not fit is summarised in one line instead of being rejected by Slack.
 */
import type { KnownBlock } from '@slack/types';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import { handoffCard, type CardOptions } from './handoffCard';

/**
 * The most cards section `index` of `count` can show within `maxBlocks` (sectionsWithinBudget below):
 * a card is at least two blocks, two blocks per section are the title and the "…and N more" line, and
 * a section may use what the sections before it left. Beyond this, handoffs are counted, not loaded.
 */
export function cardsThatFit(maxBlocks: number, count: number, index: number): number {
  const budget = maxBlocks - count * 2;
  return Math.max(1, Math.floor(Math.floor(budget / (count - index)) / 2));
}

export interface ListSection {
  title: string;
  emptyText: string;
  items: readonly HandoffWithRecipients[];
  /** Items beyond `items` that were not even loaded. */
  extraCount?: number;
  card: Omit<CardOptions, 'detail'>;
}

export function sectionsWithinBudget(sections: readonly ListSection[], maxBlocks: number, moreHint: string): KnownBlock[] {
  const out: KnownBlock[] = [];
  // Two blocks per section are reserved: its title and a possible "…and N more" line.
  let budget = maxBlocks - sections.length * 2;
  // A handoff is listed once, in the first section that has it (a note to self is both "waiting on
  // you" and yours): twice would repeat its block_id, and Slack rejects the whole surface for that.
  const listed = new Set<number>();
  sections.forEach((section, index) => {
    const s = { ...section, items: section.items.filter((h) => !listed.has(h.id)) };
    for (const h of section.items) listed.add(h.id);
    out.push({ type: 'section', text: { type: 'mrkdwn', text: `*${s.title}*${s.items.length ? ` (${s.items.length + (s.extraCount ?? 0)})` : ''}` } });
    if (s.items.length === 0) {
      out.push({ type: 'context', elements: [{ type: 'mrkdwn', text: s.emptyText }] });
      return;
    }
    // Share what is left fairly with the sections still to come.
    const share = Math.floor(budget / (sections.length - index));
    let used = 0;
    let shown = 0;
    for (const h of s.items) {
      const card = handoffCard(h, { ...s.card, detail: 'short' });
      if (used + card.length > share) break;
      out.push(...card);
      used += card.length;
      shown += 1;
    }
    budget -= used;
    const hidden = s.items.length - shown + (s.extraCount ?? 0);
    if (hidden > 0) out.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${hidden} more. ${moreHint}` }] });
  });
  return out;
}
