/**
 * GET /metrics, scraped the way Prometheus does, after real traffic through the receiver: acks by
 * kind, Slack calls by method and outcome (429s included), the outbox backlog, deflection outcomes,
 * process metrics; behind a bearer token when METRICS_TOKEN is set; on PORT in Socket Mode too.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, eventually, TEAM, type TestApp } from '../harness/testApp';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const TOKEN = 'metrics-token-0123456789abcdef';

async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${app.port}/metrics`, { headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** The value of one sample line, e.g. `handoff_slack_api_calls_total{method="chat.postMessage",outcome="ok"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function people(app: TestApp): Promise<void> {
  app.fake.addUser({ id: 'U0AUTH', name: 'alex', tz: 'Europe/London' });
  app.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  app.fake.addChannel({ id: 'C0ENG', name: 'eng', members: ['U0AUTH', 'U0ANA'] });
}

it('says whether SQLite checkpoints run in the background, and how long its log is', async () => {
  t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
  const text = (await scrape(t)).text;
  if (t.handoff.database.kind === 'postgres') {
    expect(sample(text, 'handoff_sqlite_background_checkpoints')).toBeUndefined();
    return;
  }
  expect(sample(text, 'handoff_sqlite_background_checkpoints')).toBe(1);
  // The new database's migrations are in the log until the first checkpoint has seen them.
  await eventually(async () => expect(sample((await scrape(t!)).text, 'handoff_sqlite_wal_frames')).toBeGreaterThan(0));
  // A stopped worker hands checkpoints back to SQLite, and the gauge says so.
  await t.handoff.stop();
  expect(sample(await t.handoff.metrics.text(), 'handoff_sqlite_background_checkpoints')).toBe(0);
});

it('counts acks by kind, Slack calls by method and outcome (429 too), the outbox backlog and deflection prompts', async () => {
  t = await startTestApp({ now: '2026-11-25T12:00:00Z' }); // London and Lisbon 12:00: both at work
  await people(t);
  const before = await scrape(t);
  expect(before.status).toBe(200);
  expect(before.type).toContain('text/plain');
  expect(sample(before.text, 'handoff_ack_seconds_count', { kind: 'command' })).toBeUndefined();

  // One 429 on the first DM: the outbox waits it out and sends once.
  t.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 1, times: 1 });
  expect(String((await t.reply('U0AUTH', '<@U0ANA|ana> the Q3 numbers, please')).text)).toContain('Handoff #1 created');
  await eventually(() => expect(t!.fake.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(1));
  t.clock.set('2026-11-25T12:00:05Z'); // the Retry-After has passed
  await t.tick();
  await eventually(() => expect(t!.fake.messagesIn('U0ANA')).toHaveLength(1));

  const stored = t.fake.addMessage('C0ENG', { user: 'U0AUTH', text: 'quick call to sort this out?' });
  const event = {
    type: 'message',
    channel: 'C0ENG',
    user: 'U0AUTH',
    text: 'quick call to sort this out?',
    ts: stored.ts,
    event_ts: stored.ts,
    channel_type: 'channel',
    team: TEAM,
    client_msg_id: randomUUID(),
  };
  expect((await t.slack.event(event)).status).toBe(200);
  await eventually(() => expect(t!.fake.ephemerals).toHaveLength(1));

  const after = (await scrape(t)).text;
  expect(sample(after, 'handoff_ack_seconds_count', { kind: 'command' })).toBe(1);
  expect(sample(after, 'handoff_ack_seconds_count', { kind: 'event' })).toBe(1);
  expect(sample(after, 'handoff_ack_seconds_bucket', { kind: 'command', le: '+Inf' })).toBe(1);
  expect(sample(after, 'handoff_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
  expect(sample(after, 'handoff_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(1);
  expect(sample(after, 'handoff_slack_api_calls_total', { method: 'chat.postEphemeral', outcome: 'ok' })).toBe(1);
  expect(sample(after, 'handoff_slack_api_calls_total', { method: 'users.info', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  expect(sample(after, 'handoff_deflection_outcomes_total', { outcome: 'shown' })).toBe(1);
  expect(sample(after, 'handoff_deliveries_total', { kind: 'dm', outcome: 'retry' })).toBe(1);
  expect(sample(after, 'handoff_deliveries_total', { kind: 'dm', outcome: 'sent' })).toBe(1);
  expect(sample(after, 'handoff_tick_seconds_count')).toBe(1);
  expect(sample(after, 'handoff_outbox_due')).toBe(0);
  expect(sample(after, 'handoff_outbox_oldest_due_age_seconds')).toBe(0);
  expect(sample(after, 'handoff_process_resident_memory_bytes')).toBeGreaterThan(0);
  expect(sample(after, 'handoff_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  for (const stat of ['p99', 'max', 'mean']) expect(sample(after, 'handoff_event_loop_delay_seconds', { stat })).toBeGreaterThanOrEqual(0);
  // One event-loop monitor in the process (each wakes it up every few ms): not prom-client's as well.
  expect(after).not.toContain('eventloop_lag');
  // The bot token never appears, whatever the labels.
  expect(after).not.toContain('xoxb-');
});

it('serves the event-loop delay since the previous scrape: a held loop shows, then no longer', async () => {
  t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
  const maxOf = async () => sample((await scrape(t!)).text, 'handoff_event_loop_delay_seconds', { stat: 'max' }) ?? NaN;
  await maxOf(); // whatever start-up held
  // A monitor's first sample only marks a start: hold once it has one.
  await eventually(() => expect(t!.handoff.loopDelay.openWindowSamples()).toBeGreaterThan(0));
  const end = performance.now() + 300;
  while (performance.now() < end) {
    // hold the loop, as one long synchronous transaction would
  }
  // Figures move to the scrape once a second: the hold shows within a few scrapes…
  await eventually(async () => expect(await maxOf()).toBeGreaterThanOrEqual(0.28));
  // …and each scrape reads only what came after the one before it, so it goes again.
  await eventually(async () => expect(await maxOf()).toBeLessThan(0.28));
});

it('reports how long the oldest due delivery has waited while Slack holds it back', async () => {
  t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
  await people(t);
  // Slack holds every post back for an hour: the DM waits in the outbox.
  t.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 3600, times: 1000 });
  await t.reply('U0AUTH', '<@U0ANA|ana> the Q3 numbers, please');
  await eventually(async () =>
    expect(sample((await scrape(t!)).text, 'handoff_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBeGreaterThanOrEqual(1),
  );
  t.clock.set('2026-11-25T14:00:00Z'); // two hours later, Slack's Retry-After still running
  const text = (await scrape(t)).text;
  expect(sample(text, 'handoff_outbox_due')).toBe(1);
  // Due since the Retry-After ran out, an hour after the 429.
  expect(sample(text, 'handoff_outbox_oldest_due_age_seconds')).toBe(3600);
});

it('with METRICS_TOKEN set: 401 without the bearer token or with a wrong one, 200 with it', async () => {
  t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
  expect((await scrape(t)).status).toBe(401);
  expect((await scrape(t, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  expect((await scrape(t, { Authorization: `Bearer ${TOKEN.slice(0, -1)}X` })).status).toBe(401);
  const ok = await scrape(t, { Authorization: `Bearer ${TOKEN}` });
  expect(ok.status).toBe(200);
  expect(ok.text).toContain('handoff_outbox_due');
  expect(t.logs.join('')).not.toContain(TOKEN);
});

it('answers on PORT in Socket Mode, counting acks that went over the socket', async () => {
  t = await startTestApp({ socketMode: true });
  await people(t);
  await t.socket.command({ userId: 'U0AUTH', text: 'help' });
  await eventually(async () => expect(sample((await scrape(t!)).text, 'handoff_ack_seconds_count', { kind: 'command' })).toBe(1));
});

it('counts the digests a sweep planned and the ones it sent or skipped', async () => {
  t = await startTestApp({ now: '2026-11-25T20:00:00Z' }); // Tokyo 05:00, New York 15:00
  t.fake.addUser({ id: 'U0NYC', name: 'nyc', tz: 'America/New_York' });
  t.fake.addUser({ id: 'U0TOK', name: 'tok', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: 'U0QUIET', name: 'quiet', tz: 'Asia/Tokyo' });
  await t.reply('U0NYC', '<@U0TOK|tok> the Q3 numbers, please');
  await t.reply('U0QUIET', '<@U0NYC|nyc> the slides, please'); // waits on others; nothing waits on them
  t.clock.set('2026-11-26T00:00:00Z'); // 09:00 Tokyo
  await t.tick();
  await eventually(() => expect(t!.fake.messagesIn('U0TOK')).toHaveLength(1));
  const text = (await scrape(t)).text;
  expect(sample(text, 'handoff_digests_planned_total', { outcome: 'enqueued' })).toBe(2);
  expect(sample(text, 'handoff_deliveries_total', { kind: 'digest', outcome: 'sent' })).toBe(1);
  expect(sample(text, 'handoff_deliveries_total', { kind: 'digest', outcome: 'skipped', reason: 'nothing to say' })).toBe(1);
});
