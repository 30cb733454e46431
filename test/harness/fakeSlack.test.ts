/**
 * Proves the fake Slack Web API behaves like Slack for the real @slack/web-api WebClient,
 * and that the Block Kit validator enforces the documented limits.
 */
import { ErrorCode, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { silentSlackLogger } from './silentSlackLogger';
import type { AnyBlock, ModalView, SectionBlock } from '@slack/types';
import { FakeSlack } from './fakeSlack';
import { validateSurface } from './blockKit';

function clientFor(fake: FakeSlack, token = fake.botToken, timeout = 0): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silentSlackLogger,
    timeout,
  });
}

/** The Slack error name of a rejected call, or a failure if it did not reject that way. */
async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof WebAPIPlatformError) return err.data.error;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const section = (text: string): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const sections = (n: number): AnyBlock[] => Array.from({ length: n }, (_, i) => section(`line ${i}`));
const modal = (overrides: Partial<ModalView> = {}): ModalView => ({
  type: 'modal',
  title: { type: 'plain_text', text: 'New handoff' },
  blocks: [section('hello')],
  ...overrides,
});

let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.addUser({ id: 'U0ALICE', name: 'alice', real_name: 'Alice Liddell', tz: 'Europe/Berlin' });
  fake.addUser({ id: 'U0BOB', name: 'bob' });
  fake.addUser({ id: 'U0GONE', name: 'gone', deleted: true });
  fake.addUser({ id: 'U0OTHERBOT', name: 'otherbot', is_bot: true });
  fake.addChannel({ id: 'C0GENERAL', name: 'general', members: ['U0ALICE', 'U0BOB'] });
  fake.addChannel({ id: 'C0OUTSIDE', name: 'outside', members: ['U0ALICE'], botIsMember: false });
  client = clientFor(fake);
});

describe('auth and users', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'UBOT', team_id: 'T0001', bot_id: 'B0001', url: 'https://example.slack.com/' });
  });

  it('answers users.info with time zone fields', async () => {
    const res = await client.users.info({ user: 'U0ALICE' });
    expect(res.user).toMatchObject({
      id: 'U0ALICE',
      tz: 'Europe/Berlin',
      is_bot: false,
      deleted: false,
      profile: { real_name: 'Alice Liddell', display_name: 'alice' },
    });
    expect([3600, 7200]).toContain(res.user?.tz_offset); // CET or CEST depending on the date
    expect(res.user?.tz_label).toMatch(/Central European/);
    expect((await client.users.info({ user: 'U0BOB' })).user?.tz).toBe('America/Los_Angeles');
  });

  it('refuses unknown users, tokens and revoked tokens', async () => {
    expect(await slackError(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    expect(await slackError(clientFor(fake, 'xoxb-wrong').auth.test())).toBe('invalid_auth');
    fake.revokeToken();
    expect(await slackError(client.auth.test())).toBe('token_revoked');
  });

  it('answers unknown methods with unknown_method', async () => {
    expect(await slackError(client.apiCall('handoff.nope'))).toBe('unknown_method');
  });
});

