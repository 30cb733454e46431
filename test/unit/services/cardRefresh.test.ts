/**
 * Card refresh from Handoff's own copy of a DM (outbox.posted): two clicks on two cards of one message
 * that interleave between reading the copy and writing it back, and their updates reaching Slack in
 * the wrong order, still leave both cards changed — in the copy and in Slack.
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { CardRefresher } from '../../../src/services/cardRefresh';
import { decodePosted, encodePosted } from '../../../src/delivery/postedMessage';
import { handoffCard, withCardSwapped } from '../../../src/views/handoffCard';
import { CardBlockIds } from '../../../src/ids';
import type { Store } from '../../../src/db/store';
import type { SlackIdentity } from '../../../src/slack/identity';
import type { HandoffWithRecipients } from '../../../src/db/queries/handoffs';
import type { Clock } from '../../../src/clock';
import { handoffRow } from '../../harness/handoffRows';

const NOW = new Date('2026-12-04T00:00:00Z');
const DM = 'D0ME';
const TS = '1700000000.000100';
/** The workspace the clicks come from, where the message was posted. */
const TEAM = 'T1';
const card = (h: HandoffWithRecipients) => handoffCard(h, { viewerId: 'UME', surface: 'dm', now: NOW, detail: 'short' });
const metaText = (blocks: readonly KnownBlock[], id: number) => JSON.stringify(blocks.find((b) => 'block_id' in b && b.block_id === CardBlockIds.meta(id)));

function world() {
  const a = handoffRow(NOW, { id: 101 });
  const b = handoffRow(NOW, { id: 102 });
  const lead: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: 'Good morning' } };
  let kept = { id: 7, userId: 'UME', posted: encodePosted({ channel: DM, text: 'Good morning: 2 waiting on you.', blocks: [lead, ...card(a), ...card(b)] }) };
  /** Runs once, between the next read of the copy and its write-back (the other click's turn). */
  let between: (() => Promise<void>) | null = null;
  const slack: KnownBlock[][] = [];
  /** Holds the next chat.update until released: the other click's update lands first. */
  let holdNextUpdate: Promise<void> | null = null;
  const store = {
    getUser: async () => undefined,
    postedMessageAt: async (teamId: string, ts: string) => (teamId === TEAM && ts === TS ? { ...kept } : undefined),
    replacePosted: async (id: number, from: string, to: string) => {
      const run = between;
      between = null;
      if (run) await run();
      if (id !== kept.id || kept.posted !== from) return false;
      kept = { ...kept, posted: to };
      return true;
    },
  } as unknown as Store; // the three queries CardRefresher uses on this path
  const client = {
    chat: {
      update: async (args: { blocks: KnownBlock[] }) => {
        const held = holdNextUpdate;
        holdNextUpdate = null;
        if (held) await held;
        slack.push(args.blocks);
        return { ok: true };
      },
    },
  } as unknown as WebClient; // only chat.update is reached
  const refresher = new CardRefresher(store, client, {} as SlackIdentity, { now: () => NOW } satisfies Clock, pino({ level: 'silent' }));
  return {
    a,
    b,
    refresher,
    kept: () => decodePosted(kept.posted)!,
    slack,
    interleave: (fn: () => Promise<void>) => (between = fn),
    holdUpdate: (p: Promise<void>) => (holdNextUpdate = p),
  };
}

describe('card refresh from the kept copy', () => {
  it('a click that lands between the other’s read and write: both cards change', async () => {
    const w = world();
    const a = { ...w.a, state: 'acknowledged' as const };
    const b = { ...w.b, state: 'acknowledged' as const };
    w.interleave(() => w.refresher.refresh(TEAM, DM, TS, b, 'UME'));
    await w.refresher.refresh(TEAM, DM, TS, a, 'UME');
    for (const blocks of [w.kept().blocks, w.slack.at(-1)!]) {
      expect(metaText(blocks, a.id)).toContain('Acknowledged');
      expect(metaText(blocks, b.id)).toContain('Acknowledged');
    }
  });

  it('updates reaching Slack in the wrong order: the latest copy is sent again', async () => {
    const w = world();
    const a = { ...w.a, state: 'acknowledged' as const };
    const b = { ...w.b, state: 'acknowledged' as const };
    let release!: () => void;
    w.holdUpdate(new Promise<void>((r) => (release = r)));
    const first = w.refresher.refresh(TEAM, DM, TS, a, 'UME'); // its update is held…
    await new Promise((r) => setImmediate(r));
    await w.refresher.refresh(TEAM, DM, TS, b, 'UME'); // …so this one (both cards) lands first
    release();
    await first;
    const last = w.slack.at(-1)!;
    expect(metaText(last, a.id)).toContain('Acknowledged');
    expect(metaText(last, b.id)).toContain('Acknowledged');
  });

  it('a copy that is someone else’s, or in another conversation, is neither changed nor sent', async () => {
    const w = world();
    const a = { ...w.a, state: 'acknowledged' as const };
    await w.refresher.refresh(TEAM, DM, TS, a, 'USOMEONE');
    await w.refresher.refresh(TEAM, 'D0OTHER', TS, a, 'UME');
    expect(w.slack).toEqual([]);
    expect(metaText(w.kept().blocks, a.id)).toContain('Open');
  });
});

describe('withCardSwapped', () => {
  it('replaces only that handoff’s status line and buttons, and says when the message has no card of it', () => {
    const a = handoffRow(NOW, { id: 201 });
    const b = handoffRow(NOW, { id: 202 });
    const blocks = [...card(a), ...card(b)];
    const swapped = withCardSwapped(blocks, card({ ...a, state: 'acknowledged' }), a.id)!;
    expect(swapped).toHaveLength(blocks.length);
    expect(metaText(swapped, a.id)).toContain('Acknowledged');
    expect(metaText(swapped, b.id)).toBe(metaText(blocks, b.id));
    // A closed handoff's card has no buttons left: they go from the message too.
    const done = withCardSwapped(blocks, card({ ...a, state: 'done' }), a.id)!;
    expect(metaText(done, a.id)).toContain('Done');
    expect(done.some((x) => 'block_id' in x && x.block_id === CardBlockIds.actions(a.id))).toBe(false);
    expect(done.some((x) => 'block_id' in x && x.block_id === CardBlockIds.actions(b.id))).toBe(true);
    expect(withCardSwapped(card(b), card(a), a.id)).toBeNull();
  });
});
