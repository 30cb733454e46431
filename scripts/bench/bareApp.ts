/**
 * The baseline: a bare Bolt app (HTTP receiver, same version as Handoff's) that only acks every
 * command, click, submission and event. Prints its port on stdout once listening.
 *
 * With BARE_ANSWERS=1 it also sends the one answer each request kind of the benches needs (a
 * response_url post for a command or a click, a chat.postEphemeral for a channel message), over
 * the HTTP client Handoff uses (src/slack/httpFetch.ts): the floor under what Handoff can cost per request.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { httpFetch } from '../../src/slack/httpFetch';
import { BOT_TOKEN, SIGNING_SECRET } from './world';

async function main(): Promise<void> {
  const answers = process.env.BARE_ANSWERS === '1';
  const clientOptions = { slackApiUrl: process.env.SLACK_API_URL, ...(answers ? { fetch: httpFetch() } : {}) };
  const app = new App({ token: BOT_TOKEN, signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR, clientOptions });
  app.command(/.*/, async ({ ack, respond }) => {
    await ack();
    if (answers) await respond({ response_type: 'ephemeral', text: 'done' });
  });
  app.action(/.*/, async ({ ack, respond }) => {
    await ack();
    if (answers) await respond({ response_type: 'ephemeral', replace_original: false, text: 'done' });
  });
  app.view(/.*/, async ({ ack }) => ack());
  app.event(/.*/, async ({ event, client }) => {
    const e = event as { type: string; channel?: string; user?: string };
    if (answers && e.type === 'message' && e.channel && e.user) await client.chat.postEphemeral({ channel: e.channel, user: e.user, text: 'done' });
  });
  const server = (await app.start(0)) as Server;
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
}

// The bench that forked it is gone (killed, say): go with it rather than linger.
process.on('disconnect', () => process.exit(0));
void main();
