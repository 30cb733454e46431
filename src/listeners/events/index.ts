/** Event subscriptions: App Home, profile changes, uninstall/revocation, and channel messages. */
import { isExternalUser, type SlackUserObject } from '../../services/people';
import { outcomeLabel, type IgnoredBecause } from '../../services/deflection';
import type { Context } from '@slack/bolt';
import { isSlackId } from '../../domain/slackText';
import type { UninstalledFrom } from '../../services/installations';
import type { ListenerDeps } from '../context';
import type { ListenerRouter } from '../router';

export function registerEvents(router: ListenerRouter, deps: ListenerDeps): void {
  router.event('app_home_opened', async ({ event, context }) => {
    if (event.tab !== 'home' || typeof event.user !== 'string') return;
    await deps.home.publish(context.teamId ?? 'unknown', event.user);
  });

  router.event('user_change', async ({ event, context }) => {
    const user = event.user as unknown as SlackUserObject | undefined;
    if (!user || typeof user !== 'object' || typeof user.id !== 'string') return;
    const teamId = context.teamId ?? user.team_id ?? 'unknown';
    // People from other organisations in shared channels are not this workspace's people.
    if (isExternalUser(user, teamId)) return;
    await deps.people.remember(teamId, user);
  });

  // Both stop all delivery for the workspace and delete its tokens (distributed mode); data stays.
  // Bolt runs them without authorize: the token is already gone.
  router.event('app_uninstalled', async ({ context }) => {
    await deps.workspaces.uninstalled(uninstalledFrom(context), 'uninstalled');
  });
  router.event('tokens_revoked', async ({ event, context }) => {
    const bot: unknown = (event.tokens as { bot?: unknown } | undefined)?.bot;
    if (!Array.isArray(bot) || bot.length === 0) return;
    const botUserIds = bot.filter((id): id is string => typeof id === 'string');
    await deps.workspaces.uninstalled({ ...uninstalledFrom(context), botUserIds }, 'tokens_revoked');
  });

  // An org-wide install: the org adds Handoff to some of its workspaces, or takes it away. (Slack's
  // payloads may mark these is_enterprise_install: false; the service checks the org's install itself.)
  const orgAccess =
    (change: 'orgAccessGranted' | 'orgAccessRevoked') =>
    async ({ event, body, context }: { event: object; body: unknown; context: Context }): Promise<void> => {
      const teams = teamIdsOf(event);
      if (!context.enterpriseId || teams.length === 0) return;
      const from = { enterpriseId: context.enterpriseId, botUserId: context.botUserId };
      await deps.workspaces[change](from, teams, eventTimeOf(body, deps.clock.now()));
    };
  router.event('team_access_granted', orgAccess('orgAccessGranted'));
  router.event('team_access_revoked', orgAccess('orgAccessRevoked'));

  router.event('message', async ({ event, body, context }) => {
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id ?? 'unknown';
    const eventId = (body as { event_id?: string }).event_id;
    // Already acked (Bolt acks events first): the thread's people join a batch written shortly,
    // before deflection reads them for a proposal in the same thread.
    const noted = deps.threads.note(teamId, event, context.botUserId);
    const outcome = await deps.deflection.onMessage(teamId, eventId, event, context.botUserId);
    await noted;
    // Most messages are simply not proposals; the rarer outcomes are worth a debug line.
    if (outcome.kind === 'failed' || (outcome.kind === 'ignored' && !ROUTINE.has(outcome.because))) {
      deps.logger.debug({ teamId, eventId, outcome: outcomeLabel(outcome) }, 'message event');
    }
  });
}

/** When Slack says the event happened (its event_time, in seconds), or `fallback`. */
function eventTimeOf(body: unknown, fallback: Date): Date {
  const seconds: unknown = (body as { event_time?: unknown }).event_time;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : fallback;
}

/** team_access_granted/revoked's workspaces (up to 1,000 per event). */
function teamIdsOf(event: object): string[] {
  const ids: unknown = (event as { team_ids?: unknown }).team_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => isSlackId(id)) : [];
}

function uninstalledFrom(context: Context): UninstalledFrom {
  return { teamId: context.teamId ?? null, enterpriseId: context.enterpriseId ?? null, orgWide: context.isEnterpriseInstall === true };
}

const ROUTINE: ReadonlySet<IgnoredBecause> = new Set(['no proposal', 'not a person speaking', 'not a channel']);
