/**
 * How each kind of outbox row becomes a Slack message. Content is rendered at send time from the
 * database, so a DM never shows a stale state and a cancelled handoff is not announced.
 */
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { Db } from '../db/client';
import type { OutboxRow } from '../db/queries/outbox';
import {
  activeRecipientIds,
  loadHandoff,
  markAuthorNotified,
  markRecipientNotified,
  setChannelPost,
  type HandoffWithRecipients,
} from '../db/queries/handoffs';
import { getUser, updateUser } from '../db/queries/users';
import { getOutboxRow, enqueue } from '../db/queries/outbox';
import type { Clock } from '../clock';
import { MetadataEventTypes } from '../ids';
import { isClosed } from '../domain/handoffLifecycle';
import { handoffCard, handoffFallbackText } from '../views/handoffCard';
import { mention, safeMrkdwn } from '../views/text';
import { explainSlackError } from '../slack/errors';
import type { DeliveryHandlers, DeliveryResult } from './outbox';
import type { DigestBuilder } from './digestBuilder';

export type DmReason = 'new' | 'reassigned' | 'unblocked' | 'notice';

interface DmPayload {
  reason?: DmReason;
  text?: string;
}

/** Thrown to retry later without it being a Slack error (e.g. channel post not made yet). */
class NotYet extends Error {
  readonly code = 'not_yet';
}

