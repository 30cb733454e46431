/**
 * The one place that checks who is asking before any listener runs: every command and interaction
 * must name its user and its workspace with string ids. Slack always does; a payload that does not is
 * acknowledged and dropped, so no listener ever handles `user.id = []`. The exception is a request
 * from an Enterprise Grid org-level surface, which names the org but no workspace: Handoff's data and
 * deliveries are per workspace, so the person is told to use it from one (and nothing runs).
 */
import type { AnyMiddlewareArgs, App, RespondFn } from '@slack/bolt';
import type { Logger } from '../logger';
import { isSlackId } from '../domain/slackText';
import { noticeModal } from '../views/noticeModal';

const isId = isSlackId;

type LooseBody = {
  event?: unknown;
  command?: unknown;
  user_id?: unknown;
  team_id?: unknown;
  enterprise_id?: unknown;
  enterprise?: { id?: unknown } | null;
  response_url?: unknown;
  user?: { id?: unknown; team_id?: unknown } | null;
  team?: { id?: unknown } | null;
  view?: { app_installed_team_id?: unknown } | null;
};

/** What a person is told when they use Handoff from the org level of an Enterprise Grid org. */
export const ORG_LEVEL_ANSWER =
  'Handoff works inside the workspaces of your organisation: please use it from a workspace (a channel there, or your DM with Handoff), not from the organisation level.';
const NO_WORKSPACE = 'interaction without a workspace';
const COMMAND_NO_WORKSPACE = 'command without a team_id';

export function identityProblem(body: LooseBody): string | null {
  if (body.event !== undefined) return null; // Events API: the event's own shape is each listener's business.
  if (body.command !== undefined) {
    if (!isId(body.user_id)) return 'command without a user_id';
    if (!isId(body.team_id)) return COMMAND_NO_WORKSPACE;
    return null;
  }
  if (!body.user || typeof body.user !== 'object' || !isId(body.user.id)) return 'interaction without a user id';
  // A form of an org-wide install may name its workspace only as the one the app is installed in (as Bolt reads it).
  const team = body.team?.id ?? body.user.team_id ?? body.view?.app_installed_team_id;
  if (team === undefined || team === null) return NO_WORKSPACE;
  if (!isId(team)) return 'interaction with a malformed team id';
  return null;
}

/** A request that names no workspace but an Enterprise Grid org (an org-level surface). */
export function fromOrgLevel(body: LooseBody, problem: string): boolean {
  if (problem !== NO_WORKSPACE && !(problem === COMMAND_NO_WORKSPACE && body.team_id === undefined)) return false;
  return isId(body.enterprise_id) || isId(body.enterprise?.id);
}

export function registerPayloadGuard(app: App, logger: Logger): void {
  app.use(async (args) => {
    const { body, next } = args;
    const problem = identityProblem(body as LooseBody);
    if (!problem) return next();
    const ack = (args as AnyMiddlewareArgs & { ack?: (answer?: object) => Promise<void> }).ack;
    if (!fromOrgLevel(body as LooseBody, problem)) {
      logger.warn({ problem }, 'malformed request ignored');
      if (ack) await ack();
      return;
    }
    logger.info({ problem }, 'request from the org level, not a workspace: the person is told to use a workspace');
    if ((body as LooseBody).command !== undefined) {
      await ack?.({ response_type: 'ephemeral', text: ORG_LEVEL_ANSWER });
      return;
    }
    // A form has no response_url: the answer replaces the form, so what was typed is not closed away unexplained.
    if ((body as { type?: unknown }).type === 'view_submission') {
      await ack?.({ response_action: 'update', view: noticeModal('Handoff', ORG_LEVEL_ANSWER) });
      return;
    }
    if (ack) await ack();
    const respond = (args as AnyMiddlewareArgs & { respond?: RespondFn }).respond;
    if (respond && typeof (body as LooseBody).response_url === 'string') {
      await respond({ response_type: 'ephemeral', replace_original: false, text: ORG_LEVEL_ANSWER }).catch((e: unknown) =>
        logger.warn({ err: e }, 'could not answer an org-level request'),
      );
    }
  });
}
