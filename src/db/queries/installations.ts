/**
 * Installations (distributed mode, issue 15): which bot token serves which workspace. A workspace
 * install is keyed by its team id; an org-wide Enterprise Grid install by its enterprise id, and serves
 * every workspace linked to that enterprise (workspaces.enterprise_id). Tokens arrive here sealed
 * (src/secrets.ts) and are stored as they come: this layer never sees one in clear.
 *
 * Token rotation: a refresh token is single-use, so one process at a time may spend it. A refresh is
 * leased (`claimTokenRefresh`, a conditional update: the row's token version unchanged and no live
 * lease) and its result stored only while the token version is still the one the lease was taken on.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { prepared, rowReader } from '../prepared';
import { installations } from '../schema';

export type InstallationRow = typeof installations.$inferSelect;

/** What an install (or a re-install) writes; versions, leases and times are the store's. */
export type NewInstallation = Omit<InstallationRow, 'tokenVersion' | 'refreshClaimedBy' | 'refreshClaimUntil' | 'installedAt' | 'updatedAt'>;

/** Sealed tokens after a refresh. */
export interface RefreshedTokens {
  botToken: string;
  botRefreshToken: string;
  /** Epoch ms. */
  botTokenExpiresAt: number;
}

export interface RefreshClaim {
  claimant: string;
  /** Epoch ms until which no one else may start a refresh of this installation. */
  until: number;
}

const row = rowReader(installations);

const SAVE_COLUMNS = [
  'installation_id',
  'team_id',
  'enterprise_id',
  'is_enterprise_install',
  'app_id',
  'team_name',
  'enterprise_name',
  'enterprise_url',
  'installer_user_id',
  'bot_id',
  'bot_user_id',
  'bot_scopes',
  'bot_token',
  'bot_refresh_token',
  'bot_token_expires_at',
] as const;
const camel = (c: string) => c.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase());

const statements = (s: Database.Database) => ({
  // A re-install replaces the tokens and everything Slack said, keeps the first install time, bumps
  // the version (a refresh racing it must not overwrite the new tokens) and clears any refresh lease.
  save: s.prepare<Record<string, unknown>, { version: number }>(`
    insert into installations (${SAVE_COLUMNS.join(', ')}, token_version, installed_at, updated_at)
    values (${SAVE_COLUMNS.map((c) => `@${camel(c)}`).join(', ')}, 1, @now, @now)
    on conflict (installation_id) do update set
      ${SAVE_COLUMNS.filter((c) => c !== 'installation_id')
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')},
      token_version = installations.token_version + 1, refresh_claimed_by = null, refresh_claim_until = null, updated_at = excluded.updated_at
    returning token_version as version`),
  get: s.prepare<[string], Record<string, unknown>>(`select ${row.columns()} from installations where installation_id = ?`),
  enterpriseOf: s.prepare<[string], { enterpriseId: string | null }>(`select enterprise_id as enterpriseId from workspaces where team_id = ?`),
  link: s.prepare<{ teamId: string; enterpriseId: string; now: number }>(`
    insert into workspaces (team_id, enterprise_id, created_at) values (@teamId, @enterpriseId, @now)
    on conflict (team_id) do update set enterprise_id = excluded.enterprise_id where workspaces.enterprise_id is not excluded.enterprise_id`),
  teamsOf: s.prepare<[string], { teamId: string }>(`select team_id as teamId from workspaces where enterprise_id = ? order by team_id`),
  claim: s.prepare<{ installationId: string; version: number; now: number; claimant: string; until: number }>(`
    update installations set refresh_claimed_by = @claimant, refresh_claim_until = @until
    where installation_id = @installationId and token_version = @version and (refresh_claim_until is null or refresh_claim_until <= @now)`),
  complete: s.prepare<Record<string, unknown>, { version: number }>(`
    update installations set bot_token = @botToken, bot_refresh_token = @botRefreshToken, bot_token_expires_at = @botTokenExpiresAt,
      token_version = token_version + 1, refresh_claimed_by = null, refresh_claim_until = null, updated_at = @now
    where installation_id = @installationId and token_version = @version
    returning token_version as version`),
  release: s.prepare<[string, string]>(`update installations set refresh_claimed_by = null, refresh_claim_until = null where installation_id = ? and refresh_claimed_by = ?`),
  list: s.prepare<[], Record<string, unknown>>(`select ${row.columns()} from installations order by installation_id`),
  remove: s.prepare<[string]>(`delete from installations where installation_id = ?`),
  reseal: s.prepare<{ botToken: string; botRefreshToken: string | null; installationId: string; version: number }>(`
    update installations set bot_token = @botToken, bot_refresh_token = @botRefreshToken where installation_id = @installationId and token_version = @version`),
});

