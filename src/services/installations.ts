/**
 * Installations of Handoff in distributed mode (issue 15), in Handoff's own database:
 * - Bolt's `InstallationStore`, which its `InstallProvider` (the OAuth routes) writes each install to;
 * - `authorize` for Bolt: every request runs with the bot token of its workspace, or of its org for
 *   an org-wide Enterprise Grid install (which serves every workspace of the org);
 * - `TenantTokens` for the shared client (slack/tenant.ts): every outbox row and every call a service
 *   makes goes out with its own workspace's token.
 *
 * Tokens are sealed at rest (src/secrets.ts) and opened here only. With token rotation on (Slack's
 * 12-hour tokens), a token is refreshed ahead of its expiry, once: the refresh token is single-use, so
 * the refresh is leased in the database (one process spends it; the others keep using the current
 * token while it works, or wait for the new one) and coalesced in memory (one call per process).
 * Bolt's own `InstallProvider.authorize` refreshes too, but every concurrent request would spend the
 * refresh token at once, so Handoff authorizes requests here instead.
 */
import type { Authorize, AuthorizeResult, Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { OauthV2AccessResponse, WebClient } from '@slack/web-api';
import type { Store } from '../db/store';
import type { InstallationRow, NewInstallation } from '../db/queries/installations';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SecretBox } from '../secrets';
import { newClaimantId } from '../delivery/claimant';
import { classifySlackError } from '../slack/errors';
import { slackRefusal, type Tenant, type TenantGrant, type TenantTokens } from '../slack/tenant';

/** Refresh a rotating token this long before it expires (as Bolt's InstallProvider does). */
/** Who an app_uninstalled or tokens_revoked event came from (Bolt's context). */
export interface UninstalledFrom {
  teamId: string | null;
  enterpriseId: string | null;
  /** The event is about an org-wide install (context.isEnterpriseInstall). */
  orgWide: boolean;
  /** tokens_revoked: the bot user ids whose tokens were revoked. */
  botUserIds?: string[];
}

export const REFRESH_AHEAD_MS = 2 * 3600_000;
/** A token with less than this left is not handed out: callers wait for its refresh. */
const MIN_LEFT_MS = 60_000;
/** An installation read from the database is reused this long (a re-install elsewhere shows within it). */
const CACHE_MS = 30_000;
/** While another process holds the refresh lease and the token no longer works, look again this often… */
const REFRESH_POLL_MS = 100;
/** …for at most this long beyond the lease, then fail (transient: the outbox retries). */
const REFRESH_WAIT_SLACK_MS = 5_000;
/** After a refresh failed while the token still works, try again after this long. */
const RETRY_REFRESH_MS = 30_000;

export interface InstallationsOptions {
  clientId: string;
  clientSecret: string;
  box: SecretBox;
  /** A client without a token, for oauth.v2.access (it honours SLACK_API_URL). */
  oauth: WebClient;
  /** SLACK_API_TIMEOUT_MS: a refresh lease outlives the refresh call. */
  apiTimeoutMs: number;
  /** Told which workspaces an install or a refresh made reachable again (to resume their deliveries). */
  onTokenWorks: (teamIds: string[]) => Promise<void>;
  /** Names this process in refresh leases (tests set it). */
  claimant?: string;
}

/** An installation with its bot token opened, as cached here. */
interface Opened {
  installationId: string;
  teamId: string | null;
  enterpriseId: string | null;
  orgWide: boolean;
  botToken: string;
  botId: string;
  botUserId: string;
  /** Epoch ms (app clock); null when the token does not expire. */
  expiresAt: number | null;
  version: number;
  /** Epoch ms (app clock) of the database read. */
  loadedAt: number;
}

const sealedAs = (installationId: string, column: 'bot_token' | 'bot_refresh_token') => `installations.${column}:${installationId}`;
const tenantKey = (teamId: string | undefined, enterpriseId: string | null) => `${teamId ?? ''}/${enterpriseId ?? ''}`;

