/**
 * Proves the signed request client speaks Slack's wire format: the documented signing vector,
 * Slack's field layout, and a round trip through a real Bolt app (HTTP mode) that talks to
 * the fake Web API.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { App, verifySlackRequest, type Logger, LogLevel } from '@slack/bolt';
import { FakeSlack } from './fakeSlack';
import { signRequest, SlackRequester } from './slackRequests';

const SECRET = 'test-signing-secret';

describe('signRequest', () => {
  it("matches the worked example in Slack's 'Verifying requests from Slack'", () => {
    // docs.slack.dev/authentication/verifying-requests-from-slack
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
      '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });
});

/** A bare HTTP server that records what the requester sends. */
interface Captured {
  headers: IncomingHttpHeaders;
  body: string;
}
async function startCapture(): Promise<{ server: Server; baseUrl: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"seen":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('SlackRequester wire format', () => {
  let capture: Awaited<ReturnType<typeof startCapture>>;
  let requester: SlackRequester;

  beforeAll(async () => {
    capture = await startCapture();
    requester = new SlackRequester({ baseUrl: capture.baseUrl, signingSecret: SECRET, teamId: 'T0001' });
  });
  afterAll(() => new Promise<void>((resolve) => capture.server.close(() => resolve())));

  const last = (): Captured => capture.requests[capture.requests.length - 1] as Captured;
  const verify = (c: Captured): void =>
    verifySlackRequest({
      signingSecret: SECRET,
      body: c.body,
      headers: {
        'x-slack-signature': String(c.headers['x-slack-signature']),
        'x-slack-request-timestamp': Number(c.headers['x-slack-request-timestamp']),
      },
    });

  it('sends slash commands form-encoded with Slack fields, signed', async () => {
    const res = await requester.command({ text: 'to @bob fix the build', userId: 'U0ALICE', triggerId: '1.2.abc' });
    expect(res).toMatchObject({ status: 200, json: { seen: true } });
    expect(res.ms).toBeGreaterThan(0);
    const sent = last();
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(() => verify(sent)).not.toThrow();
    const form = parseQuery(sent.body);
    expect(Object.keys(form)).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(form).toMatchObject({ command: '/handoff', text: 'to @bob fix the build', user_id: 'U0ALICE', channel_id: 'C0GENERAL', trigger_id: '1.2.abc' });
  });

  it('sends interactions as payload=<json> and events as JSON with retry headers', async () => {
    await requester.interaction(requester.blockAction({ userId: 'U0BOB', actionId: 'approve', value: 'h-1' }));
    const payload = JSON.parse(String(parseQuery(last().body).payload)) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'block_actions', user: { id: 'U0BOB' }, actions: [{ action_id: 'approve', value: 'h-1', type: 'button' }] });
    expect(payload.container).toMatchObject({ type: 'message', channel_id: 'C0GENERAL' });
    expect(() => verify(last())).not.toThrow();

    await requester.event({ type: 'app_mention', user: 'U0BOB', text: 'hi', ts: '1.000001', channel: 'C0GENERAL' }, { eventId: 'Ev1', retryNum: 2, retryReason: 'http_timeout' });
    const sent = last();
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-slack-retry-num']).toBe('2');
    expect(sent.headers['x-slack-retry-reason']).toBe('http_timeout');
    expect(JSON.parse(sent.body)).toMatchObject({
      type: 'event_callback',
      team_id: 'T0001',
      event_id: 'Ev1',
      event: { type: 'app_mention' },
      authorizations: [{ team_id: 'T0001', user_id: 'UBOT', is_bot: true }],
    });
  });

  it('lets a test override the signature and timestamp', async () => {
    await requester.raw('{}', { contentType: 'application/json', signature: 'v0=bad', timestamp: 42 });
    expect(last().headers).toMatchObject({ 'x-slack-signature': 'v0=bad', 'x-slack-request-timestamp': '42' });
    await requester.urlVerification('abc', { timestamp: 1000 });
    expect(last().headers['x-slack-signature']).toBe(signRequest(SECRET, last().body, 1000));
  });
});

