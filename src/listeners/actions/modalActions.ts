/** Live recipient clocks in the handoff modal: when the selection changes, show each person's local time. */
import type { BlockAction, MultiUsersSelectAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { ActionIds, HandoffModalFields as F } from '../../ids';
import { recipientClocksBlock } from '../../views/handoffModal';
import { teamIdOf, type ListenerDeps } from '../context';
import type { ListenerRouter } from '../router';

export function registerModalActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action<BlockAction<MultiUsersSelectAction>>(ActionIds.recipientsSelect, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    // Only the handoff modal has the clocks block; anything else (or a view without blocks) is left alone.
    if (!view || !Array.isArray(view.blocks)) return;
    const teamId = teamIdOf(body);
    const selected = Array.isArray(action.selected_users) ? action.selected_users.filter((u): u is string => typeof u === 'string') : [];
    const clocks = await deps.handoffs.recipientClocks(teamId, selected, body.user.id);
    const blocks = (view.blocks as KnownBlock[]).map((b) => ('block_id' in b && b.block_id === F.recipientTimes.block ? recipientClocksBlock(clocks) : b));
    try {
      // The hash makes Slack reject this update if the view changed meanwhile (e.g. submitted).
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: {
          type: 'modal',
          callback_id: view.callback_id,
          title: view.title,
          submit: view.submit ?? undefined,
          close: view.close ?? undefined,
          private_metadata: view.private_metadata,
          blocks,
        },
      });
    } catch (e) {
      deps.logger.debug({ err: e }, 'recipient clocks not refreshed');
    }
  });
}
