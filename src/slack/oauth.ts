/**
 * Distributed mode's OAuth routes (issue 15), built on Bolt's own `InstallProvider`: it renders the
 * install page with a state (signed with SLACK_STATE_SECRET, also set as a cookie, so a callback is
 * only accepted in the browser that started it), exchanges the code with oauth.v2.access (org-wide
 * Enterprise Grid installs included) and hands the installation to Handoff's `InstallationStore`.
 * Handoff supplies the pages (what happened and what to do next) and the routes, which are served on
 * PORT in both modes (Bolt's HTTPReceiver would only serve them in HTTP mode, and not next to a custom
 * `authorize`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute, Installation, InstallationStore, Logger as BoltLogger } from '@slack/bolt';
import { InstallProvider, type CodedError } from '@slack/oauth';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from '../logger';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export interface OAuthPages {
  install(authorizeUrl: string): string;
  installed(installation: Installation): string;
  /** `code`: InstallProvider's error code; `slackError`: Slack's own, when it refused. */
  failed(code: string, slackError: string | undefined): { status: number; html: string };
}

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  installationStore: InstallationStore;
  scopes: readonly string[];
  /** SLACK_API_URL: oauth.v2.access and auth.test go there, and the authorize page is next to it. */
  slackApiUrl: string | undefined;
  clientOptions: WebClientOptions;
  boltLogger: BoltLogger;
  logger: Logger;
  pages: OAuthPages;
}

/** Where people approve the install: slack.com's page, or the one beside a custom Web API URL. */
export function authorizationUrlFor(slackApiUrl: string | undefined): string {
  return new URL('../oauth/v2/authorize', slackApiUrl ?? 'https://slack.com/api/').href;
}

function html(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

export function oauthRoutes(opts: OAuthOptions): CustomRoute[] {
  const installer = new InstallProvider({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    stateSecret: opts.stateSecret,
    installationStore: opts.installationStore,
    installUrlOptions: { scopes: [...opts.scopes] },
    renderHtmlForInstallPath: opts.pages.install,
    authorizationUrl: authorizationUrlFor(opts.slackApiUrl),
    logger: opts.boltLogger,
    clientOptions: opts.clientOptions,
  });
  const log = opts.logger.child({ component: 'oauth' });
  const failed = (error: CodedError, res: ServerResponse) => {
    const slackError = (error as { data?: { error?: unknown } }).data?.error;
    const page = opts.pages.failed(error.code, typeof slackError === 'string' ? slackError : undefined);
    log.warn({ code: error.code, slackError, status: page.status }, 'install did not complete');
    html(res, page.status, page.html);
  };
  return [
    {
      path: INSTALL_PATH,
      method: ['GET'],
      handler: (req: IncomingMessage, res: ServerResponse) => {
        installer.handleInstallPath(req, res).catch((e: unknown) => {
          log.error({ err: e }, 'could not render the install page');
          html(res, 500, opts.pages.failed('slack_oauth_generate_url_error', undefined).html);
        });
      },
    },
    {
      path: REDIRECT_PATH,
      method: ['GET'],
      handler: (req: IncomingMessage, res: ServerResponse) => {
        installer
          .handleCallback(req, res, {
            success: (installation, _options, _req, callbackRes) => html(callbackRes, 200, opts.pages.installed(installation)),
            failure: (error, _options, _req, callbackRes) => failed(error, callbackRes),
          })
          .catch((e: unknown) => failed(Object.assign(e instanceof Error ? e : new Error(String(e)), { code: 'slack_oauth_unknown_error' }), res));
      },
    },
  ];
}