describe('conversations', () => {
  it('opens a deterministic DM per user and refuses bots and deactivated users', async () => {
    const res = await client.conversations.open({ users: 'U0ALICE' });
    expect(res.channel?.id).toBe(fake.dmChannelFor('U0ALICE'));
    expect(res.channel?.id).toMatch(/^D/);
    expect(await slackError(client.conversations.open({ users: 'UBOT' }))).toBe('cannot_dm_bot');
    expect(await slackError(client.conversations.open({ users: 'U0GONE' }))).toBe('user_disabled');
    expect(await slackError(client.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');
  });

  it('describes channels and DMs', async () => {
    expect((await client.conversations.info({ channel: 'C0GENERAL' })).channel).toMatchObject({ id: 'C0GENERAL', name: 'general', is_member: true });
    const dm = fake.dmChannelFor('U0BOB');
    expect((await client.conversations.info({ channel: dm })).channel).toMatchObject({ id: dm, is_im: true, user: 'U0BOB' });
    expect(await slackError(client.conversations.info({ channel: 'C0NOPE' }))).toBe('channel_not_found');
  });

  it('round-trips message metadata through conversations.history only when asked', async () => {
    const metadata = { event_type: 'handoff_created', event_payload: { handoff_id: 'h-1', priority: 2 } };
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'handoff', metadata });
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'later' });

    const withMeta = await client.conversations.history({ channel: 'C0GENERAL', include_all_metadata: true });
    expect(withMeta.messages?.map((m) => m.text)).toEqual(['later', 'handoff']); // newest first
    expect(withMeta.messages?.[1]?.metadata).toEqual(metadata);

    const without = await client.conversations.history({ channel: 'C0GENERAL' });
    expect(without.messages?.[1]?.metadata).toBeUndefined();
  });

  it('pages history with limit, cursor and oldest', async () => {
    const posted = [];
    for (let i = 0; i < 5; i++) posted.push((await client.chat.postMessage({ channel: 'C0GENERAL', text: `m${i}` })).ts as string);
    const first = await client.conversations.history({ channel: 'C0GENERAL', limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({ channel: 'C0GENERAL', limit: 2, cursor: first.response_metadata?.next_cursor });
    expect(second.messages?.map((m) => m.text)).toEqual(['m2', 'm1']);
    const recent = await client.conversations.history({ channel: 'C0GENERAL', oldest: posted[2] });
    expect(recent.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(posted).toEqual([...posted].sort());
    expect(posted[0]).toMatch(/^1700000000\.\d{6}$/);
  });

  it('keeps thread replies out of history and in conversations.replies', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'parent' });
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'reply', thread_ts: parent.ts });
    const history = await client.conversations.history({ channel: 'C0GENERAL' });
    expect(history.messages?.map((m) => m.text)).toEqual(['parent']);
    expect(history.messages?.[0]?.reply_count).toBe(1);
    const replies = await client.conversations.replies({ channel: 'C0GENERAL', ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
  });
});

describe('chat.postMessage', () => {
  it('posts to a user id through the bot DM', async () => {
    const res = await client.chat.postMessage({ channel: 'U0ALICE', text: 'hi alice' });
    expect(res.channel).toBe(fake.dmChannelFor('U0ALICE'));
    expect(res.message).toMatchObject({ text: 'hi alice', bot_id: 'B0001', user: 'UBOT', ts: res.ts });
    expect(fake.messagesIn('U0ALICE').map((m) => m.text)).toEqual(['hi alice']);
  });

  it('refuses bots, deactivated users, unknown targets and channels the bot is not in', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'U0OTHERBOT', text: 'x' }))).toBe('cannot_dm_bot');
    expect(await slackError(client.chat.postMessage({ channel: 'U0GONE', text: 'x' }))).toBe('account_inactive');
    expect(await slackError(client.chat.postMessage({ channel: 'U0NOBODY', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'C0OUTSIDE', text: 'x' }))).toBe('not_in_channel');
  });

  it('checks content: no_text, msg_too_long', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: '' }))).toBe('no_text');
    expect(await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x'.repeat(40001) }))).toBe('msg_too_long');
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x'.repeat(40000) })).resolves.toMatchObject({ ok: true });
  });

  it('accepts 50 blocks and rejects 51 with invalid_blocks and Slack-style messages', async () => {
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'ok', blocks: sections(50) })).resolves.toMatchObject({ ok: true });
    const err = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'too many', blocks: sections(51) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    const data = (err as WebAPIPlatformError).data;
    expect(data.error).toBe('invalid_blocks');
    expect(data.response_metadata?.messages).toEqual(['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);
  });

  it('rejects a section text of 3001 characters', async () => {
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'ok', blocks: [section('x'.repeat(3000))] })).resolves.toMatchObject({ ok: true });
    expect(await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'long', blocks: [section('x'.repeat(3001))] }))).toBe('invalid_blocks');
  });
});

describe('other chat methods', () => {
  it('posts ephemerals only to channel members', async () => {
    const res = await client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0BOB', text: 'psst' });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.ephemerals).toMatchObject([{ channel: 'C0GENERAL', user: 'U0BOB', text: 'psst' }]);
    fake.addUser({ id: 'U0CAROL' });
    expect(await slackError(client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0CAROL', text: 'x' }))).toBe('user_not_in_channel');
  });

  it('updates only existing bot messages', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'v1' });
    const updated = await client.chat.update({ channel: 'C0GENERAL', ts: posted.ts as string, text: 'v2' });
    expect(updated.message?.text).toBe('v2');
    expect(fake.messagesIn('C0GENERAL')[0]?.text).toBe('v2');
    expect(await slackError(client.chat.update({ channel: 'C0GENERAL', ts: '1.000001', text: 'x' }))).toBe('message_not_found');
    const human = fake.addMessage('C0GENERAL', { user: 'U0ALICE', text: 'mine' });
    expect(await slackError(client.chat.update({ channel: 'C0GENERAL', ts: human.ts, text: 'x' }))).toBe('cant_update_message');
  });

  it('builds permalinks', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'link me' });
    const res = await client.chat.getPermalink({ channel: 'C0GENERAL', message_ts: posted.ts as string });
    expect(res.permalink).toBe(`https://example.slack.com/archives/C0GENERAL/p${(posted.ts as string).replace('.', '')}`);
  });
});

