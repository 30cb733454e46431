/**
 * Installations on PostgreSQL (same contract as ../queries/installations.ts, which documents each
 * query). The refresh lease is one conditional UPDATE: under READ COMMITTED a second claimant waits on
 * the row lock, re-reads the row once the first commits, finds the lease live, and changes nothing.
 */
import { installations } from '../pgSchema';
import type { InstallationRow } from '../queries/installations';
import type { InstallationQueries } from '../store';
import { instant, maybeInstant, pgRowReader, statement, type Conn, type On } from './conn';

const row = pgRowReader<InstallationRow>(installations);

const S = {
  // $1…$15 as SAVE_COLUMNS of the SQLite module, $16 now.
  save: statement(
    'installations.save',
    `insert into installations (installation_id, team_id, enterprise_id, is_enterprise_install, app_id, team_name, enterprise_name, enterprise_url,
       installer_user_id, bot_id, bot_user_id, bot_scopes, bot_token, bot_refresh_token, bot_token_expires_at, token_version, installed_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16)
     on conflict (installation_id) do update set
       team_id = excluded.team_id, enterprise_id = excluded.enterprise_id, is_enterprise_install = excluded.is_enterprise_install,
       app_id = excluded.app_id, team_name = excluded.team_name, enterprise_name = excluded.enterprise_name, enterprise_url = excluded.enterprise_url,
       installer_user_id = excluded.installer_user_id, bot_id = excluded.bot_id, bot_user_id = excluded.bot_user_id, bot_scopes = excluded.bot_scopes,
       bot_token = excluded.bot_token, bot_refresh_token = excluded.bot_refresh_token, bot_token_expires_at = excluded.bot_token_expires_at,
       token_version = installations.token_version + 1, refresh_claimed_by = null, refresh_claim_until = null, updated_at = excluded.updated_at
     returning token_version as version`,
  ),
  get: statement('installations.get', `select ${row.columns()} from installations where installation_id = $1`),
  enterpriseOf: statement('installations.enterpriseOf', `select enterprise_id as "enterpriseId" from workspaces where team_id = $1`),
  link: statement(
    'installations.link',
    `insert into workspaces (team_id, enterprise_id, created_at) values ($1, $2, $3)
     on conflict (team_id) do update set enterprise_id = excluded.enterprise_id where workspaces.enterprise_id is distinct from excluded.enterprise_id`,
  ),
  teamsOf: statement('installations.teamsOf', `select team_id as "teamId" from workspaces where enterprise_id = $1 order by team_id collate "C"`),
  claim: statement(
    'installations.claim',
    `update installations set refresh_claimed_by = $4, refresh_claim_until = $5
     where installation_id = $1 and token_version = $2 and (refresh_claim_until is null or refresh_claim_until <= $3)`,
  ),
  complete: statement(
    'installations.complete',
    `update installations set bot_token = $3, bot_refresh_token = $4, bot_token_expires_at = $5,
       token_version = token_version + 1, refresh_claimed_by = null, refresh_claim_until = null, updated_at = $6
     where installation_id = $1 and token_version = $2
     returning token_version as version`,
  ),
  release: statement(
    'installations.release',
    `update installations set refresh_claimed_by = null, refresh_claim_until = null where installation_id = $1 and refresh_claimed_by = $2`,
  ),
  list: statement('installations.list', `select ${row.columns()} from installations order by installation_id collate "C"`),
  remove: statement('installations.remove', `delete from installations where installation_id = $1`),
  reseal: statement('installations.reseal', `update installations set bot_token = $3, bot_refresh_token = $4 where installation_id = $1 and token_version = $2`),
};

async function getInstallation(c: Conn, installationId: string): Promise<InstallationRow | undefined> {
  return (await c.rows(S.get, [installationId])).map(row.read)[0];
}

export const installationQueries: On<InstallationQueries> = {
  async saveInstallation(c, i, now) {
    const values = [
      i.installationId,
      i.teamId,
      i.enterpriseId,
      i.isEnterpriseInstall,
      i.appId,
      i.teamName,
      i.enterpriseName,
      i.enterpriseUrl,
      i.installerUserId,
      i.botId,
      i.botUserId,
      i.botScopes,
      i.botToken,
      i.botRefreshToken,
      maybeInstant(i.botTokenExpiresAt),
      instant(now.getTime()),
    ];
    const [r] = await c.rows<{ version: number }>(S.save, values);
    return r!.version;
  },
  getInstallation,
  async findInstallation(c, teamId, enterpriseId) {
    const own = await getInstallation(c, teamId);
    if (own && !own.isEnterpriseInstall) return own;
    const org = enterpriseId ?? (await c.rows<{ enterpriseId: string | null }>(S.enterpriseOf, [teamId]))[0]?.enterpriseId ?? null;
    const orgWide = org === null ? undefined : await getInstallation(c, org);
    return orgWide?.isEnterpriseInstall ? orgWide : undefined;
  },
  async linkWorkspaceToEnterprise(c, teamId, enterpriseId, now) {
    await c.changes(S.link, [teamId, enterpriseId, instant(now.getTime())]);
  },
  teamsOfEnterprise: async (c, enterpriseId) => (await c.rows<{ teamId: string }>(S.teamsOf, [enterpriseId])).map((r) => r.teamId),
  claimTokenRefresh: async (c, installationId, tokenVersion, claim, now) =>
    (await c.changes(S.claim, [installationId, tokenVersion, instant(now.getTime()), claim.claimant, instant(claim.until)])) === 1,
  async completeTokenRefresh(c, installationId, tokenVersion, t, now) {
    const [r] = await c.rows<{ version: number }>(S.complete, [installationId, tokenVersion, t.botToken, t.botRefreshToken, instant(t.botTokenExpiresAt), instant(now.getTime())]);
    return r?.version ?? null;
  },
  async releaseTokenRefresh(c, installationId, claimant) {
    await c.changes(S.release, [installationId, claimant]);
  },
  listInstallations: async (c) => (await c.rows(S.list, [])).map(row.read),
  deleteInstallation: async (c, installationId) => (await c.changes(S.remove, [installationId])) === 1,
  resealInstallation: async (c, installationId, tokenVersion, sealed) => (await c.changes(S.reseal, [installationId, tokenVersion, sealed.botToken, sealed.botRefreshToken])) === 1,
};
