/**
 * Refreshes a handoff's card in a message it appears in, after a click changed the handoff. Only
 * trusted sources are used: the handoff from the database, the rest of the message from Slack's own
 * copy (never from the click payload, whose `message.blocks` a forged request controls). Cards are
 * refreshed in place only in the clicker's own DM with Handoff (channel posts are updated by the
 * outbox), and only in a message Handoff itself posted there.
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
  ) {}

  async refresh(channel: string, ts: string, h: HandoffWithRecipients, viewerId: string): Promise<void> {
    try {
      if (!channel.startsWith('D')) return;
      const me = await this.identity.resolve();
      if (!me?.botId && !me?.botUserId) return;
      const dm = await this.client.conversations.open({ users: viewerId });
      if (dm.channel?.id !== channel) {
        this.logger.warn({ teamId: h.teamId, handoffId: h.id }, 'click names a conversation that is not the clicker’s DM with Handoff: message not refreshed');
        return;
      }
      const hist = await this.client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
      const original = hist.messages?.find((m) => m.ts === ts);
      const ours = original && ((me.botId && original.bot_id === me.botId) || (me.botUserId && original.user === me.botUserId));
      if (!original || !ours || !Array.isArray(original.blocks)) return;
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
}
