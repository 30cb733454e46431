/**
 * What every surface does after a click or form changed a handoff: refresh the clicked message in
 * place, refresh App Home when that is where the click came from, and tell the person privately.
 */
import type { BlockAction, RespondFn } from '@slack/bolt';
import type { HandoffWithRecipients } from '../services/handoffs';
import { bestEffort } from '../bestEffort';
import { teamIdOf, type ListenerDeps } from './context';

/** Where the click happened, so the message can be refreshed in place after the change. */
export interface ClickOrigin {
  channelId?: string;
  messageTs?: string;
  fromHome?: boolean;
}

export function originOf(body: BlockAction): ClickOrigin {
  if (body.container?.type === 'message') return { channelId: body.container.channel_id, messageTs: body.container.message_ts };
  return { fromHome: body.view?.type === 'home' };
}

/**
 * Where the click happened (`container`, or the ids a modal carried in private_metadata) is only a
 * hint: the card refresher checks it against Slack before touching anything.
 */
export async function afterChange(
  deps: ListenerDeps,
  body: { user: { id: string; team_id?: string }; team?: { id?: string } | null } & Partial<Pick<BlockAction, 'container' | 'view' | 'response_url'>>,
  h: HandoffWithRecipients | null,
  message: string,
  respond: RespondFn | null,
  origin?: ClickOrigin,
): Promise<void> {
  const where = origin ?? (body.container ? originOf(body as BlockAction) : {});
  if (h && typeof where.channelId === 'string' && typeof where.messageTs === 'string' && where.messageTs !== h.channelTs) {
    await deps.cards.refresh(teamIdOf(body), where.channelId, where.messageTs, h, body.user.id);
  }
  if (h && (where.fromHome || body.view?.type === 'home')) await deps.home.publish(teamIdOf(body), body.user.id);
  if (respond && body.response_url) {
    await respond({ response_type: 'ephemeral', replace_original: false, text: message });
    return;
  }
  const ephemeral = await bestEffort(
    deps.client.chat.postEphemeral({ channel: where.channelId ?? body.user.id, user: body.user.id, text: message }),
    deps.logger,
    'ephemeral confirmation',
  );
  if (!ephemeral) await bestEffort(deps.client.chat.postMessage({ channel: body.user.id, text: message }), deps.logger, 'confirmation by DM');
}