describe('views', () => {
  it('opens a modal with a fresh trigger, once', async () => {
    const trigger = fake.issueTriggerId('U0ALICE');
    const res = await client.views.open({ trigger_id: trigger, view: modal({ callback_id: 'new_handoff', private_metadata: '{"a":1}' }) });
    expect(res.view).toMatchObject({ type: 'modal', callback_id: 'new_handoff', private_metadata: '{"a":1}', team_id: 'T0001' });
    expect(res.view?.id).toMatch(/^V/);
    expect(fake.getView(res.view?.id as string)?.user).toBe('U0ALICE');
    expect(await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).toBe('exchanged_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: '123.456.abc', view: modal() }))).toBe('invalid_trigger_id');
  });

  it('rejects a trigger older than 3 seconds', async () => {
    const trigger = fake.issueTriggerId('U0ALICE');
    const issued = Date.now();
    fake.now = () => issued + 4000;
    expect(await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).toBe('expired_trigger_id');
  });

  it('enforces modal limits: 100 blocks, title of 24', async () => {
    await expect(client.views.open({ trigger_id: fake.issueTriggerId(), view: modal({ blocks: sections(100) }) })).resolves.toMatchObject({ ok: true });
    expect(await slackError(client.views.open({ trigger_id: fake.issueTriggerId(), view: modal({ blocks: sections(101) }) }))).toBe('invalid_arguments');
    const title = { type: 'plain_text' as const, text: 'x'.repeat(25) };
    const err = await client.views.open({ trigger_id: fake.issueTriggerId(), view: modal({ title }) }).catch((e: unknown) => e);
    expect((err as WebAPIPlatformError).data.response_metadata?.messages).toEqual(['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]']);
  });

  it('updates by id or external_id and detects hash conflicts', async () => {
    const opened = await client.views.open({ trigger_id: fake.issueTriggerId('U0BOB'), view: modal({ external_id: 'draft-1' }) });
    const view = opened.view as { id: string; hash: string };
    const updated = await client.views.update({ view_id: view.id, hash: view.hash, view: modal({ callback_id: 'step2' }) });
    expect(updated.view).toMatchObject({ id: view.id, callback_id: 'step2', external_id: 'draft-1' });
    expect(await slackError(client.views.update({ view_id: view.id, hash: view.hash, view: modal() }))).toBe('hash_conflict');
    await expect(client.views.update({ external_id: 'draft-1', view: modal() })).resolves.toMatchObject({ ok: true });
    expect(await slackError(client.views.update({ view_id: 'V404', view: modal() }))).toBe('not_found');
  });

  it('pushes up to three views on a stack', async () => {
    await client.views.open({ trigger_id: fake.issueTriggerId('U0BOB'), view: modal() });
    await client.views.push({ trigger_id: fake.issueTriggerId('U0BOB'), view: modal() });
    const third = await client.views.push({ trigger_id: fake.issueTriggerId('U0BOB'), view: modal() });
    expect(third.view?.previous_view_id).toMatch(/^V/);
    expect(await slackError(client.views.push({ trigger_id: fake.issueTriggerId('U0BOB'), view: modal() }))).toBe('push_limit_reached');
  });

  it('publishes Home tabs of up to 100 blocks', async () => {
    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: sections(100) } });
    expect(fake.homeViewFor('U0ALICE')?.view.blocks).toHaveLength(100);
    expect(await slackError(client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: sections(101) } }))).toBe('invalid_arguments');
  });
});

