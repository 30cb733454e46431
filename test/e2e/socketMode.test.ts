/**
 * Socket Mode end to end: the real app with SLACK_APP_TOKEN set opens its connection to the fake Slack
 * (apps.connections.open → WebSocket → hello), and every kind of traffic arrives as an envelope and is
 * acked over the socket within Slack's 3 seconds. Slack's refresh and an abrupt drop are survived,
 * and logged; /readyz follows the connection while /healthz stays about the process.
 */
import { randomUUID } from 'node:crypto';
import { CallbackIds } from '../../src/ids';
import { recordDeflectionOutcomes } from '../harness/deflectionOutcomes';
import { FakeSlack } from '../harness/fakeSlack';
import { eventually, startTestApp, TEAM, TEST_BOT_TOKEN, type TestApp } from '../harness/testApp';

/** Slack's contract: an envelope not acked within 3 seconds counts as failed and is retried. */
const SLACK_ACK_BUDGET_MS = 3000;
/** @slack/socket-mode 3.1 waits its 5 s ping timeout before reconnecting; allow for a busy machine. */
const RECONNECT_WAIT_MS = 30_000;

let t: TestApp;
let outcomes: string[];

async function start(fake?: FakeSlack): Promise<void> {
  t = await startTestApp({ socketMode: true, fake });
  t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: 'U0RAJ', name: 'raj', tz: 'Europe/Lisbon' });
  t.fake.addChannel({ id: 'C0ENG', name: 'eng', members: ['U0ANA', 'U0RAJ'] });
  outcomes = recordDeflectionOutcomes(t);
}

