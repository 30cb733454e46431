/**
 * Distributed mode in tests (issue 15): the configuration, and installing the app the way a person
 * does — the app's real GET /slack/install page, the fake Slack's authorize page, the app's real
 * GET /slack/oauth_redirect — with the state cookie carried between them like a browser.
 */
import type { FakeSlack } from './fakeSlack';
import type { FakeInstallTarget } from './fakeOAuth';
import { SlackRequester } from './slackRequests';
import { TEST_SIGNING_SECRET, type TestApp } from './testApp';

export const CLIENT_ID = '1111111111.2222222222';
export const CLIENT_SECRET = '0123456789abcdef0123456789abcdef';
export const STATE_SECRET = 'state-secret-for-tests-0123456789';
export const ENCRYPTION_KEY = 'a1'.repeat(32);

/** The environment of distributed mode (SLACK_BOT_TOKEN blanked: the two modes exclude each other). */
export function distributedEnv(more: Record<string, string> = {}): Record<string, string> {
  return { SLACK_BOT_TOKEN: '', SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: CLIENT_SECRET, SLACK_STATE_SECRET: STATE_SECRET, HANDOFF_ENCRYPTION_KEY: ENCRYPTION_KEY, ...more };
}

/** The app's OAuth settings as the fake Slack knows them (the Redirect URL points at `port`). */
export function configureOAuth(fake: FakeSlack, port: number, opts: { tokenExpiresInSec?: number } = {}): void {
  fake.oauth.app = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `http://127.0.0.1:${port}/slack/oauth_redirect`, tokenExpiresInSec: opts.tokenExpiresInSec };
}

export interface BrowserPage {
  status: number;
  html: string;
  headers: Headers;
}

async function get(url: string, cookie?: string): Promise<BrowserPage> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The state cookie a response sets, as a browser would send it back. */
function cookieOf(page: BrowserPage): string {
  return page.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0]!)
    .join('; ');
}

/** The "Add to Slack" link of the install page. */
export function addToSlackHref(page: BrowserPage): string {
  const m = /id="add-to-slack" href="([^"]+)"/.exec(page.html);
  if (!m) throw new Error(`no Add to Slack link on the install page (${page.status}): ${page.html.slice(0, 300)}`);
  return m[1]!.replace(/&amp;/g, '&');
}

/**
 * A person installs the app into `target` through the real routes; returns the page they end on.
 * `tamper` changes the redirect before it is followed (a test of the failure pages).
 */
export async function installThroughBrowser(t: Pick<TestApp, 'fake' | 'port'>, target: FakeInstallTarget, tamper: { dropCookie?: boolean } = {}): Promise<BrowserPage> {
  const base = `http://127.0.0.1:${t.port}`;
  const landing = await get(`${base}/slack/install`);
  if (landing.status !== 200) throw new Error(`GET /slack/install answered ${landing.status}`);
  t.fake.oauth.approveNextInstall(target);
  const approved = await get(addToSlackHref(landing));
  const back = approved.headers.get('location');
  if (approved.status !== 302 || !back) throw new Error(`the fake authorize page answered ${approved.status}: ${approved.html}`);
  return get(back, tamper.dropCookie ? undefined : cookieOf(landing));
}

/** Signed Slack requests from another workspace (or an org's workspace) to the app. */
export function requesterFor(t: Pick<TestApp, 'fake' | 'port'>, teamId: string, org?: { enterpriseId: string; orgWide: boolean }): SlackRequester {
  return new SlackRequester({
    baseUrl: `http://127.0.0.1:${t.port}`,
    signingSecret: TEST_SIGNING_SECRET,
    teamId,
    ...(org ? { enterpriseId: org.enterpriseId, enterpriseInstall: org.orgWide } : {}),
    issueTriggerId: (u) => t.fake.issueTriggerId(u),
    responseUrl: () => t.fake.responseUrl(),
  });
}

/** Every bot and refresh token Slack issued (installs and refreshes), oldest first. */
export function issuedSecrets(fake: FakeSlack): string[] {
  return fake
    .callsTo('oauth.v2.access')
    .map((c) => (c.response as { access_token?: string; refresh_token?: string }) ?? {})
    .flatMap((r) => [r.access_token, r.refresh_token])
    .filter((x): x is string => typeof x === 'string');
}
