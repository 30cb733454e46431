/**
 * Refreshes a handoff's card in a message it appears in, after a click changed the handoff. Only
 * trusted sources are used: the handoff from the database, the rest of the message from Handoff's own
 * copy of what it posted (outbox.posted), or, for a message posted before that copy was kept, from
 * Slack's (conversations.history: 1 call a minute for distributed apps). Never from the click
 * payload, whose `message.blocks` a forged request controls. Cards are refreshed in place only in the
 * clicker's own DM with Handoff (channel posts are updated by the outbox), and only in a message
 * Handoff itself posted there.
 */
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { Store } from '../db/store';
import { otherWorkspaceNames, usersOf } from '../db/lookups';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SlackIdentity } from '../slack/identity';
import { handoffCard, handoffFallbackText, withCardSwapped } from '../views/handoffCard';
import { peopleOnCards, whereIsFrom } from '../views/whereIs';
import { decodePosted, encodePosted } from '../delivery/postedMessage';

export class CardRefresher {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly identity: SlackIdentity,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** `teamId`: the workspace the click came from, whose message it is (a colleague's digest may show another workspace's handoff). */
  async refresh(teamId: string, channel: string, ts: string, h: HandoffWithRecipients, viewerId: string): Promise<void> {
    try {
      if (!channel.startsWith('D')) return;
      if (await this.refreshKept(teamId, channel, ts, h, viewerId)) return;
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
      const next = withCardSwapped(original.blocks as KnownBlock[], await this.freshCard(teamId, h, viewerId), h.id);
      if (!next) return; // not this handoff's message
      // The notification text stays what it was ("Good morning: …" for a digest), not a status line.
      await this.client.chat.update({ channel, ts, blocks: next, text: original.text ?? handoffFallbackText(h, 'Handoff') });
    } catch (e) {
      this.logger.debug({ err: e }, 'could not refresh message in place');
    }
  }

  /**
   * From Handoff's own copy of the message, when it kept one: true when that settled it (refreshed,
   * or refused), false when there is no copy. Two clicks on two cards of one digest at once each swap
   * their card into the copy in turn (compare-and-set), and whichever update reaches Slack last is
   * followed by the latest copy if it is not that one, so neither change is lost.
   */
  private async refreshKept(teamId: string, channel: string, ts: string, h: HandoffWithRecipients, viewerId: string): Promise<boolean> {
    let kept = await this.store.postedMessageAt(teamId, ts);
    if (!kept) return false;
    let card: KnownBlock[] | null = null;
    for (let attempt = 0; attempt < MAX_SWAPS; attempt++) {
      const current = decodePosted(kept.posted);
      if (!current || kept.userId !== viewerId || current.channel !== channel) {
        this.logger.warn({ teamId: h.teamId, handoffId: h.id }, 'click names a message that is not Handoff’s in the clicker’s DM: not refreshed');
        return true;
      }
      card ??= await this.freshCard(teamId, h, viewerId);
      const blocks = withCardSwapped(current.blocks, card, h.id);
      if (!blocks) return true; // not this handoff's message
      const next = encodePosted({ ...current, blocks });
      if (await this.store.replacePosted(kept.id, kept.posted, next)) {
        await this.sendLatest(kept.id, teamId, ts, next, current.text);
        return true;
      }
      const again = await this.store.postedMessageAt(teamId, ts);
      if (!again) return true;
      kept = again;
    }
    return true;
  }

  /** Updates the message to `sent`, then again while the kept copy has moved on meanwhile (another click's update may have landed first). */
  private async sendLatest(id: number, teamId: string, ts: string, sent: string, text: string): Promise<void> {
    let latest = sent;
    for (let attempt = 0; attempt < MAX_SWAPS; attempt++) {
      const m = decodePosted(latest);
      if (!m) return;
      await this.client.chat.update({ channel: m.channel, ts, blocks: m.blocks, text });
      const now = await this.store.postedMessageAt(teamId, ts);
      if (!now || now.id !== id || now.posted === latest) return;
      latest = now.posted;
    }
  }

  private async freshCard(teamId: string, h: HandoffWithRecipients, viewerId: string): Promise<KnownBlock[]> {
    const [people, workspace] = await Promise.all([usersOf(this.store, peopleOnCards([h])), otherWorkspaceNames(this.store, teamId, [h])]);
    return handoffCard(h, { viewerId, surface: 'dm', now: this.clock.now(), detail: 'short', whereIs: whereIsFrom((id) => people.get(id), null), workspace });
  }
}

/** Compare-and-set rounds before giving up on a message many clicks change at once. */
const MAX_SWAPS = 5;
