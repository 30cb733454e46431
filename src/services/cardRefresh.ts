/**
 * Refreshes a handoff's card in a message it appears in, after a click changed the handoff. Cards are
 * refreshed in place only in the clicker's own DM with Handoff (channel posts are updated by the
 * outbox), and only in a message Handoff itself posted there. The handoff comes from the database;
 * the rest of the message (a digest's other cards, its lead line) is taken, in this order of trust:
 * - from the click itself (its `message.blocks`, in a request Slack signed), once the outbox proves
 *   Handoff sent that message to this person: no history read, which Slack allows a distributed app
 *   once a minute a workspace;
 * - otherwise (a form opened from the card carries no message, a message past the outbox's
 *   retention) from Slack's own copy, read with conversations.history, where history reads are not
 *   restricted.
 */
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { Store } from '../db/store';
import { usersById } from '../db/lookups';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { CardBlockIds } from '../ids';
import type { SlackIdentity } from '../slack/identity';
import { handoffCard, handoffFallbackText } from '../views/handoffCard';
import { peopleOnCards, whereIsFrom } from '../views/whereIs';

export class CardRefresher {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly identity: SlackIdentity,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** False where Slack restricts history reads (distributed apps): they are kept for crash recovery. */
    private readonly readHistory = true,
  ) {}

  /** `clicked`: the message as the click carried it (a button's payload); absent for a form's submission. */
  async refresh(channel: string, ts: string, h: HandoffWithRecipients, viewerId: string, clicked?: ClickedMessage): Promise<void> {
    try {
      if (!channel.startsWith('D')) return;
      const me = await this.identity.resolve();
      if (!me?.botId && !me?.botUserId) return;
      const dm = await this.client.conversations.open({ users: viewerId });
      if (dm.channel?.id !== channel) {
        this.logger.warn({ teamId: h.teamId, handoffId: h.id }, 'click names a conversation that is not the clicker’s DM with Handoff: message not refreshed');
        return;
      }
      const original = await this.messageAt(channel, ts, h.teamId, viewerId, me, clicked);
      if (!original) return;
      // Swap this handoff's status line and buttons; everything else in the message (a digest's other
      // cards, the lead line) stays as Slack has it.
      const people = await usersById(this.store, h.teamId, peopleOnCards([h]));
      const fresh = handoffCard(h, { viewerId, surface: 'dm', now: this.clock.now(), detail: 'short', whereIs: whereIsFrom((id) => people.get(id), null) });
      const byId = new Map(fresh.flatMap((b) => ('block_id' in b && b.block_id ? [[b.block_id, b] as const] : [])));
      const mine = new Set([CardBlockIds.meta(h.id), CardBlockIds.actions(h.id)]);
      const blocks = original.blocks as KnownBlock[];
      if (!blocks.some((b) => 'block_id' in b && b.block_id && mine.has(b.block_id))) return; // not this handoff's message
      const next = blocks.flatMap((b) => {
        const id = 'block_id' in b ? b.block_id : undefined;
        if (!id || !mine.has(id)) return [b];
        const replacement = byId.get(id);
        return replacement ? [replacement] : [];
      });
      // The notification text stays what it was ("Good morning: …" for a digest), not a status line.
      await this.client.chat.update({ channel, ts, blocks: next, text: original.text ?? handoffFallbackText(h, 'Handoff') });
    } catch (e) {
      this.logger.debug({ err: e }, 'could not refresh message in place');
    }
  }

  /** The message's blocks and text, from a source proven to be Handoff's own message; null when none is. */
  private async messageAt(
    channel: string,
    ts: string,
    teamId: string,
    viewerId: string,
    me: { botId?: string | null; botUserId?: string | null },
    clicked: ClickedMessage | undefined,
  ): Promise<{ blocks: unknown[]; text?: string } | null> {
    if (clicked?.ts === ts && Array.isArray(clicked.blocks) && (await this.store.sentMessageTo(teamId, viewerId, ts))) {
      return { blocks: clicked.blocks, ...(typeof clicked.text === 'string' ? { text: clicked.text } : {}) };
    }
    if (!this.readHistory) return null;
    const hist = await this.client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
    const original = hist.messages?.find((m) => m.ts === ts);
    const ours = original && ((me.botId && original.bot_id === me.botId) || (me.botUserId && original.user === me.botUserId));
    if (!original || !ours || !Array.isArray(original.blocks)) return null;
    return { blocks: original.blocks, ...(original.text !== undefined ? { text: original.text } : {}) };
  }
}

/** The message a button was clicked in, as the (signed) click carried it. */
export interface ClickedMessage {
  ts?: string;
  text?: string;
  blocks?: unknown[];
}