const readyz = async (): Promise<{ status: number; body: { status: string; slack: { ready: boolean; mode: string; reason?: string } } }> => {
  const res = await fetch(`http://127.0.0.1:${t.port}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
};

const logLines = (): { msg?: string; level?: number; [k: string]: unknown }[] =>
  t.logs.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as { msg?: string });

function meetingMessage(text: string): Record<string, unknown> {
  const stored = t.fake.addMessage('C0ENG', { user: 'U0ANA', text });
  return { type: 'message', channel: 'C0ENG', user: 'U0ANA', text, ts: stored.ts, event_ts: stored.ts, channel_type: 'channel', team: TEAM, client_msg_id: randomUUID() };
}

/** The envelope was acked, once, within Slack's budget. */
function expectAckedInTime(d: { envelope: { envelope_id: string }; ack: { at: number; sentAt: number } }): void {
  expect(t.fake.socketMode.acksOf(d.envelope.envelope_id)).toHaveLength(1);
  expect(d.ack.at - d.ack.sentAt).toBeLessThan(SLACK_ACK_BUDGET_MS);
}

/** Waits for the app's own "connected again" (its readiness), not merely the fake's accept. */
async function reconnected(): Promise<void> {
  await eventually(async () => expect((await t.handoff.readiness.check()).ready).toBe(true), RECONNECT_WAIT_MS);
}

afterEach(async () => t?.close());

describe('Socket Mode: the whole loop over the socket', () => {
  beforeEach(() => start());

  it('connects with the app-level token: apps.connections.open, WebSocket, hello; ready and healthy', async () => {
    const open = t.fake.callsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect((open[0]!.response as { url: string }).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\//);
    expect(t.fake.socketMode.openConnections).toBe(1);
    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', slack: { ready: true, mode: 'socket' } });
    expect((await fetch(`http://127.0.0.1:${t.port}/healthz`)).status).toBe(200);
    expect(logLines().some((l) => l.msg === 'Slack Socket Mode connected')).toBe(true);
    // The signing secret plays no part: there is no HTTP receiver for Slack traffic in Socket Mode.
    expect((await fetch(`http://127.0.0.1:${t.port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('acks a slash command envelope with its answer as the response payload', async () => {
    const d = await t.socket.command({ userId: 'U0ANA', text: 'help' });
    expectAckedInTime(d);
    expect(d.ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(String((d.ack.payload as { text: string }).text)).toContain('/handoff list');
  });

  it('an inline /handoff over the socket creates the handoff and tells the recipient', async () => {
    const d = await t.socket.command({ userId: 'U0ANA', text: '<@U0RAJ|raj> please review the deck' });
    expectAckedInTime(d);
    // Raj is at work in Lisbon at 12:00: he hears now, in a DM.
    await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'U0RAJ' || c.args.channel === t.fake.dmChannelFor('U0RAJ'));
    // The list is acked at once and rendered after, to the command's response_url.
    const responseUrl = t.fake.responseUrl();
    const list = await t.socket.command({ userId: 'U0RAJ', text: 'list', responseUrl });
    expectAckedInTime(list);
    const answer = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl);
    expect(answer.args).toMatchObject({ text: '1 waiting on you, 0 you’re waiting on.' });
    expect(JSON.stringify(answer.args)).toContain('please review the deck');
  });

  it('acks an interactive envelope (message shortcut) and opens the modal with its trigger', async () => {
    const d = await t.socket.interaction(
      t.socket.payloads.messageShortcut({
        userId: 'U0ANA',
        callbackId: CallbackIds.handThisOffShortcut,
        channelId: 'C0ENG',
        message: { ts: '1700000000.000200', user: 'U0RAJ', text: 'Can someone check the numbers?' },
      }),
    );
    expectAckedInTime(d);
    const open = await t.fake.waitFor('views.open');
    expect((open.response as { ok: boolean }).ok).toBe(true);
    expect(JSON.stringify(open.args.view)).toContain('Can someone check the numbers?');
  });

  it('acks an events_api envelope and acts on it; Slack’s retry of it (retry_attempt 1) acts once', async () => {
    const event = meetingMessage('can we hop on a call about the launch?');
    const first = await t.socket.event(event, { eventId: 'Ev0SOCKET' });
    expectAckedInTime(first);
    await eventually(() => expect(outcomes).toEqual(['prompted']));
    const retry = await t.socket.event(event, { eventId: 'Ev0SOCKET', retryAttempt: 1, retryReason: 'timeout' });
    expectAckedInTime(retry);
    await eventually(() => expect(outcomes).toEqual(['prompted', 'ignored: duplicate event']));
    expect(t.fake.ephemerals).toHaveLength(1);
  });
});

describe('Socket Mode: connection churn', () => {
  beforeEach(() => start());

  it('Slack’s disconnect (refresh_requested): reconnects on a new URL, logs it, and keeps working', async () => {
    t.fake.socketMode.requestRefresh('refresh_requested');
    await eventually(async () => expect((await t.handoff.readiness.check()).ready).toBe(false));
    await reconnected();
    expect(t.fake.callsTo('apps.connections.open')).toHaveLength(2);
    const d = await t.socket.command({ userId: 'U0ANA', text: 'help' });
    expectAckedInTime(d);
    const msgs = logLines().map((l) => l.msg);
    expect(msgs).toContain('Slack asked Socket Mode to reconnect; reconnecting');
    expect(msgs).toContain('Slack Socket Mode reconnected');
    expect(logLines().find((l) => l.msg === 'Slack asked Socket Mode to reconnect; reconnecting')).toMatchObject({ reason: 'refresh_requested', level: 30 });
  }, 60_000);

  it('an abrupt drop: /readyz goes 503 while /healthz stays 200, then it reconnects, logs it, and keeps working', async () => {
    t.fake.socketMode.dropAll();
    await eventually(async () => expect((await readyz()).status).toBe(503));
    const down = await readyz();
    expect(down.body.slack.reason).toMatch(/connection lost/);
    expect((await fetch(`http://127.0.0.1:${t.port}/healthz`)).status).toBe(200);
    expect(logLines().find((l) => l.msg === 'Slack Socket Mode connection lost; reconnecting')).toMatchObject({ level: 40 });
    await reconnected();
    expect((await readyz()).status).toBe(200);
    const event = meetingMessage('quick call to sync?');
    const d = await t.socket.event(event);
    expectAckedInTime(d);
    await eventually(() => expect(outcomes).toEqual(['prompted']));
    expect(logLines().find((l) => l.msg === 'Slack Socket Mode reconnected')).toMatchObject({ reconnects: 1 });
  }, 60_000);
});

describe('Socket Mode: an app-level token Slack refuses', () => {
  it('while running (the token lost connections:write): /readyz 503 naming SLACK_APP_TOKEN, /healthz 200, one error line', async () => {
    await start();
    t.fake.appTokenScopes = [];
    t.fake.socketMode.dropAll();
    await eventually(async () => expect((await readyz()).body.slack.reason).toMatch(/^SLACK_APP_TOKEN lacks the connections:write scope/), RECONNECT_WAIT_MS);
    expect((await readyz()).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${t.port}/healthz`)).status).toBe(200);
    const refusals = logLines().filter((l) => String(l.msg).startsWith('SLACK_APP_TOKEN lacks'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 50, error: 'missing_scope' });
  }, 60_000);

  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await FakeSlack.start({ botToken: TEST_BOT_TOKEN, teamId: TEAM });
  });
  afterEach(async () => fake.close());

  it.each([
    ['missing connections:write', (f: FakeSlack) => (f.appTokenScopes = ['authorizations:read']), /SLACK_APP_TOKEN lacks the connections:write scope \(missing_scope\)/],
    ['revoked or wrong', (f: FakeSlack) => f.failNext('apps.connections.open', { error: 'invalid_auth', times: 5 }), /SLACK_APP_TOKEN was refused by Slack \(invalid_auth\)/],
    ['a bot token where the app token belongs', (f: FakeSlack) => f.failNext('apps.connections.open', { error: 'not_allowed_token_type', times: 5 }), /SLACK_APP_TOKEN is not an app-level token \(not_allowed_token_type\)/],
  ])('%s: start fails with one line naming SLACK_APP_TOKEN and where to get one', async (_name, breakIt, expected) => {
    breakIt(fake);
    const error = await startTestApp({ socketMode: true, fake }).then(
      () => new Error('expected start to fail'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(expected);
    expect(error.message).toContain('Basic Information → App-Level Tokens');
    expect(error.message).not.toContain('\n');
  });
});
