/**
 * Clicks Handoff has no listener for — a button on a message from an older version, or anything
 * else Slack sends with an action_id we do not know. Without this Bolt never acks, Slack shows the
 * clicker a warning after 3 s and the log fills with "not acknowledged" errors.
 */
import type { App, BlockAction } from '@slack/bolt';
import { ActionIds } from '../../ids';
import type { ListenerDeps } from '../context';
import { tellClicker } from '../tellClicker';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches every action_id except the ones a listener owns. */
export const UNKNOWN_ACTION_ID = new RegExp(`^(?!(?:${Object.values(ActionIds).map(escape).join('|')})$)`);

export function registerUnknownActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction>({ type: 'block_actions', action_id: UNKNOWN_ACTION_ID }, async ({ ack, body, action, respond }) => {
    await ack();
    deps.logger.info({ actionId: action.action_id }, 'click on an unknown action');
    if (action.type !== 'button' || ('url' in action && action.url) || typeof body.user?.id !== 'string') return;
    await tellClicker(deps, body, respond, 'That button is from an older message I can no longer act on. `/handoff list` shows your handoffs as they are now.');
  });
}
