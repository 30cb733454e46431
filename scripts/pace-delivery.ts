/**
 * Delivery pace at default settings through the real app (createHandoff) against a fake Slack that
 * allows 50 chat.postMessage a second per workspace and 1 per DM (429 + Retry-After beyond), with a
 * 150 ms round trip: N notices to N people, time to the first and the last, rate as a share of 50/s.
 *
 *   npx tsx scripts/pace-delivery.ts [messages=2000]   (RATE=… sets DELIVERY_RATE_PER_SECOND)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../test/harness/fakeSlack';
import { loadConfig } from '../src/config';
import { createHandoff } from '../src/app';
import { enqueue } from '../src/db/queries/outbox';

const TEAM = 'T1';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  const fake = await FakeSlack.start({ botToken: 'xoxb-pace', teamId: TEAM });
  for (let i = 0; i < n; i++) fake.addUser({ id: `U${i}`, tz: 'Europe/Lisbon' });
  fake.setRateLimitPerSecond('chat.postMessage', 50);
  fake.setChannelRateLimitPerSecond('chat.postMessage', 1);
  fake.delay('chat.postMessage', 150);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pace-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-pace',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    SLACK_API_URL: fake.url,
    PORT: '0',
    DATABASE_URL: `file:${path.join(dir, 'handoff.db')}`,
    LOG_LEVEL: 'error',
    ...(process.env.RATE ? { DELIVERY_RATE_PER_SECOND: process.env.RATE } : {}),
  });
  const handoff = createHandoff(config, { logDestination: { write: () => true }, startScheduler: false });
  await handoff.start();
  for (let i = 0; i < n; i++) enqueue(handoff.db.db, { teamId: TEAM, kind: 'dm', dedupeKey: `pace:${i}`, userId: `U${i}`, payload: { reason: 'notice', text: 'hi' } }, new Date());
  fake.clearCalls();
  const sent = () => fake.callsTo('chat.postMessage').filter((c) => c.status === 200).length;
  const t0 = performance.now();
  let first = -1;
  handoff.dispatcher.kick();
  while (sent() < n && performance.now() - t0 < 15 * 60_000) {
    await new Promise((r) => setTimeout(r, 50));
    if (first < 0 && sent() > 0) first = performance.now() - t0;
    handoff.dispatcher.kick(); // what the cron tick does every 30 s
  }
  const seconds = (performance.now() - t0) / 1000;
  const refused = fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length;
  console.log(
    JSON.stringify({
      messages: n,
      sent: sent(),
      seconds: +seconds.toFixed(1),
      perSecond: +(sent() / seconds).toFixed(1),
      shareOf50: +(sent() / seconds / 50).toFixed(2),
      refused429: refused,
      firstMs: Math.round(first),
    }),
  );
  await handoff.stop();
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