describe('recording', () => {
  it('records calls with parsed args and waits for future ones', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0GENERAL');
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'hello', blocks: [section('hi')] });
    const call = await waiting;
    expect(call.args.blocks).toEqual([section('hi')]); // JSON-decoded from the form body
    expect(call.response).toMatchObject({ ok: true, channel: 'C0GENERAL' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(/timed out/);
    fake.clearCalls();
    expect(fake.calls).toHaveLength(0);
  });

  it('tells clients with their own base URL (…/via/<tag>/api/) apart', async () => {
    const replica = new WebClient(fake.botToken, { slackApiUrl: fake.url.replace(/api\/$/, 'via/r2/api/'), retryConfig: { retries: 0 }, logger: silentSlackLogger });
    await replica.chat.postMessage({ channel: 'C0GENERAL', text: 'from r2' });
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'from the plain URL' });
    expect(fake.callsTo('chat.postMessage').map((c) => [c.args.text, c.via])).toEqual([
      ['from r2', 'r2'],
      ['from the plain URL', undefined],
    ]);
    expect(fake.messagesIn('C0GENERAL')).toHaveLength(2);
  });

  it('serves response_urls and records what is posted to them', async () => {
    const url = fake.responseUrl();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'done' }) });
    expect(res.status).toBe(200);
    const call = await fake.waitFor('response_url');
    expect(call.args).toMatchObject({ text: 'done', response_url: url });
  });

  it('applies message limits to response_url posts', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const res = await fetch(fake.responseUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x', blocks }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });
});

