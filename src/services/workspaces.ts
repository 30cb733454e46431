/**
 * Whether Handoff may deliver in a workspace. Delivery stops on app_uninstalled, tokens_revoked or a
 * revoked-token error, and the workspace's data (pending deliveries included) is kept. When Slack
 * accepts the token again — at start-up, or at the periodic re-check while one is paused — the
 * workspace is active again and what waited is delivered. (The outbox pauses a workspace itself when
 * Slack answers token_revoked mid-send; that is the same status, written from the delivery layer.)
 */
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client';
import { anyWorkspacePaused, getWorkspace, setWorkspaceStatus } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { classifySlackError } from '../slack/errors';

/** While a workspace is paused, how often Slack is asked whether the token works again. */
export const PAUSED_RECHECK_MS = 10 * 60_000;

export type PauseReason = 'uninstalled' | 'tokens_revoked';

export class WorkspaceService {
  private lastRecheck = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  pause(teamId: string, reason: PauseReason): void {
    setWorkspaceStatus(this.db, teamId, reason, this.clock.now());
    this.logger.warn({ teamId, reason }, reason === 'uninstalled' ? 'app uninstalled: delivery stopped, data kept' : 'bot token revoked: delivery stopped, data kept');
  }

  /** Slack accepts the token for `teamId` again: deliver what waited (the next tick does). */
  resumeIfPaused(teamId: string): void {
    try {
      const ws = getWorkspace(this.db, teamId);
      if (!ws || ws.status === 'active') return;
      setWorkspaceStatus(this.db, teamId, 'active', this.clock.now());
      this.logger.warn({ teamId, was: ws.status }, 'Slack accepts the bot token again: delivery resumed');
    } catch (e) {
      this.logger.warn({ err: e, teamId }, 'could not resume delivery for the workspace');
    }
  }

  /**
   * Called on every tick: a paused workspace would otherwise wait for a restart, so every
   * PAUSED_RECHECK_MS while one is paused, ask Slack whether the token works again (e.g. the app was
   * reinstalled with the same token).
   */
  recheckPaused(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastRecheck < PAUSED_RECHECK_MS || !anyWorkspacePaused(this.db)) return;
    this.lastRecheck = now;
    void this.client.auth
      .test()
      .then((r) => r.team_id && this.resumeIfPaused(r.team_id))
      .catch((e: unknown) => this.logger.debug({ error: classifySlackError(e).code }, 'token still not accepted; delivery stays paused'));
  }

  isActive(teamId: string): boolean {
    return (getWorkspace(this.db, teamId)?.status ?? 'active') === 'active';
  }
}
