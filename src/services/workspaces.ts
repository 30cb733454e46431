/**
 * Whether Handoff may deliver in a workspace. Delivery stops on app_uninstalled, tokens_revoked or a
 * revoked-token error, and the workspace's data (pending deliveries included) is kept. When Slack
 * accepts the token again — at start-up, or at the periodic re-check while one is paused — the
 * workspace is active again and what waited is delivered. (The outbox pauses a workspace itself when
 * Slack answers token_revoked mid-send; that is the same status, written from the delivery layer.)
 */
import type { WebClient } from '@slack/web-api';
import type { Store } from '../db/store';
import type { WorkspaceRow } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { classifySlackError } from '../slack/errors';
import type { UninstalledFrom } from './installations';
import { orgServing } from './enterpriseOrgs';

/** While a workspace is paused, how often Slack is asked whether the token works again. */
export const PAUSED_RECHECK_MS = 10 * 60_000;

export type PauseReason = 'uninstalled' | 'tokens_revoked';

/** Who a team_access event came through: its org, and the bot user the request was authorized as. */
export interface OrgEventSource {
  enterpriseId: string;
  botUserId: string | undefined;
}

export class WorkspaceService {
  private lastRecheck = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Deletes the tokens an uninstall or revocation made worthless (distributed mode). */
    private readonly forgetTokens: (from: UninstalledFrom) => Promise<void> = async () => undefined,
  ) {}

  async pause(teamId: string, reason: PauseReason): Promise<void> {
    await this.store.setWorkspaceStatus(teamId, reason, this.clock.now());
    this.logger.warn({ teamId, reason }, reason === 'uninstalled' ? 'app uninstalled: delivery stopped, data kept' : 'bot token revoked: delivery stopped, data kept');
  }

  /**
   * app_uninstalled / tokens_revoked (the bot's): delivery stops and the tokens are deleted at once;
   * the data stays. An org-wide install's event stops every workspace of the org Handoff has seen.
   * Paused first, so nothing is sent with a token about to go.
   */
  async uninstalled(from: UninstalledFrom, reason: PauseReason): Promise<void> {
    const teams = from.orgWide && from.enterpriseId ? await this.store.teamsOfEnterprise(from.enterpriseId) : [];
    if (from.teamId && !teams.includes(from.teamId)) teams.push(from.teamId);
    for (const teamId of teams) await this.pause(teamId, reason);
    await this.forgetTokens(from);
  }

  /**
   * team_access_revoked: the org took Handoff away from these workspaces of its org-wide install.
   * Delivery there stops and their retention starts, as with an uninstall; the org's tokens stay (its
   * other workspaces keep Handoff), and only team_access_granted (or the workspace's own install)
   * brings one back — a refresh of the org's token does not. `at`: when Slack says it happened; an
   * event older than the workspace's last change (a retry landing after a newer grant) changes nothing.
   */
  async orgAccessRevoked(from: OrgEventSource, teamIds: readonly string[], at: Date): Promise<void> {
    if (!(await this.fromOrgInstall(from))) return;
    const { enterpriseId } = from;
    for (const teamId of teamIds) {
      if ((await orgServing(this.store, teamId)) !== enterpriseId) {
        this.logger.warn({ teamId, enterpriseId }, 'team_access_revoked names a workspace this org does not serve: ignored');
        continue;
      }
      // From active or a paused token only: an org uninstall stays one, and a repeat keeps the first's time.
      if (await this.changeStatus(teamId, ['active', 'tokens_revoked'], 'access_revoked', at)) {
        this.logger.warn({ teamId, enterpriseId }, 'Handoff removed from a workspace of the org: delivery there stopped, data kept');
      }
    }
  }

  /**
   * team_access_granted: the org-wide install of `enterpriseId` serves these workspaces (again): new
   * ones are linked to the org, and one it was taken away from within its retention carries on where
   * it stopped. A workspace Handoff knows as another org's, or with its own install, is left alone.
   */
  async orgAccessGranted(from: OrgEventSource, teamIds: readonly string[], at: Date): Promise<void> {
    if (!(await this.fromOrgInstall(from))) return;
    const { enterpriseId } = from;
    for (const teamId of teamIds) {
      const org = (await this.store.getWorkspace(teamId))?.enterpriseId;
      if ((org && org !== enterpriseId) || (await this.hasOwnInstall(teamId))) {
        this.logger.warn({ teamId, enterpriseId }, 'team_access_granted names a workspace of another org, or with its own install: ignored');
        continue;
      }
      if (!org) await this.store.linkWorkspaceToEnterprise(teamId, enterpriseId, this.clock.now());
      if (await this.changeStatus(teamId, ['access_revoked'], 'active', at)) {
        this.logger.warn({ teamId, enterpriseId }, 'Handoff given back to a workspace of the org: delivery resumed');
      }
    }
  }

  /**
   * Whether the event came through Handoff's org-wide install of its enterprise (team_access events
   * concern only one): authorized with that install's bot, not a workspace's own install naming the org.
   */
  private async fromOrgInstall(from: OrgEventSource): Promise<boolean> {
    const install = await this.store.getInstallation(from.enterpriseId);
    const ok = install?.isEnterpriseInstall === true && install.botUserId === from.botUserId;
    if (!ok) this.logger.warn({ enterpriseId: from.enterpriseId }, 'team_access event not from the org’s org-wide install: ignored');
    return ok;
  }

  /** Whether `teamId` has an install of its own (not only its org's org-wide one). */
  private async hasOwnInstall(teamId: string): Promise<boolean> {
    return (await this.store.findInstallation(teamId, null))?.isEnterpriseInstall === false;
  }

  /** Sets `to` if the status is one of `from` and did not change after `at` — read and written in one transaction. */
  private changeStatus(teamId: string, from: ReadonlyArray<WorkspaceRow['status']>, to: WorkspaceRow['status'], at: Date): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const ws = await tx.getWorkspaceForUpdate(teamId);
      if (!ws || !from.includes(ws.status) || (ws.statusChangedAt ?? 0) > at.getTime()) return false;
      await tx.setWorkspaceStatus(teamId, to, at);
      return true;
    });
  }

  /** Slack accepts the token for `teamId` again: deliver what waited (the next tick does). */
  async resumeIfPaused(teamId: string): Promise<void> {
    try {
      // Nearly always active: a plain read settles it without a write transaction.
      if (((await this.store.getWorkspace(teamId))?.status ?? 'active') === 'active') return;
      // Read again, locked, and write in one transaction: a pause (app_uninstalled, on any replica)
      // landing between them must not be overwritten by a resume decided from the status before it.
      // Taken away by the org: only team_access_granted, or an install of the workspace's own, gives it back.
      // (Read before the transaction: the store runs one thing at a time inside it.)
      const ownInstall = await this.hasOwnInstall(teamId);
      const was = await this.store.transaction(async (tx) => {
        const ws = await tx.getWorkspaceForUpdate(teamId);
        if (!ws || ws.status === 'active') return null;
        if (ws.status === 'access_revoked' && !ownInstall) return null;
        await tx.setWorkspaceStatus(teamId, 'active', this.clock.now());
        return ws.status;
      });
      if (was) this.logger.warn({ teamId, was }, 'Slack accepts the bot token again: delivery resumed');
    } catch (e) {
      this.logger.warn({ err: e, teamId }, 'could not resume delivery for the workspace');
    }
  }

  /**
   * Called on every tick: a paused workspace would otherwise wait for a restart, so every
   * PAUSED_RECHECK_MS while one is paused, ask Slack whether the token works again (e.g. the app was
   * reinstalled with the same token).
   */
  async recheckPaused(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastRecheck < PAUSED_RECHECK_MS || !(await this.store.anyWorkspacePaused())) return;
    this.lastRecheck = now;
    void this.client.auth
      .test()
      .then(async (r) => {
        if (r.team_id) await this.resumeIfPaused(r.team_id);
      })
      .catch((e: unknown) => this.logger.debug({ error: classifySlackError(e).code }, 'token still not accepted; delivery stays paused'));
  }

  async isActive(teamId: string): Promise<boolean> {
    return ((await this.store.getWorkspace(teamId))?.status ?? 'active') === 'active';
  }
}