export class Installations implements InstallationStore, TenantTokens {
  private readonly cache = new Map<string, Opened>();
  private readonly refreshing = new Map<string, Promise<Opened>>();
  private readonly refreshFailedAt = new Map<string, number>();
  /** Workspaces whose enterprise was recorded by this process (once each, not on every request). */
  private readonly linked = new Set<string>();
  private readonly claimant: string;
  private readonly leaseMs: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: InstallationsOptions,
  ) {
    this.claimant = opts.claimant ?? newClaimantId();
    this.leaseMs = Math.max(30_000, 2 * opts.apiTimeoutMs);
  }

  // ------------------------------------------------------------------ Bolt's InstallationStore

  async storeInstallation(installation: Installation): Promise<void> {
    const row = this.rowOf(installation);
    const now = this.clock.now();
    await this.store.saveInstallation(row, now);
    if (row.teamId && row.enterpriseId) await this.store.linkWorkspaceToEnterprise(row.teamId, row.enterpriseId, now);
    this.forget(row.installationId);
    this.logger.info(
      { installationId: row.installationId, enterpriseId: row.enterpriseId, orgWide: row.isEnterpriseInstall, rotating: row.botRefreshToken !== null },
      'Handoff installed',
    );
    await this.opts.onTokenWorks(await this.teamsServedBy(row.installationId, row.isEnterpriseInstall));
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const row = await this.find(query.teamId, query.enterpriseId ?? null);
    if (!row) throw new Error(`no installation for ${query.teamId ?? query.enterpriseId ?? 'an unnamed workspace'}`);
    return this.installationOf(row);
  }

  /** Bolt's InstallationStore: deletes the installation answering the query, with its tokens. */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const row = await this.rowServing(query.teamId ?? null, query.enterpriseId ?? null, query.isEnterpriseInstall === true);
    if (row) await this.remove(row.installationId, 'deleted');
  }

  /**
   * app_uninstalled, or tokens_revoked naming the bot: the tokens are deleted at once (a reinstall
   * stores new ones). An org-wide install is one row serving every workspace of the org: it goes only
   * when the org itself uninstalled; one workspace leaving keeps the others served (that workspace's
   * delivery is paused by the caller either way). `botUserIds`: tokens_revoked's list; only the
   * installation of one of those bots is deleted.
   */
  async uninstalled(from: UninstalledFrom): Promise<void> {
    const row = await this.rowServing(from.teamId, from.enterpriseId, from.orgWide);
    if (!row) return;
    if (row.isEnterpriseInstall && !from.orgWide) return;
    if (from.botUserIds && !from.botUserIds.includes(row.botUserId)) return;
    await this.remove(row.installationId, from.botUserIds ? 'bot token revoked' : 'uninstalled');
  }

  /** The org's own row for an org-wide event, else the installation serving the workspace. */
  private rowServing(teamId: string | null, enterpriseId: string | null, orgWide: boolean): Promise<InstallationRow | undefined> {
    return orgWide && enterpriseId ? this.store.getInstallation(enterpriseId) : this.find(teamId ?? undefined, enterpriseId);
  }

  private async remove(installationId: string, why: string): Promise<void> {
    const deleted = await this.store.deleteInstallation(installationId);
    this.forget(installationId);
    if (deleted) this.logger.warn({ installationId, why }, 'installation deleted with its tokens');
  }

  // ------------------------------------------------------------------ requests and the shared client

  /** Bolt's `authorize`: the bot token (and the bot's ids) for the workspace or org a request comes from. */
  readonly authorize: Authorize<boolean> = async (source): Promise<AuthorizeResult> => {
    const enterpriseId = source.enterpriseId ?? null;
    if (source.teamId && enterpriseId) await this.link(source.teamId, enterpriseId);
    const opened = await this.resolve(source.teamId, enterpriseId);
    if (!opened) throw new Error(`Handoff is not installed in ${source.teamId ?? enterpriseId ?? 'this workspace'}: install it from /slack/install`);
    const usable = await this.usable(opened);
    return { botToken: usable.botToken, botId: usable.botId, botUserId: usable.botUserId, teamId: source.teamId, enterpriseId: enterpriseId ?? undefined };
  };

  async grantFor(tenant: Tenant): Promise<TenantGrant> {
    const opened = await this.resolve(tenant.teamId, tenant.enterpriseId ?? null);
    if (!opened) throw slackRefusal('not_authed', `Handoff is not installed in workspace ${tenant.teamId}`);
    const usable = await this.usable(opened);
    return { token: usable.botToken, orgWide: usable.orgWide };
  }

  async refused(tenant: Tenant, grant: TenantGrant): Promise<boolean> {
    this.cache.delete(tenantKey(tenant.teamId, tenant.enterpriseId ?? null));
    const stored = await this.resolve(tenant.teamId, tenant.enterpriseId ?? null);
    if (!stored) return false;
    if (stored.botToken !== grant.token) return true;
    if (stored.expiresAt === null) return false;
    // A rotating token Slack refused before we thought it would expire (clocks disagree): refresh it now.
    const fresh = await this.refreshOf(stored, stored.version).catch(() => stored);
    return fresh.botToken !== grant.token;
  }

  // ------------------------------------------------------------------ lookups

  private async find(teamId: string | undefined, enterpriseId: string | null): Promise<InstallationRow | undefined> {
    if (teamId) return this.store.findInstallation(teamId, enterpriseId);
    // An org-level request (no workspace): only the org-wide install serves it.
    const org = enterpriseId === null ? undefined : await this.store.getInstallation(enterpriseId);
    return org?.isEnterpriseInstall ? org : undefined;
  }

  private async resolve(teamId: string | undefined, enterpriseId: string | null): Promise<Opened | undefined> {
    const key = tenantKey(teamId, enterpriseId);
    const hit = this.cache.get(key);
    if (hit && this.clock.now().getTime() - hit.loadedAt < CACHE_MS) return hit;
    const row = await this.find(teamId, enterpriseId);
    if (!row) {
      this.cache.delete(key);
      return undefined;
    }
    const opened = this.open(row);
    this.cache.set(key, opened);
    return opened;
  }

  private async link(teamId: string, enterpriseId: string): Promise<void> {
    const key = `${teamId}/${enterpriseId}`;
    if (this.linked.has(key)) return;
    await this.store.linkWorkspaceToEnterprise(teamId, enterpriseId, this.clock.now());
    this.linked.add(key);
  }

  private async teamsServedBy(installationId: string, orgWide: boolean): Promise<string[]> {
    return orgWide ? this.store.teamsOfEnterprise(installationId) : [installationId];
  }

  // ------------------------------------------------------------------ token rotation

  /** The installation with a token that works now, refreshing it first (or meanwhile) when it is due. */
  private async usable(o: Opened): Promise<Opened> {
    if (o.expiresAt === null) return o;
    const left = o.expiresAt - this.clock.now().getTime();
    if (left > REFRESH_AHEAD_MS) return o;
    if (left > MIN_LEFT_MS) {
      // Still works: hand it out and refresh in the background (unless a refresh just failed).
      const failedAt = this.refreshFailedAt.get(o.installationId);
      if (failedAt === undefined || Date.now() - failedAt >= RETRY_REFRESH_MS) {
        // A refusal by Slack is logged where it happens; this catches the rest (the database, say).
        void this.refreshOf(o, null).catch((e: unknown) => this.logger.warn({ err: e, installationId: o.installationId }, 'background token refresh failed; will try again'));
      }
      return o;
    }
    return this.refreshOf(o, null);
  }

  /** One refresh per installation at a time in this process; `refusedVersion`: Slack refused that version's token. */
  private refreshOf(o: Opened, refusedVersion: number | null): Promise<Opened> {
    let running = this.refreshing.get(o.installationId);
    if (!running) {
      running = this.refreshOnce(o.installationId, refusedVersion).finally(() => this.refreshing.delete(o.installationId));
      this.refreshing.set(o.installationId, running);
    }
    return running;
  }

  private due(o: Opened, refusedVersion: number | null): boolean {
    if (o.expiresAt === null) return false;
    if (refusedVersion !== null) return o.version <= refusedVersion;
    return o.expiresAt - this.clock.now().getTime() <= REFRESH_AHEAD_MS;
  }

  /** Refreshes through the database lease: whoever takes it spends the refresh token; the others wait for its result. */
  private async refreshOnce(installationId: string, refusedVersion: number | null): Promise<Opened> {
    const giveUpAt = Date.now() + this.leaseMs + REFRESH_WAIT_SLACK_MS;
    for (;;) {
      const row = await this.store.getInstallation(installationId);
      if (!row) throw slackRefusal('not_authed', `Handoff is no longer installed (installation ${installationId})`);
      const current = this.remember(this.open(row));
      if (!this.due(current, refusedVersion) || row.botRefreshToken === null) return current;
      const now = this.clock.now();
      if (await this.store.claimTokenRefresh(installationId, row.tokenVersion, { claimant: this.claimant, until: now.getTime() + this.leaseMs }, now)) {
        return this.rotate(row, current);
      }
      // Another process is refreshing it. Keep using this token while it works; else wait for theirs.
      if (refusedVersion === null && current.expiresAt! - now.getTime() > MIN_LEFT_MS) return current;
      if (Date.now() > giveUpAt)
        throw Object.assign(new Error(`waited too long for another process to refresh the bot token of ${installationId}`), { code: 'token_refresh_wait' });
      await new Promise((resolve) => setTimeout(resolve, REFRESH_POLL_MS));
    }
  }

  /** Holding the lease: spends the refresh token and stores what Slack returns. */
  private async rotate(row: InstallationRow, current: Opened): Promise<Opened> {
    const id = row.installationId;
    let res: OauthV2AccessResponse;
    try {
      res = await this.opts.oauth.oauth.v2.access({
        client_id: this.opts.clientId,
        client_secret: this.opts.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: this.opts.box.open(row.botRefreshToken!, sealedAs(id, 'bot_refresh_token')),
      });
      if (!res.access_token || !res.refresh_token || !res.expires_in) throw slackRefusal('invalid_refresh_response', 'oauth.v2.access returned no rotating token');
    } catch (e) {
      return this.refreshFailed(current, e);
    }
    const at = this.clock.now();
    const expiresAt = at.getTime() + res.expires_in * 1000;
    const sealed = {
      botToken: this.opts.box.seal(res.access_token, sealedAs(id, 'bot_token')),
      botRefreshToken: this.opts.box.seal(res.refresh_token, sealedAs(id, 'bot_refresh_token')),
      botTokenExpiresAt: expiresAt,
    };
    const version = await this.store.completeTokenRefresh(id, row.tokenVersion, sealed, at);
    if (version === null) {
      // Re-installed meanwhile: the install's tokens win; ours are valid but no longer needed.
      this.logger.warn({ installationId: id }, 'bot token refreshed, but the installation changed meanwhile; using the stored one');
      return this.remember(this.open((await this.store.getInstallation(id)) ?? row));
    }
    this.refreshFailedAt.delete(id);
    this.logger.info({ installationId: id, expiresAt: new Date(expiresAt).toISOString() }, 'bot token refreshed');
    const fresh = this.remember({ ...current, botToken: res.access_token, expiresAt, version, loadedAt: at.getTime() });
    await this.opts.onTokenWorks(await this.teamsServedBy(id, current.orgWide));
    return fresh;
  }

  private async refreshFailed(current: Opened, e: unknown): Promise<Opened> {
    const id = current.installationId;
    await this.store.releaseTokenRefresh(id, this.claimant).catch((err: unknown) => this.logger.warn({ err, installationId: id }, 'could not release the refresh lease'));
    this.refreshFailedAt.set(id, Date.now());
    const failure = classifySlackError(e);
    const stillWorks = current.expiresAt! - this.clock.now().getTime() > MIN_LEFT_MS;
    const retryable = failure.kind === 'transient' || failure.kind === 'rate_limited';
    this.logger.error(
      { installationId: id, error: failure.code, stillWorks },
      retryable ? 'could not refresh the bot token; will try again' : 'Slack refused to refresh the bot token: reinstall Handoff in that workspace (/slack/install)',
    );
    if (stillWorks) return current;
    throw retryable ? e : slackRefusal('token_expired', `the bot token of installation ${id} expired and Slack refused its refresh (${failure.code})`);
  }

  // ------------------------------------------------------------------ rows and the cache

  private open(row: InstallationRow): Opened {
    return {
      installationId: row.installationId,
      teamId: row.teamId,
      enterpriseId: row.enterpriseId,
      orgWide: row.isEnterpriseInstall,
      botToken: this.opts.box.open(row.botToken, sealedAs(row.installationId, 'bot_token')),
      botId: row.botId,
      botUserId: row.botUserId,
      expiresAt: row.botTokenExpiresAt,
      version: row.tokenVersion,
      loadedAt: this.clock.now().getTime(),
    };
  }

  /** Every cached lookup answered by this installation now sees `o` (unless it already has newer tokens). */
  private remember(o: Opened): Opened {
    for (const [key, cached] of this.cache) if (cached.installationId === o.installationId && cached.version <= o.version) this.cache.set(key, o);
    return o;
  }

  private forget(installationId: string): void {
    for (const [key, cached] of this.cache) if (cached.installationId === installationId) this.cache.delete(key);
  }

  /** What InstallProvider hands over, as a row: tokens sealed, the expiry on the app's clock. */
  private rowOf(installation: Installation): NewInstallation {
    const bot = installation.bot;
    if (!bot) throw new Error('Slack granted no bot token: the app must request bot scopes (see manifest.yml)');
    const orgWide = installation.isEnterpriseInstall === true;
    const enterpriseId = installation.enterprise?.id ?? null;
    const teamId = installation.team?.id ?? null;
    const installationId = orgWide ? enterpriseId : teamId;
    if (!installationId) throw new Error(orgWide ? 'an org-wide install without an enterprise id' : 'a workspace install without a team id');
    return {
      installationId,
      teamId,
      enterpriseId,
      isEnterpriseInstall: orgWide,
      appId: installation.appId ?? null,
      teamName: installation.team?.name ?? null,
      enterpriseName: installation.enterprise?.name ?? null,
      enterpriseUrl: installation.enterpriseUrl ?? null,
      installerUserId: installation.user.id,
      botId: bot.id,
      botUserId: bot.userId,
      botScopes: bot.scopes.join(','),
      botToken: this.opts.box.seal(bot.token, sealedAs(installationId, 'bot_token')),
      botRefreshToken: bot.refreshToken ? this.opts.box.seal(bot.refreshToken, sealedAs(installationId, 'bot_refresh_token')) : null,
      // InstallProvider computes the expiry from the wall clock (seconds): the same instant on the app's clock.
      botTokenExpiresAt: bot.expiresAt === undefined ? null : this.clock.now().getTime() + (bot.expiresAt * 1000 - Date.now()),
    };
  }

  private installationOf(row: InstallationRow): Installation {
    const expiresAt = row.botTokenExpiresAt === null ? undefined : Math.floor((Date.now() + (row.botTokenExpiresAt - this.clock.now().getTime())) / 1000);
    return {
      team: row.teamId ? { id: row.teamId, name: row.teamName ?? undefined } : undefined,
      enterprise: row.enterpriseId ? { id: row.enterpriseId, name: row.enterpriseName ?? undefined } : undefined,
      user: { id: row.installerUserId ?? '', token: undefined, scopes: undefined },
      bot: {
        token: this.opts.box.open(row.botToken, sealedAs(row.installationId, 'bot_token')),
        refreshToken: row.botRefreshToken ? this.opts.box.open(row.botRefreshToken, sealedAs(row.installationId, 'bot_refresh_token')) : undefined,
        expiresAt,
        scopes: row.botScopes ? row.botScopes.split(',') : [],
        id: row.botId,
        userId: row.botUserId,
      },
      appId: row.appId ?? undefined,
      enterpriseUrl: row.enterpriseUrl ?? undefined,
      isEnterpriseInstall: row.isEnterpriseInstall,
      authVersion: 'v2',
      // Installation's fields depend on its type parameters (team absent exactly when org-wide), which a row cannot show.
    } as Installation;
  }
}