describe('round trip through a real Bolt app', () => {
  let fake: FakeSlack;
  let app: App;
  let server: Server;
  let requester: SlackRequester;
  const boltErrors: unknown[] = [];
  const seen: Record<string, unknown> = {};

  // Bolt's logger: quiet, but errors are kept so a test can assert there were none.
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (...msgs: unknown[]) => void boltErrors.push(msgs),
    setLevel: () => undefined,
    getLevel: () => LogLevel.ERROR,
    setName: () => undefined,
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addUser({ id: 'U0ALICE', name: 'alice' });
    fake.addChannel({ id: 'C0GENERAL', name: 'general', members: ['U0ALICE'] });
    app = new App({
      token: fake.botToken,
      signingSecret: SECRET,
      logger,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    registerListeners(app, seen);
    server = (await app.start(0)) as Server;
    requester = new SlackRequester({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      signingSecret: SECRET,
      teamId: fake.teamId,
      issueTriggerId: (userId) => fake.issueTriggerId(userId),
      responseUrl: () => fake.responseUrl(),
    });
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });
  afterEach(() => expect(boltErrors).toEqual([]));

  it('answers url_verification with the challenge', async () => {
    const res = await requester.urlVerification('challenge-123');
    expect(res).toMatchObject({ status: 200, json: { challenge: 'challenge-123' } });
  });

  it('runs a slash command that opens a modal with its fresh trigger_id and responds', async () => {
    const res = await requester.command({ text: 'new', userId: 'U0ALICE' });
    expect(res.status).toBe(200);
    const open = await fake.waitFor('views.open');
    expect(open.response).toMatchObject({ ok: true, view: { callback_id: 'new_handoff' } });
    const responded = await fake.waitFor('response_url');
    expect(responded.args).toMatchObject({ text: 'Opening…' });
  });

  it('delivers events with retry info and lets the app post', async () => {
    const res = await requester.event(
      { type: 'app_mention', user: 'U0ALICE', text: '<@UBOT> hi', ts: '1700000000.000900', channel: 'C0GENERAL' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect(res.status).toBe(200);
    const post = await fake.waitFor('chat.postMessage');
    expect(post.args).toMatchObject({ channel: 'C0GENERAL', text: 'hello <@U0ALICE>' });
    expect(seen.retryNum).toBe(1);
  });

  it('routes block actions, view submissions and message shortcuts', async () => {
    await requester.interaction(requester.blockAction({ userId: 'U0ALICE', actionId: 'approve', value: 'h-7' }));
    expect(seen.action).toBe('h-7');

    const res = await requester.interaction(
      requester.viewSubmission({ userId: 'U0ALICE', callbackId: 'new_handoff', privateMetadata: '{"id":1}', values: { note: { text: 'x' } } }),
    );
    expect(res.json).toEqual({ response_action: 'errors', errors: { note: 'Too short' } });
    expect(seen.submission).toEqual({ metadata: '{"id":1}', note: 'x' });

    await requester.interaction(
      requester.messageShortcut({
        userId: 'U0ALICE',
        callbackId: 'handoff_message',
        channelId: 'C0GENERAL',
        message: { ts: '1700000000.000500', text: 'ship it', user: 'U0ALICE' },
      }),
    );
    expect(seen.shortcut).toBe('ship it');
  });

  it('rejects bad signatures and stale timestamps with 401', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'x' });
    expect((await requester.raw(body, { contentType: 'application/json', signature: 'v0=deadbeef' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await requester.raw(body, { contentType: 'application/json', timestamp: stale })).status).toBe(401);
  });
});

/** A minimal app exercising each kind of request the requester can send. */
function registerListeners(app: App, seen: Record<string, unknown>): void {
  app.command('/handoff', async ({ ack, body, client, respond }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: { type: 'modal', callback_id: 'new_handoff', title: { type: 'plain_text', text: 'New handoff' }, blocks: [{ type: 'divider' }] },
    });
    await respond({ text: 'Opening…' });
  });
  app.event('app_mention', async ({ event, say, context }) => {
    seen.retryNum = context.retryNum;
    await say({ text: `hello <@${event.user}>` });
  });
  // Listeners record before ack(): the HTTP response goes out on ack, and the test reads `seen` right after.
  app.action('approve', async ({ ack, action }) => {
    seen.action = action.type === 'button' ? action.value : undefined;
    await ack();
  });
  app.view('new_handoff', async ({ ack, view }) => {
    seen.submission = { metadata: view.private_metadata, note: view.state.values.note?.text?.value };
    await ack({ response_action: 'errors', errors: { note: 'Too short' } });
  });
  app.shortcut('handoff_message', async ({ ack, shortcut }) => {
    seen.shortcut = shortcut.type === 'message_action' ? shortcut.message.text : undefined;
    await ack();
  });
}
