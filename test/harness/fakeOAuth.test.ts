/**
 * The fake Slack's OAuth side behaves like Slack's for the real WebClient: installs through the
 * authorize page and oauth.v2.access (workspace and org-wide), single-use codes and refresh tokens,
 * expiring rotating tokens, and tokens that answer and reach only for their own installation.
 */
import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { FakeSlack } from './fakeSlack';
import type { FakeInstallTarget } from './fakeOAuth';

const APP = { clientId: '1111.2222', clientSecret: 'abcdef0123456789' };

async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof WebAPIPlatformError) return err.data.error;
    throw err;
  }
  throw new Error('expected the call to fail');
}

let fake: FakeSlack;
const noToken = () => new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
const as = (token: string) => new WebClient(token, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });

/** Approves an install in the browser; returns the redirect back to the app. */
function approve(target: FakeInstallTarget, state = 'st4te'): URL {
  fake.oauth.approveNextInstall(target);
  const answer = fake.oauth.authorize(new URL(`${fake.url}../oauth/v2/authorize?client_id=${APP.clientId}&scope=chat:write,users:read&state=${state}`));
  expect(answer.status).toBe(302);
  return new URL(answer.location!);
}

beforeEach(async () => {
  fake = await FakeSlack.start();
  fake.oauth.app = { ...APP, redirectUri: 'https://app.example/slack/oauth_redirect' };
  fake.oauth.addEnterprise({ enterpriseId: 'E1', name: 'Org', domain: 'org' });
  fake.oauth.addWorkspace({ teamId: 'T1', name: 'One', domain: 'one' });
  fake.oauth.addWorkspace({ teamId: 'T2', name: 'Two', enterpriseId: 'E1' });
  fake.oauth.addWorkspace({ teamId: 'T3', name: 'Three', enterpriseId: 'E1' });
  fake.addUser({ id: 'U1', team_id: 'T1' });
  fake.addUser({ id: 'W2', team_id: 'T2' });
  fake.addUser({ id: 'W3', team_id: 'T3' });
});
afterEach(async () => fake.close());

describe('fake OAuth', () => {
  it('redirects an approval to the app with a code and the state, a cancel with access_denied', () => {
    const back = approve({ teamId: 'T1' });
    expect(back.origin + back.pathname).toBe('https://app.example/slack/oauth_redirect');
    expect(back.searchParams.get('state')).toBe('st4te');
    expect(back.searchParams.get('code')).toMatch(/^code-/);
    const cancelled = approve({ deny: true });
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expect(fake.oauth.authorize(new URL(`${fake.url}../oauth/v2/authorize?client_id=nope`)).status).toBe(400);
  });

  it('exchanges a code once for a workspace bot token that answers as that workspace', async () => {
    const code = approve({ teamId: 'T1', userId: 'U1' }).searchParams.get('code')!;
    const r = await noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code });
    expect(r).toMatchObject({
      ok: true,
      token_type: 'bot',
      bot_user_id: 'UBOTT1',
      team: { id: 'T1', name: 'One' },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: { id: 'U1' },
    });
    expect(r.refresh_token).toBeUndefined();
    expect(await slackError(noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code }))).toBe('invalid_code');
    expect(await as(r.access_token!).auth.test()).toMatchObject({ team_id: 'T1', user_id: 'UBOTT1', bot_id: 'BT1', url: 'https://one.slack.com/', is_enterprise_install: false });
    expect(await slackError(noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: 'wrong', code: 'x' }))).toBe('bad_client_secret');
    expect(await slackError(noToken().oauth.v2.access({ client_id: 'nope', client_secret: APP.clientSecret, code: 'x' }))).toBe('invalid_client_id');
  });

  it('an org-wide install: one token for every workspace of the org, naming the one it acts in', async () => {
    const code = approve({ enterpriseId: 'E1', orgWide: true }).searchParams.get('code')!;
    const r = await noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code });
    expect(r).toMatchObject({ team: null, enterprise: { id: 'E1', name: 'Org' }, is_enterprise_install: true, bot_user_id: 'WBOTE1' });
    const org = as(r.access_token!);
    expect(await org.auth.test()).toMatchObject({ team_id: '', enterprise_id: 'E1', url: 'https://org.enterprise.slack.com/', is_enterprise_install: true });
    expect(await org.auth.test({ team_id: 'T3' } as never)).toMatchObject({ team_id: 'T3' });
    expect((await org.users.info({ user: 'W2' })).user?.id).toBe('W2');
    expect(await slackError(org.users.info({ user: 'U1' }))).toBe('user_not_found');
  });

  it('a workspace token reaches its own people only; the fake’s own token, as before, everyone', async () => {
    const code = approve({ teamId: 'T1' }).searchParams.get('code')!;
    const one = as((await noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code })).access_token!);
    expect(await slackError(one.users.info({ user: 'W2' }))).toBe('user_not_found');
    expect(await slackError(one.chat.postMessage({ channel: 'W2', text: 'hi' }))).toBe('channel_not_found');
    const posted = await one.chat.postMessage({ channel: 'U1', text: 'hi' });
    expect(fake.messagesIn('U1').find((m) => m.ts === posted.ts)).toMatchObject({ user: 'UBOTT1', bot_id: 'BT1', team: 'T1' });
    expect(fake.callsTo('chat.postMessage').at(-1)).toMatchObject({ team: 'T1' });
    expect((await as(fake.botToken).users.info({ user: 'W2' })).ok).toBe(true);
    expect(await slackError(as('xoxb-unknown').auth.test())).toBe('invalid_auth');
  });

  it('token rotation: tokens expire; a refresh token works once and yields a new pair', async () => {
    fake.oauth.app = { ...fake.oauth.app!, tokenExpiresInSec: 43200 };
    const code = approve({ teamId: 'T1' }).searchParams.get('code')!;
    const r = await noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, code });
    expect(r.expires_in).toBe(43200);
    expect(r.access_token).toMatch(/^xoxe\.xoxb-/);
    expect(r.refresh_token).toMatch(/^xoxe-1-/);
    const refresh = () => noToken().oauth.v2.access({ client_id: APP.clientId, client_secret: APP.clientSecret, grant_type: 'refresh_token', refresh_token: r.refresh_token! });
    const next = await refresh();
    expect(next).toMatchObject({ ok: true, token_type: 'bot', expires_in: 43200, team: { id: 'T1' } });
    expect(next.refresh_token).not.toBe(r.refresh_token);
    expect(await slackError(refresh())).toBe('invalid_refresh_token');
    expect(fake.oauth.refreshCount).toBe(1);
    const start = fake.now();
    fake.now = () => start + 43200 * 1000;
    expect(await slackError(as(next.access_token!).auth.test())).toBe('token_expired');
  });
});
