/**
 * Proves the fake's Socket Mode endpoint speaks the protocol the real @slack/socket-mode client expects:
 * apps.connections.open with the app-level token, hello, envelopes, acks, disconnect → reconnect.
 */
import { SocketModeClient } from '@slack/socket-mode';
import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import { silentSlackLogger } from './silentSlackLogger';
import { WebSocket } from 'ws';
import { FakeSlack } from './fakeSlack';

let fake: FakeSlack;
const clients: SocketModeClient[] = [];

function socketClient(appToken = fake.appToken): SocketModeClient {
  const client = new SocketModeClient({ appToken, logger: silentSlackLogger, clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } } });
  clients.push(client);
  return client;
}

async function openError(token: string): Promise<string> {
  const web = new WebClient(token, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: silentSlackLogger });
  try {
    await web.apps.connections.open();
  } catch (e) {
    if (e instanceof WebAPIPlatformError) return e.data.error;
    throw e;
  }
  throw new Error('expected apps.connections.open to fail');
}

beforeEach(async () => {
  fake = await FakeSlack.start();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  await fake.close();
});

it('answers apps.connections.open with a ws:// URL on the fake, for the app-level token only', async () => {
  const web = new WebClient(fake.appToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: silentSlackLogger });
  const { url } = await web.apps.connections.open();
  expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${fake.port}/link/\\?ticket=`));
  expect(await openError(fake.botToken)).toBe('not_allowed_token_type');
  expect(await openError('xapp-1-A0001-1-wrong')).toBe('invalid_auth');
  fake.appTokenScopes = ['authorizations:read'];
  expect(await openError(fake.appToken)).toBe('missing_scope');
});

it('says hello to the real client, delivers envelopes and records the acks', async () => {
  const client = socketClient();
  const received: { type: string; body: unknown; retry_num?: number }[] = [];
  client.on('slack_event', async ({ ack, type, body, retry_num }) => {
    received.push({ type, body, retry_num });
    await ack(type === 'slash_commands' ? { text: 'pong' } : undefined);
  });
  await client.start(); // resolves on hello
  expect(fake.socketMode.openConnections).toBe(1);

  const command = fake.socketMode.push('slash_commands', { command: '/handoff', text: 'help' });
  const event = fake.socketMode.push('events_api', { type: 'event_callback', event: { type: 'app_home_opened', user: 'U1' } }, { retryAttempt: 2, retryReason: 'timeout' });
  expect((await fake.socketMode.waitForAck(command.envelope_id)).payload).toEqual({ text: 'pong' });
  await fake.socketMode.waitForAck(event.envelope_id);
  expect(received.map((r) => r.type)).toEqual(['slash_commands', 'events_api']);
  expect(received[1]?.retry_num).toBe(2);
  expect(command.accepts_response_payload).toBe(true);
  expect(event).toMatchObject({ accepts_response_payload: false, retry_attempt: 2, retry_reason: 'timeout' });
});

it('refuses a WebSocket upgrade without a ticket it issued', async () => {
  const res = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/link/?ticket=forged`);
    ws.on('error', () => resolve(-1));
    ws.on('open', () => resolve(1));
  });
  expect(res).toBe(-1);
  expect(fake.socketMode.connectionsOpened).toBe(0);
});

it('a refresh_requested disconnect makes the client reconnect on a new ticket', async () => {
  const client = socketClient();
  await client.start();
  // The client's own 'connected' (its hello), not the fake's accept: disconnecting a client halfway through
  // its reconnect makes @slack/socket-mode 3.1 reject a promise nobody holds.
  const reconnected = new Promise((resolve) => client.once('connected', resolve));
  fake.socketMode.requestRefresh('refresh_requested');
  await reconnected;
  expect(fake.socketMode.connectionsOpened).toBe(2);
  expect(fake.socketMode.tickets.size).toBe(2);
  expect([...fake.socketMode.tickets.values()]).toEqual([1, 1]);
}, 30_000);
