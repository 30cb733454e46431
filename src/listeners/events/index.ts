/** Event subscriptions: App Home, profile changes, uninstall/revocation, and channel messages. */
import type { App } from '@slack/bolt';
import { setWorkspaceStatus } from '../../db/queries/workspaces';
import type { SlackUserObject } from '../../services/people';
import type { ChannelMessageEvent } from '../../services/deflection';
import type { ListenerDeps } from '../context';

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, context }) => {
    if (event.tab !== 'home') return;
    await deps.home.publish(context.teamId ?? 'unknown', event.user);
  });

  app.event('user_change', async ({ event, context }) => {
    const user = event.user as unknown as SlackUserObject;
    deps.people.remember(context.teamId ?? (event.user as { team_id?: string }).team_id ?? 'unknown', user);
  });

  // Both stop all delivery for the workspace; data stays until the operator decides.
  app.event('app_uninstalled', async ({ context }) => {
    setWorkspaceStatus(deps.db, context.teamId ?? 'unknown', 'uninstalled', deps.clock.now());
    deps.logger.warn({ teamId: context.teamId }, 'app uninstalled: delivery stopped, data kept');
  });
  app.event('tokens_revoked', async ({ event, context }) => {
    if (!event.tokens.bot?.length) return;
    setWorkspaceStatus(deps.db, context.teamId ?? 'unknown', 'tokens_revoked', deps.clock.now());
    deps.logger.warn({ teamId: context.teamId }, 'bot token revoked: delivery stopped, data kept');
  });

  app.event('message', async ({ event, body, context }) => {
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id ?? 'unknown';
    const eventId = (body as { event_id?: string }).event_id;
    const outcome = await deps.deflection.onMessage(teamId, eventId, event as unknown as ChannelMessageEvent);
    if (outcome !== 'prompted' && !outcome.startsWith('ignored: no proposal') && !outcome.startsWith('ignored: not')) {
      deps.logger.debug({ teamId, outcome }, 'message event');
    }
  });
}