/** Stores an install, or replaces the installation's tokens on a re-install; returns its token version. */
export function saveInstallation(db: Db, installation: NewInstallation, now: Date): number {
  const params: Record<string, unknown> = { ...installation, isEnterpriseInstall: installation.isEnterpriseInstall ? 1 : 0, now: now.getTime() };
  return prepared(db, statements).save.get(params)!.version;
}

export function getInstallation(db: Db, installationId: string): InstallationRow | undefined {
  const raw = prepared(db, statements).get.get(installationId);
  return raw ? row.read(raw) : undefined;
}

/**
 * The installation serving `teamId`: the workspace's own install, else the org-wide install of its
 * enterprise (`enterpriseId` when the request names it, else the one the workspace was linked to).
 */
export function findInstallation(db: Db, teamId: string, enterpriseId: string | null): InstallationRow | undefined {
  const q = prepared(db, statements);
  const own = getInstallation(db, teamId);
  if (own && !own.isEnterpriseInstall) return own;
  const org = enterpriseId ?? q.enterpriseOf.get(teamId)?.enterpriseId ?? null;
  const orgWide = org === null ? undefined : getInstallation(db, org);
  return orgWide?.isEnterpriseInstall ? orgWide : undefined;
}

/** Records that `teamId` belongs to the Enterprise Grid org `enterpriseId` (an org-wide install serves it). */
export function linkWorkspaceToEnterprise(db: Db, teamId: string, enterpriseId: string, now: Date): void {
  prepared(db, statements).link.run({ teamId, enterpriseId, now: now.getTime() });
}

/** The workspaces known to belong to `enterpriseId`. */
export function teamsOfEnterprise(db: Db, enterpriseId: string): string[] {
  return prepared(db, statements)
    .teamsOf.all(enterpriseId)
    .map((r) => r.teamId);
}

/**
 * Takes the refresh lease of an installation whose tokens are still at `tokenVersion`, unless another
 * lease is live. True when this caller may spend the refresh token.
 */
export function claimTokenRefresh(db: Db, installationId: string, tokenVersion: number, claim: RefreshClaim, now: Date): boolean {
  return prepared(db, statements).claim.run({ installationId, version: tokenVersion, now: now.getTime(), claimant: claim.claimant, until: claim.until }).changes === 1;
}

/**
 * Stores the tokens a refresh returned, if the installation's tokens are still at `tokenVersion` (no
 * re-install or other refresh landed meanwhile). Returns the new token version, or null.
 */
export function completeTokenRefresh(db: Db, installationId: string, tokenVersion: number, tokens: RefreshedTokens, now: Date): number | null {
  const done = prepared(db, statements).complete.get({ ...tokens, installationId, version: tokenVersion, now: now.getTime() });
  return done?.version ?? null;
}

/** Gives a refresh lease back (the refresh failed), if `claimant` still holds it. */
export function releaseTokenRefresh(db: Db, installationId: string, claimant: string): void {
  prepared(db, statements).release.run(installationId, claimant);
}

/** Every installation (`handoff rotate-key`; one row per workspace or org). */
export function listInstallations(db: Db): InstallationRow[] {
  return prepared(db, statements)
    .list.all()
    .map((r) => row.read(r));
}

/**
 * Replaces the sealed tokens of an installation with the same tokens sealed under another key, if its
 * tokens are still at `tokenVersion`. False when they changed meanwhile (read it again).
 */
export function resealInstallation(db: Db, installationId: string, tokenVersion: number, sealed: { botToken: string; botRefreshToken: string | null }): boolean {
  return prepared(db, statements).reseal.run({ ...sealed, installationId, version: tokenVersion }).changes === 1;
}

/** Deletes an installation and its tokens (uninstalled, or its bot token revoked); false if there was none. */
export function deleteInstallation(db: Db, installationId: string): boolean {
  return prepared(db, statements).remove.run(installationId).changes === 1;
}
