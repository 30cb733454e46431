/**
 * Clicks Handoff has no listener for — a button on a message from an older version, or anything
 * else Slack sends with an action_id we do not know. Without this Bolt never acks, Slack shows the
 * clicker a warning after 3 s and the log fills with "not acknowledged" errors.
 */
import type { ListenerDeps } from '../context';
import type { ListenerRouter } from '../router';
import { tellClicker } from '../tellClicker';

/** Every action_id no listener owns. */
export function registerUnknownActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.otherAction(async ({ ack, body, action, respond }) => {
    await ack();
    deps.logger.info({ actionId: action.action_id }, 'click on an unknown action');
    if (action.type !== 'button' || ('url' in action && action.url) || typeof body.user?.id !== 'string') return;
    await tellClicker(deps, body, respond, 'That button is from an older message I can no longer act on. `/handoff list` shows your handoffs as they are now.');
  });
}
