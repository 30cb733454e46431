/** Installation rows for the conformance tests. Tokens are opaque sealed strings to the store; these stand in for them. */
import type { NewInstallation } from '../../../src/db/queries/installations';

/** The instant the conformance tests start from; a fixture's token expires 12 hours after it. */
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const HOUR = 3600_000;

/** A workspace's own install. */
export function install(id: string, more: Partial<NewInstallation> = {}): NewInstallation {
  return {
    installationId: id,
    teamId: id,
    enterpriseId: null,
    isEnterpriseInstall: false,
    appId: 'A1',
    teamName: `Team ${id}`,
    enterpriseName: null,
    enterpriseUrl: null,
    installerUserId: 'U1',
    botId: `B-${id}`,
    botUserId: `UB-${id}`,
    botScopes: 'chat:write,commands',
    botToken: `sealed-bot-${id}`,
    botRefreshToken: `sealed-refresh-${id}`,
    botTokenExpiresAt: NOW.getTime() + 12 * HOUR,
    ...more,
  };
}

/** An Enterprise Grid org-wide install. */
export const orgInstall = (enterpriseId: string, more: Partial<NewInstallation> = {}) =>
  install(enterpriseId, { teamId: null, enterpriseId, isEnterpriseInstall: true, enterpriseName: 'Org', enterpriseUrl: 'https://org.enterprise.slack.com/', ...more });
