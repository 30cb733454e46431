/**
 * Ack latency of `/handoff @someone <ask>` (inline create) through the real HTTP receiver, at a steady
 * open-loop rate, next to a bare Bolt app that only acks — both against the same fake Slack.
 *
 *   npm run bench:ack -- [--rate 50] [--seconds 10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { loadConfig } from '../src/config';
import { createHandoff } from '../src/app';
import { FakeSlack } from '../test/harness/fakeSlack';
import { SlackRequester } from '../test/harness/slackRequests';

const SECRET = '8f742231b10e8888abcd99aa0cc085a5';
const TOKEN = 'xoxb-bench-token';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Fires at a fixed rate regardless of responses (open loop), so slow acks are not hidden. */
async function fire(slack: SlackRequester, rate: number, seconds: number, users: string[]): Promise<{ ms: number[]; errors: number }> {
  const total = Math.round(rate * seconds);
  const ms: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const to = users[i % users.length]!;
    inflight.push(
      slack
        .command({ userId: 'U0AUTHOR', text: `<@${to}> bench ask number ${i}: please review the rollout plan` })
        .then((res) => {
          ms.push(res.ms);
          if (res.status !== 200) errors += 1;
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  await Promise.all(inflight);
  return { ms: ms.sort((a, b) => a - b), errors };
}

async function main(): Promise<void> {
  const rate = arg('rate', 50);
  const seconds = arg('seconds', 10);
  const fake = await FakeSlack.start({ botToken: TOKEN });
  const users = Array.from({ length: 20 }, (_, i) => `U0R${String(i).padStart(4, '0')}`);
  for (const [i, u] of users.entries()) fake.addUser({ id: u, tz: ['Europe/Lisbon', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata'][i % 4] });
  fake.addUser({ id: 'U0AUTHOR', tz: 'Europe/Berlin' });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
  const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, PORT: '0', DATABASE_URL: `file:${dir}/bench.db`, LOG_LEVEL: 'warn', DELIVERY_RATE_PER_SECOND: '1000', HANDOFFS_PER_PERSON_PER_MINUTE: '1000' });
  const handoff = createHandoff(config, { startScheduler: false, logDestination: { write: () => undefined } });
  const handoffPort = (await handoff.start())!;

  // The baseline: the same Bolt receiver, one listener that only acks.
  const bare = new App({ token: TOKEN, signingSecret: SECRET, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.url } });
  bare.command('/handoff', async ({ ack }) => ack());
  const bareServer = (await bare.start(0)) as Server;
  const barePort = (bareServer.address() as AddressInfo).port;

  const requester = (port: number) => new SlackRequester({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, teamId: 'T0001', responseUrl: () => fake.responseUrl() });
  // Warm both up (JIT, first users.info lookups), then measure.
  await fire(requester(barePort), 20, 1, users);
  await fire(requester(handoffPort), 20, 1, users);
  const baseline = await fire(requester(barePort), rate, seconds, users);
  const real = await fire(requester(handoffPort), rate, seconds, users);
  await handoff.dispatcher.idle();

  const row = (name: string, r: { ms: number[]; errors: number }) =>
    `${name.padEnd(22)} ${String(r.ms.length).padStart(6)} ${String(r.errors).padStart(6)} ${percentile(r.ms, 50).toFixed(2).padStart(8)} ${percentile(r.ms, 99).toFixed(2).padStart(8)} ${r.ms.at(-1)!.toFixed(2).padStart(8)}`;
  console.log(`\nAck latency, ${rate} req/s for ${seconds} s (open loop), ms:`);
  console.log(`${'app'.padEnd(22)} ${'n'.padStart(6)} ${'errors'.padStart(6)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
  console.log(row('bare Bolt (ack only)', baseline));
  console.log(row('Handoff inline create', real));
  console.log(`ratio p50 ${(percentile(real.ms, 50) / percentile(baseline.ms, 50)).toFixed(2)}×, p99 ${(percentile(real.ms, 99) / percentile(baseline.ms, 99)).toFixed(2)}×`);
  const created = handoff.db.sqlite.prepare('select count(*) n from handoffs').get() as { n: number };
  console.log(`handoffs created: ${created.n}`);

  await handoff.stop();
  await bare.stop();
  await fake.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