export interface ResealReport {
  installations: number;
  resealed: number;
  /** Installation ids whose tokens open with none of the configured keys. */
  unreadable: string[];
  /** Still under an older key after several tries (written by a process still running with it). */
  stale: string[];
}

/** How often one installation is read again when its tokens change while being resealed. */
const RESEAL_TRIES = 5;

const underCurrentKey = (box: SecretBox, row: InstallationRow) => box.isCurrent(row.botToken) && (row.botRefreshToken === null || box.isCurrent(row.botRefreshToken));

/** The same tokens sealed under the current key; throws when they open with no configured key. */
function resealed(box: SecretBox, row: InstallationRow): { botToken: string; botRefreshToken: string | null } {
  const again = (sealed: string, column: 'bot_token' | 'bot_refresh_token') =>
    box.seal(box.open(sealed, sealedAs(row.installationId, column)), sealedAs(row.installationId, column));
  return { botToken: again(row.botToken, 'bot_token'), botRefreshToken: row.botRefreshToken === null ? null : again(row.botRefreshToken, 'bot_refresh_token') };
}

async function resealOne(store: Store, box: SecretBox, listed: InstallationRow): Promise<'current' | 'resealed' | 'unreadable' | 'stale'> {
  let row = listed;
  for (let attempt = 0; attempt < RESEAL_TRIES; attempt++) {
    if (underCurrentKey(box, row)) return 'current';
    let sealed: ReturnType<typeof resealed>;
    try {
      sealed = resealed(box, row);
    } catch {
      return 'unreadable';
    }
    // Conditional on the token version: a refresh landing meanwhile is read again, never overwritten.
    if (await store.resealInstallation(row.installationId, row.tokenVersion, sealed)) return 'resealed';
    const now = await store.getInstallation(row.installationId);
    if (!now) return 'current';
    row = now;
  }
  return 'stale';
}

/** `handoff rotate-key`: every installation's tokens sealed under the current key. */
export async function resealAll(store: Store, box: SecretBox): Promise<ResealReport> {
  const report: ResealReport = { installations: 0, resealed: 0, unreadable: [], stale: [] };
  for (const row of await store.listInstallations()) {
    report.installations += 1;
    const outcome = await resealOne(store, box, row);
    if (outcome === 'resealed') report.resealed += 1;
    else if (outcome === 'unreadable') report.unreadable.push(row.installationId);
    else if (outcome === 'stale') report.stale.push(row.installationId);
  }
  return report;
}