describe('fault injection', () => {
  it('rate limits with 429 and Retry-After, which WebClient surfaces', async () => {
    fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 7 });
    const err = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).code).toBe(ErrorCode.RateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ status: 429, response: { ok: false, error: 'ratelimited' } });
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).resolves.toMatchObject({ ok: true }); // times: 1

    fake.rateLimit({ retryAfterSec: 2 });
    const raw = await fetch(`${fake.url}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${fake.botToken}` } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('2');
  });

  it('fails the next calls with an HTTP status or a platform error', async () => {
    fake.failNext('chat.postMessage', { status: 503 });
    const err = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIHTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(503);
    fake.failNext('chat.postMessage', { error: 'fatal_error', times: 2 });
    expect(await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }))).toBe('fatal_error');
    expect(await slackError(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }))).toBe('fatal_error');
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('delays responses so client timeouts can be tested', async () => {
    fake.delay('users.info', 300);
    const started = Date.now();
    await client.users.info({ user: 'U0BOB' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    await expect(clientFor(fake, fake.botToken, 50).users.info({ user: 'U0BOB' })).rejects.toMatchObject({ code: ErrorCode.RequestError });
    fake.delay('users.info', 0);
  });

  it('limits calls per second in a sliding window', async () => {
    fake.setRateLimitPerSecond('chat.postMessage', 3);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as WebAPIRateLimitedError).retryAfter)).toEqual([1, 1]);
  });

  it('counts the busiest second of calls from every client together, refused ones included', async () => {
    expect(fake.busiestSecond('chat.postMessage')).toBe(0);
    fake.setRateLimitPerSecond('chat.postMessage', 2);
    const other = clientFor(fake);
    await Promise.allSettled([client, other, client].map((c) => c.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })));
    expect(
      fake
        .callsTo('chat.postMessage')
        .map((c) => c.status)
        .sort(),
    ).toEqual([200, 200, 429]);
    expect(fake.busiestSecond('chat.postMessage')).toBe(3);
    // Calls a second or more apart are not in one window.
    fake.calls.forEach((c, i) => (c.at = i * 1000));
    expect(fake.busiestSecond('chat.postMessage')).toBe(1);
  });

  it('limits calls per conversation per second without touching other conversations', async () => {
    fake.setChannelRateLimitPerSecond('chat.postMessage', 2);
    // A user id and their DM id are one conversation.
    const dm = fake.dmChannelFor('U0BOB');
    const toBob = await Promise.allSettled([
      client.chat.postMessage({ channel: 'U0BOB', text: 'x' }),
      client.chat.postMessage({ channel: dm, text: 'x' }),
      client.chat.postMessage({ channel: 'U0BOB', text: 'x' }),
    ]);
    expect(toBob.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).resolves.toMatchObject({ ok: true });
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('rate limits one conversation on request, leaving the others alone', async () => {
    fake.rateLimit({ method: 'chat.postMessage', channel: 'U0BOB', retryAfterSec: 3, times: 2 });
    await expect(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).resolves.toMatchObject({ ok: true });
    const err = await client.chat.postMessage({ channel: fake.dmChannelFor('U0BOB'), text: 'x' }).catch((e: unknown) => e);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(3);
    expect(await client.chat.postMessage({ channel: 'U0BOB', text: 'x' }).catch((e: unknown) => (e as WebAPIRateLimitedError).retryAfter)).toBe(3);
    await expect(client.chat.postMessage({ channel: 'U0BOB', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('takes a latency function, asked on every call', async () => {
    const latencies = [200, 0];
    fake.delay('users.info', () => latencies.shift() ?? 0);
    const started = Date.now();
    await client.users.info({ user: 'U0BOB' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(latencies).toEqual([0]);
    fake.delay('users.info', 0);
  });
});

describe('validateSurface', () => {
  it('accepts a typical message and modal', () => {
    expect(validateSurface('message', [section('hi'), { type: 'divider' }])).toEqual([]);
    expect(
      validateSurface(
        'modal',
        modal({
          submit: { type: 'plain_text', text: 'Save' },
          blocks: [{ type: 'input', block_id: 'note', label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'v', max_length: 3000 } }],
        }),
      ),
    ).toEqual([]);
  });

  it('reports limits with json pointers', () => {
    const errors = validateSurface('message', [
      { type: 'header', text: { type: 'mrkdwn', text: 'x'.repeat(151) } } as unknown as AnyBlock, // headers must be plain_text
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
      { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'c' })) },
      {
        type: 'actions',
        block_id: 'b'.repeat(256),
        elements: [
          { type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'x'.repeat(76) }, value: 'v'.repeat(2001) },
          { type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'ok' }, url: `https://${'u'.repeat(3000)}` },
        ],
      },
    ]);
    expect(errors).toEqual([
      '[ERROR] must be one of [plain_text] [json-pointer:/blocks/0/text/type]',
      '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] no more than 10 items allowed [json-pointer:/blocks/1/fields]',
      '[ERROR] no more than 10 items allowed [json-pointer:/blocks/2/elements]',
      '[ERROR] must be less than 256 characters [json-pointer:/blocks/3/block_id]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/3/elements/0/text/text]',
      '[ERROR] must be less than 2001 characters [json-pointer:/blocks/3/elements/0/value]',
      '[ERROR] duplicate action_id "go" in block [json-pointer:/blocks/3/elements/1/action_id]',
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/3/elements/1/url]',
    ]);
  });

  it('checks options, inputs, duplicate block_ids and unknown types', () => {
    const option = (text: string, value: string) => ({ text: { type: 'plain_text' as const, text }, value });
    const errors = validateSurface('modal', {
      type: 'modal',
      title: { type: 'plain_text', text: 'T' },
      close: { type: 'plain_text', text: 'c'.repeat(25) },
      callback_id: 'c'.repeat(256),
      private_metadata: 'p'.repeat(3001),
      blocks: [
        {
          type: 'input',
          block_id: 'same',
          label: { type: 'plain_text', text: 'l'.repeat(2001) },
          element: { type: 'plain_text_input', action_id: 'a', max_length: 3001, placeholder: { type: 'plain_text', text: 'p'.repeat(151) } },
        },
        {
          type: 'section',
          block_id: 'same',
          text: { type: 'mrkdwn', text: 'pick' },
          accessory: {
            type: 'static_select',
            action_id: 's',
            options: [option('o'.repeat(76), 'v'.repeat(151)), ...Array.from({ length: 100 }, (_, i) => option(`o${i}`, `v${i}`))],
          },
        },
        { type: 'carousel_of_doom' } as unknown as AnyBlock,
      ],
    });
    expect(errors).toEqual([
      '[ERROR] must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]',
      '[ERROR] must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]',
      '[ERROR] must be a number no greater than 3000 [json-pointer:/view/blocks/0/element/max_length]',
      '[ERROR] duplicate block_id "same" [json-pointer:/view/blocks/1/block_id]',
      '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks/1/accessory/options]',
      '[ERROR] must be less than 76 characters [json-pointer:/view/blocks/1/accessory/options/0/text/text]',
      '[ERROR] must be less than 151 characters [json-pointer:/view/blocks/1/accessory/options/0/value]',
      '[ERROR] unsupported block type "carousel_of_doom" [json-pointer:/view/blocks/2/type]',
      '[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]',
      '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
      '[ERROR] must be less than 25 characters [json-pointer:/view/close/text]',
      '[ERROR] submit is required when an input block is present [json-pointer:/view/submit]',
    ]);
  });
});
