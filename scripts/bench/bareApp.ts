/**
 * The baseline: a bare Bolt app (HTTP receiver, same version as Handoff's) that only acks every
 * command, click, submission and event. Prints its port on stdout once listening.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { BOT_TOKEN, SIGNING_SECRET } from './world';

async function main(): Promise<void> {
  const app = new App({ token: BOT_TOKEN, signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: process.env.SLACK_API_URL } });
  app.command(/.*/, async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  app.view(/.*/, async ({ ack }) => ack());
  app.event(/.*/, async () => undefined);
  const server = (await app.start(0)) as Server;
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
}

void main();
