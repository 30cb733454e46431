/**
 * The one place that checks who is asking before any listener runs: every command and interaction
 * must name its user (and team, when it names one) with string ids. Slack always does; a payload
 * that does not is acknowledged and dropped, so no listener ever handles `user.id = []`.
 */
import type { AnyMiddlewareArgs, App } from '@slack/bolt';
import type { Logger } from '../logger';
import { isSlackId } from '../domain/slackText';

const isId = isSlackId;

type LooseBody = {
  event?: unknown;
  command?: unknown;
  user_id?: unknown;
  team_id?: unknown;
  user?: { id?: unknown; team_id?: unknown } | null;
  team?: { id?: unknown } | null;
};

export function identityProblem(body: LooseBody): string | null {
  if (body.event !== undefined) return null; // Events API: the event's own shape is each listener's business.
  if (body.command !== undefined) {
    if (!isId(body.user_id)) return 'command without a user_id';
    if (!isId(body.team_id)) return 'command without a team_id';
    return null;
  }
  if (!body.user || typeof body.user !== 'object' || !isId(body.user.id)) return 'interaction without a user id';
  const team = body.team?.id ?? body.user.team_id;
  if (team !== undefined && !isId(team)) return 'interaction with a malformed team id';
  return null;
}

export function registerPayloadGuard(app: App, logger: Logger): void {
  app.use(async (args) => {
    const { body, next } = args;
    const problem = identityProblem(body as LooseBody);
    if (!problem) return next();
    logger.warn({ problem }, 'malformed request ignored');
    const ack = (args as AnyMiddlewareArgs & { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  });
}