export class SlackDeliveries implements DeliveryHandlers {
  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly digests: DigestBuilder,
  ) {}

  async deliver(row: OutboxRow): Promise<DeliveryResult> {
    switch (row.kind) {
      case 'dm':
        return this.dm(row);
      case 'digest':
        return this.digest(row);
      case 'channel_post':
        return this.channelPost(row);
      case 'channel_update':
        return this.channelUpdate(row);
    }
  }

  private async post(row: OutboxRow, channel: string, text: string, blocks: KnownBlock[], eventType: string) {
    const res = await this.client.chat.postMessage({
      channel,
      text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: eventType, event_payload: { outbox_id: row.id } },
    });
    return res.ts ?? null;
  }

  private async dm(row: OutboxRow): Promise<DeliveryResult> {
    const payload = JSON.parse(row.payload) as DmPayload;
    const userId = row.userId!;
    if (payload.reason === 'notice') {
      const text = payload.text ?? '';
      const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
      return { status: 'sent', ts: await this.post(row, userId, text, blocks, MetadataEventTypes.notification) };
    }
    const h = row.handoffId ? loadHandoff(this.db, row.teamId, row.handoffId) : undefined;
    if (!h) return { status: 'skip', reason: 'handoff gone' };
    const now = this.clock.now();
    if (payload.reason === 'unblocked') {
      if (h.authorNotifiedAt || !(h.state === 'done' || h.state === 'declined')) return { status: 'skip', reason: 'already told' };
      const lead = `:unlock: You’re unblocked: ${mention(h.resolvedBy ?? h.authorId)} marked it ${h.state}.`;
      const ts = await this.post(row, userId, handoffFallbackText(h, 'You’re unblocked on'), this.withLead(lead, h, userId), MetadataEventTypes.notification);
      markAuthorNotified(this.db, row.teamId, [h.id], now);
      return { status: 'sent', ts };
    }
    if (isClosed(h.state) || !activeRecipientIds(h).includes(userId)) return { status: 'skip', reason: 'no longer for them' };
    const lead = payload.reason === 'reassigned' ? `:arrows_counterclockwise: This handoff was passed to you.` : `:incoming_envelope: ${mention(h.authorId)} handed this off to you.`;
    const ts = await this.post(row, userId, handoffFallbackText(h, 'New handoff'), this.withLead(lead, h, userId), MetadataEventTypes.notification);
    markRecipientNotified(this.db, h.id, userId, now);
    return { status: 'sent', ts };
  }

  private withLead(lead: string, h: HandoffWithRecipients, viewerId: string): KnownBlock[] {
    return [
      { type: 'section', text: { type: 'mrkdwn', text: lead } },
      ...handoffCard(h, { viewerId, surface: 'dm', now: this.clock.now(), detail: 'full' }),
    ];
  }

  private async digest(row: OutboxRow): Promise<DeliveryResult> {
    const built = this.digests.build(row.teamId, row.userId!, row.localDate!);
    if (!built) return { status: 'skip', reason: 'nothing to say' };
    const ts = await this.post(row, row.userId!, built.message.text, built.message.blocks, MetadataEventTypes.digest);
    const now = this.clock.now();
    markAuthorNotified(this.db, row.teamId, built.unblockedIds, now);
    for (const id of built.waitingIds) markRecipientNotified(this.db, id, row.userId!, now);
    updateUser(this.db, row.teamId, row.userId!, { lastDigestAt: now.getTime() }, now);
    return { status: 'sent', ts };
  }

  private nameOf(teamId: string): (userId: string) => string {
    return (userId) => getUser(this.db, teamId, userId)?.displayName || 'someone';
  }

  private channelBlocks(h: HandoffWithRecipients): KnownBlock[] {
    return handoffCard(h, { viewerId: 'anyone', surface: 'channel', now: this.clock.now(), detail: 'full', nameOf: this.nameOf(h.teamId) });
  }

  private async channelPost(row: OutboxRow): Promise<DeliveryResult> {
    const h = row.handoffId ? loadHandoff(this.db, row.teamId, row.handoffId) : undefined;
    if (!h || !row.channelId) return { status: 'skip', reason: 'handoff gone' };
    const ts = await this.post(row, row.channelId, handoffFallbackText(h, 'Handoff'), this.channelBlocks(h), MetadataEventTypes.notification);
    if (ts) setChannelPost(this.db, h.id, row.channelId, ts);
    return { status: 'sent', ts };
  }

  private async channelUpdate(row: OutboxRow): Promise<DeliveryResult> {
    const h = row.handoffId ? loadHandoff(this.db, row.teamId, row.handoffId) : undefined;
    if (!h || !h.channelId) return { status: 'skip', reason: 'no channel post' };
    if (!h.channelTs) {
      const post = getOutboxRow(this.db, Number(JSON.parse(row.payload).postOutboxId ?? 0));
      if (post && (post.status === 'pending' || post.status === 'sending')) throw new NotYet('channel post not made yet');
      return { status: 'skip', reason: 'channel post failed' };
    }
    const res = await this.client.chat.update({ channel: h.channelId, ts: h.channelTs, text: handoffFallbackText(h, 'Handoff'), blocks: this.channelBlocks(h) });
    return { status: 'sent', ts: res.ts ?? h.channelTs };
  }

  async findDelivered(row: OutboxRow): Promise<string | null | undefined> {
    if (row.kind === 'channel_update') return null; // chat.update is idempotent: just do it again.
    let channel = row.channelId;
    if (row.kind === 'dm' || row.kind === 'digest') {
      const opened = await this.client.conversations.open({ users: row.userId! });
      channel = opened.channel?.id ?? null;
    }
    if (!channel) return undefined;
    const history = await this.client.conversations.history({
      channel,
      oldest: String(Math.floor(row.createdAt / 1000) - 60),
      include_all_metadata: true,
      limit: 200,
    });
    const mine = history.messages?.find((m) => {
      const payload = (m as { metadata?: { event_payload?: { outbox_id?: unknown } } }).metadata?.event_payload;
      return payload && Number(payload.outbox_id) === row.id;
    });
    return mine?.ts ?? null;
  }

  /** A channel post that cannot be made is explained to the author in plain words. */
  onFailed(row: OutboxRow, code: string): void {
    if (row.kind !== 'channel_post' || !row.handoffId) return;
    const h = loadHandoff(this.db, row.teamId, row.handoffId);
    if (!h) return;
    const text = `I couldn’t post handoff #${h.number} (“${safeMrkdwn(h.title, 200)}”) in <#${row.channelId}>. ${explainSlackError(code, `<#${row.channelId}>`)} The handoff itself is saved and its recipients will get it as usual.`;
    enqueue(this.db, { teamId: row.teamId, kind: 'dm', dedupeKey: `notice:channel_failed:${row.id}`, userId: h.authorId, handoffId: h.id, payload: { reason: 'notice', text } }, this.clock.now());
  }
}
