/**
 * Wiring of the two modes (issue 15), so app.ts stays a list of parts:
 * - single workspace (SLACK_BOT_TOKEN): one shared client with that token, SlackIdentity's authorize;
 * - distributed (SLACK_CLIENT_ID…): workspaces install Handoff through the OAuth routes (Bolt's
 *   InstallProvider) into Handoff's database (services/installations.ts); every request is authorized
 *   with its workspace's token, and the rest of its work — and every outbox row — runs "in" its
 *   workspace (slack/tenant.ts), so the shared client calls Slack with the right token.
 */
import type { App, Authorize, CustomRoute, Installation, Logger as BoltLogger } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from './config';
import type { Store } from './db/store';
import type { OutboxRow } from './db/queries/outbox';
import type { DeliveryHandlers } from './delivery/outbox';
import type { Clock } from './clock';
import type { Logger } from './logger';
import { BOT_SCOPES } from './ids';
import { SecretBox } from './secrets';
import { Installations, type UninstalledFrom } from './services/installations';
import type { SlackIdentity } from './slack/identity';
import { oauthRoutes } from './slack/oauth';
import { currentTenant, inTenant, TenantClient } from './slack/tenant';
import { installedPage, installFailedPage, installFailure, installPage } from './views/installPages';

export interface SlackTenancy {
  /** The client services and deliveries call Slack with. */
  client: WebClient;
  /** Bolt's authorize: SlackIdentity's with the one token, or each workspace's from the database. */
  authorize(identity: SlackIdentity): Authorize<boolean>;
  /** GET /slack/install and /slack/oauth_redirect in distributed mode. */
  routes: CustomRoute[];
  /** Which workspace SlackIdentity answers for (distributed: the running work's). */
  identityScope?: () => string;
  /** What /readyz asks Slack (distributed mode has no one bot token for auth.test). */
  readinessProbe?: { call: (client: WebClient) => Promise<unknown>; method: string; credential: string };
  /** Adds what each request needs (distributed: it runs in its workspace). */
  register(app: App): void;
  /** The outbox's handlers, each row handled in its own workspace (distributed). */
  deliveries(handlers: DeliveryHandlers): DeliveryHandlers;
  /** Deletes the tokens of an uninstall or revocation (distributed; one workspace's token lives in .env). */
  forgetTokens(from: UninstalledFrom): Promise<void>;
}

export interface TenancyDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  boltLogger: BoltLogger;
  clientOptions: WebClientOptions;
  /** Deliveries to these workspaces may resume: an install or a token refresh made them reachable. */
  onTokenWorks(teamIds: string[]): Promise<void>;
}

export function slackTenancy(config: Config, deps: TenancyDeps): SlackTenancy {
  const tenancy = config.tenancy;
  if (tenancy.kind === 'single') {
    return {
      client: new WebClient(tenancy.botToken, deps.clientOptions),
      authorize: (identity) => identity.authorize(tenancy.botToken),
      routes: [],
      register: () => undefined,
      deliveries: (handlers) => handlers,
      forgetTokens: async () => undefined,
    };
  }
  const oauthClient = new WebClient(undefined, deps.clientOptions);
  const installations = new Installations(deps.store, deps.clock, deps.logger, {
    clientId: tenancy.clientId,
    clientSecret: tenancy.clientSecret,
    box: new SecretBox(tenancy.encryptionKeys.current, tenancy.encryptionKeys.previous),
    oauth: oauthClient,
    apiTimeoutMs: config.slackApiTimeoutMs,
    onTokenWorks: deps.onTokenWorks,
  });
  return {
    client: new TenantClient(installations, deps.clientOptions),
    authorize: () => installations.authorize,
    routes: oauthRoutes({
      clientId: tenancy.clientId,
      clientSecret: tenancy.clientSecret,
      stateSecret: tenancy.stateSecret,
      installationStore: installations,
      scopes: BOT_SCOPES,
      slackApiUrl: config.slackApiUrl,
      clientOptions: deps.clientOptions,
      boltLogger: deps.boltLogger,
      logger: deps.logger,
      pages: { install: installPage, installed: installedPageOf, failed: failedPageOf },
    }),
    identityScope: () => currentTenant()?.teamId ?? '',
    readinessProbe: { call: () => oauthClient.api.test(), method: 'api.test', credential: '' },
    register(app) {
      // Registered before the listeners: everything after it (and all it starts) runs in the workspace.
      app.use(async ({ context, next }) => {
        if (!context.teamId) return next();
        await inTenant({ teamId: context.teamId, enterpriseId: context.enterpriseId ?? null }, next);
      });
    },
    deliveries: (handlers) => inWorkspaceOfRow(handlers),
    forgetTokens: (from) => installations.uninstalled(from),
  };
}

/** Each handler call runs in the workspace of the row it is given (`afterSent` only writes the database). */
function inWorkspaceOfRow(handlers: DeliveryHandlers): DeliveryHandlers {
  const tenantOf = (row: OutboxRow) => ({ teamId: row.teamId });
  return {
    deliver: (row, pace) => inTenant(tenantOf(row), () => handlers.deliver(row, pace)),
    findDelivered: (row) => inTenant(tenantOf(row), () => handlers.findDelivered(row)),
    ...(handlers.afterSent ? { afterSent: handlers.afterSent.bind(handlers) } : {}),
    ...(handlers.deadline ? { deadline: handlers.deadline.bind(handlers) } : {}),
    ...(handlers.onFailed ? { onFailed: (row: OutboxRow, code: string) => inTenant(tenantOf(row), () => handlers.onFailed!(row, code)) } : {}),
  };
}

function installedPageOf(installation: Installation): string {
  const orgWide = installation.isEnterpriseInstall === true;
  const enterpriseUrl = installation.enterpriseUrl;
  return installedPage({
    orgWide,
    teamId: installation.team?.id ?? null,
    teamName: installation.team?.name ?? null,
    enterpriseName: installation.enterprise?.name ?? null,
    // Where Bolt's own success page sends an org admin next.
    addToWorkspacesUrl: orgWide && enterpriseUrl && installation.appId ? `${enterpriseUrl}manage/organization/apps/profile/${installation.appId}/workspaces/add` : null,
  });
}

function failedPageOf(code: string, slackError: string | undefined): { status: number; html: string } {
  const failure = installFailure(code);
  const status = failure === 'cancelled' ? 200 : failure === 'not_saved' ? 500 : failure === 'slack_refused' ? 502 : 400;
  return { status, html: installFailedPage(failure, slackError) };
}
