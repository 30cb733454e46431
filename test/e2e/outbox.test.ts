/**
 * The delivery outbox against a fake Slack: pending → sending → sent | failed | skipped, with attempts
 * and next-attempt times; backoff on 5xx and network failures; Retry-After on 429; permanent errors
 * stop at once; ambiguous failures and crashes are checked in Slack before anything is sent again.
 */
import { and, eq } from 'drizzle-orm';
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { outbox, workspaces } from '../../src/db/schema';
import { MetadataEventTypes } from '../../src/ids';
import { MAX_ATTEMPTS, OutboxDispatcher } from '../../src/delivery/outbox';
import { enqueue } from '../../src/db/queries/outbox';
import { PAUSED_RECHECK_MS } from '../../src/services/workspaces';

const TEAM = 'T0001';
const LISBON = 'ULISBON'; // 12:00 in Lisbon at the start: working, so handoffs are DMed at once
const TOKYO = 'UTOKYO'; // 21:00 in Tokyo: handoffs wait for the digest
const AUTHOR = 'UAUTHOR';
const MIN = 60_000;

type Row = typeof outbox.$inferSelect;

function rows(t: TestApp, kind: Row['kind'], userId: string): Row[] {
  return t.handoff.db.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.teamId, TEAM), eq(outbox.kind, kind), eq(outbox.userId, userId)))
    .all();
}

function only(t: TestApp, kind: Row['kind'], userId: string): Row {
  const found = rows(t, kind, userId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const postsTo = (t: TestApp, userId: string) =>
  t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification || m.metadata?.event_type === MetadataEventTypes.digest);

async function start(): Promise<TestApp> {
  const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
  t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: AUTHOR, name: 'ada', tz: 'Europe/Lisbon' });
  return t;
}

async function handOff(t: TestApp, to: string, ask: string, timeoutMs = 3000): Promise<string> {
  await t.slack.command({ userId: AUTHOR, text: `<@${to}> ${ask}` });
  const reply = await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(ask), timeoutMs);
  return String(reply.args.text);
}

/** Ticks, moving the clock by `stepMs` each time, until the row is final; returns the rows seen. */
async function tickUntilFinal(t: TestApp, kind: Row['kind'], userId: string, stepMs: number, max = 40): Promise<Row[]> {
  const seen: Row[] = [];
  for (let i = 0; i < max; i++) {
    const row = only(t, kind, userId);
    seen.push(row);
    if (row.status === 'sent' || row.status === 'failed' || row.status === 'skipped') return seen;
    t.clock.advance(stepMs);
    await t.tick();
  }
  throw new Error(`row did not settle: ${JSON.stringify(only(t, kind, userId))}`);
}

describe('outbox: the life of a delivery', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('pending → sending → sent, with one attempt, the message ts and the send time', async () => {
    t = await start();
    t.fake.delay('chat.postMessage', 300);
    const reply = handOff(t, LISBON, 'check the invoice run');
    await eventually(() => expect(only(t!, 'dm', LISBON).status).toBe('sending'));
    await reply;
    const row = only(t, 'dm', LISBON);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, sentAt: t.clock.now().getTime() });
    expect(row.messageTs).toBe(postsTo(t, LISBON)[0]!.ts);
    // What the message told is recorded with it: the recipient counts as notified.
    const notified = t.handoff.db.sqlite.prepare('select notified_at as n from handoff_recipients where user_id = ?').get(LISBON) as { n: number | null };
    expect(notified.n).toBe(t.clock.now().getTime());
  });

  it('5xx: retries with exponential backoff (5 s, 10 s, 20 s … ±20 %), then sends once', async () => {
    t = await start();
    t.fake.failNext('chat.postMessage', { status: 500, times: 3 });
    expect(await handOff(t, LISBON, 'check the invoice run')).toMatch(/Slack is busy, I’ll keep trying/);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const row = only(t, 'dm', LISBON);
      expect(row).toMatchObject({ status: 'pending', attempts: i + 1, lastError: 'unverified: http_500' });
      const delay = row.nextAttemptAt - t.clock.now().getTime();
      delays.push(delay);
      expect(delay).toBeGreaterThanOrEqual(5000 * 2 ** i * 0.8);
      expect(delay).toBeLessThanOrEqual(5000 * 2 ** i * 1.2);
      // Not due yet: nothing happens.
      t.clock.advance(delay - 1);
      await t.tick();
      expect(only(t, 'dm', LISBON).attempts).toBe(i + 1);
      t.clock.advance(1);
      await t.tick();
    }
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
    expect(postsTo(t, LISBON)).toHaveLength(1);
    // A 5xx may hide a message Slack accepted, so each retry looked first.
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(3);
  });

  it('an error Slack answers with (ok: false, internal_error) retries without a history lookup', async () => {
    t = await start();
    t.fake.failNext('chat.postMessage', { error: 'internal_error', times: 1 });
    await handOff(t, LISBON, 'check the invoice run');
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'internal_error' });
    await tickUntilFinal(t, 'dm', LISBON, MIN);
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it(`gives up after ${MAX_ATTEMPTS} transient failures of a live DM and tells nobody twice`, async () => {
    t = await start();
    t.fake.failNext('chat.postMessage', { status: 503, times: 100 });
    await handOff(t, LISBON, 'check the invoice run');
    const seen = await tickUntilFinal(t, 'dm', LISBON, 31 * MIN);
    const final = seen[seen.length - 1]!;
    expect(final).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    const attempts = t.fake.callsTo('chat.postMessage').filter((c) => c.status === 503).length;
    expect(attempts).toBe(MAX_ATTEMPTS);
    t.clock.advance(24 * 60 * MIN);
    await t.tick();
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.status === 503)).toHaveLength(MAX_ATTEMPTS);
  });

  it('429: honours Retry-After for everyone, does not count it as an attempt, and sends after the pause', async () => {
    t = await start();
    t.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 2, times: 1 });
    await handOff(t, LISBON, 'check the invoice run');
    const row = only(t, 'dm', LISBON);
    expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: 'ratelimited' });
    expect(row.nextAttemptAt).toBe(t.clock.now().getTime() + 2000);
    t.clock.advance(1999);
    await t.tick();
    expect(only(t, 'dm', LISBON).status).toBe('pending');
    t.clock.advance(1);
    await t.tick();
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 1 });
    const calls = t.fake.callsTo('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // The dispatcher itself waited out Retry-After in real time before calling again.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it.each(['user_not_found', 'account_inactive', 'cannot_dm_bot', 'channel_not_found'])('%s is permanent: failed at once, never retried', async (error) => {
    t = await start();
    t.fake.failNext('chat.postMessage', { error, times: 1 });
    const reply = await handOff(t, LISBON, 'check the invoice run');
    expect(reply).toContain('I couldn’t message them');
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'failed', attempts: 1, lastError: error });
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60 * MIN);
      await t.tick();
    }
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(only(t, 'dm', LISBON).status).toBe('failed');
  });

  it('a deactivated recipient (account_inactive from Slack itself) is not retried', async () => {
    t = await start();
    await handOff(t, TOKYO, 'check the invoice run'); // waits for Tokyo's digest
    t.fake.getUser(TOKYO)!.deleted = true;
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect(only(t, 'digest', TOKYO)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'account_inactive' });
    t.clock.advance(60 * MIN);
    await t.tick();
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === TOKYO)).toHaveLength(1);
  });
});

describe('outbox: digests retry within their catch-up window, never after it', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a Slack outage longer than the window: retries past MAX_ATTEMPTS until the window closes, then stops', async () => {
    t = await start();
    await handOff(t, TOKYO, 'check the invoice run');
    t.fake.failNext('chat.postMessage', { status: 502, times: 1000 });
    t.clock.set('2026-11-26T00:00:00Z'); // 09:00 Tokyo
    await t.tick();
    const seen = await tickUntilFinal(t, 'digest', TOKYO, 10 * MIN, 60);
    const final = seen[seen.length - 1]!;
    expect(final.status).toBe('failed');
    expect(final.attempts).toBeGreaterThan(MAX_ATTEMPTS);
    // Every attempt happened between 09:00 and 13:00 Tokyo time.
    expect(t.clock.now().getTime()).toBeLessThanOrEqual(Date.parse('2026-11-26T04:10:00Z'));
    expect(postsTo(t, TOKYO)).toHaveLength(0);
  });

  it('a revoked token pauses the workspace; after reinstalling past the window the stale digest is skipped, not sent', async () => {
    t = await start();
    await handOff(t, TOKYO, 'check the invoice run');
    t.fake.revokeToken();
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect(only(t, 'digest', TOKYO)).toMatchObject({ status: 'pending', attempts: 0, lastError: 'token_revoked' });
    expect(t.handoff.db.db.select().from(workspaces).get()?.status).toBe('tokens_revoked');
    // Reinstalled at 15:00 Tokyo time.
    t.fake.clearFaults();
    t.clock.set('2026-11-26T06:00:00Z');
    t.handoff.db.db.update(workspaces).set({ status: 'active' }).run();
    await t.tick();
    expect(only(t, 'digest', TOKYO)).toMatchObject({ status: 'skipped', lastError: 'missed: past its catch-up window' });
    expect(postsTo(t, TOKYO)).toHaveLength(0);
  });
});

describe('outbox: a paused workspace resumes on its own', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('once Slack accepts the token again, the tick re-checks it and the waiting digest goes out', async () => {
    t = await start();
    await handOff(t, TOKYO, 'check the invoice run');
    t.fake.revokeToken();
    t.clock.set('2026-11-26T00:00:00Z'); // 09:00 in Tokyo
    await t.tick();
    expect(t.handoff.db.db.select().from(workspaces).get()?.status).toBe('tokens_revoked');
    // The token works again (reinstalled); no restart. The next re-check, at most 10 minutes on, resumes.
    t.fake.clearFaults();
    t.clock.advance(PAUSED_RECHECK_MS);
    await t.tick();
    await eventually(() => expect(t!.handoff.db.db.select().from(workspaces).get()?.status).toBe('active'));
    await t.tick();
    expect(only(t, 'digest', TOKYO)).toMatchObject({ status: 'sent' });
    expect(postsTo(t, TOKYO)).toHaveLength(1);
  });
});

describe('outbox: ambiguous failures and crashes never duplicate', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a request that timed out but reached Slack is found by its metadata and not sent again', async () => {
    t = await start();
    // Slack takes 11 s to answer; the app's Web API client gives up after 10 s.
    t.fake.delay('chat.postMessage', 11_000);
    const reply = handOff(t, LISBON, 'check the invoice run', 15_000);
    await new Promise((r) => setTimeout(r, 200));
    t.fake.delay('chat.postMessage', 0);
    await reply;
    // The confirmation does not wait for a slow Slack; the attempt ends when the client times out.
    await eventually(() => expect(only(t!, 'dm', LISBON)).toMatchObject({ status: 'pending', attempts: 1 }), 15_000);
    expect(only(t, 'dm', LISBON).lastError).toMatch(/^unverified: /);
    await t.fake.waitFor('chat.postMessage', (c) => c.status === 200, 5000); // Slack did take it
    await tickUntilFinal(t, 'dm', LISBON, MIN);
    expect(postsTo(t, LISBON)).toHaveLength(1);
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 1, messageTs: postsTo(t, LISBON)[0]!.ts });
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(1);
  }, 30_000);

  it('a crash after Slack took the DM: recovered as sent, and the recipient counts as notified', async () => {
    t = await start();
    await handOff(t, LISBON, 'check the invoice run');
    const sent = only(t, 'dm', LISBON);
    // What kill -9 between chat.postMessage and the outbox update leaves behind.
    t.handoff.db.sqlite.prepare(`update outbox set status = 'sending', message_ts = null, sent_at = null where id = ?`).run(sent.id);
    t.handoff.db.sqlite.prepare(`update handoff_recipients set notified_at = null`).run();
    t.clock.advance(MIN);
    await t.restart();
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'pending', lastError: 'unverified: interrupted by a restart' });
    await t.tick();
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', messageTs: sent.messageTs });
    expect(postsTo(t, LISBON)).toHaveLength(1);
    const notified = t.handoff.db.sqlite.prepare('select notified_at as n from handoff_recipients where user_id = ?').get(LISBON) as { n: number | null };
    expect(notified.n).not.toBeNull();
  });

  it('the history lookup stops at an older message it knows, instead of reading the whole conversation', async () => {
    t = await start();
    // Forty earlier DMs, all recorded as sent.
    for (let i = 0; i < 40; i++) {
      await handOff(t, LISBON, `task number ${i}`);
      t.clock.advance(MIN);
    }
    await handOff(t, LISBON, 'the last one');
    const last = rows(t, 'dm', LISBON).sort((a, b) => b.id - a.id)[0]!;
    t.handoff.db.sqlite.prepare(`update outbox set status = 'sending', message_ts = null, sent_at = null where id = ?`).run(last.id);
    // And one that never reached Slack.
    t.handoff.db.sqlite.prepare(`update outbox set status = 'sending' where id = ?`).run(
      t.handoff.db.sqlite
        .prepare(`insert into outbox (team_id, kind, dedupe_key, user_id, payload, status, next_attempt_at, created_at, updated_at)
        values (?, 'dm', 'notice:test', ?, ?, 'pending', ?, ?, ?)`)
        .run(TEAM, LISBON, JSON.stringify({ reason: 'notice', text: 'hello' }), t.clock.now().getTime(), t.clock.now().getTime(), t.clock.now().getTime()).lastInsertRowid,
    );
    t.clock.advance(MIN);
    t.fake.clearCalls();
    await t.restart();
    await t.tick();
    expect(postsTo(t, LISBON)).toHaveLength(42); // 41 handoff DMs + the notice, once each
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(1);
    // Each lookup read one page: the newest messages, up to a known older one.
    expect(t.fake.callsTo('conversations.history')).toHaveLength(2);
    expect(t.fake.callsTo('conversations.history').every((c) => Number(c.args.limit) <= 100 && !c.args.cursor)).toBe(true);
  });

  it('when the lookup itself fails it is retried later; nothing is sent blindly', async () => {
    t = await start();
    await handOff(t, LISBON, 'check the invoice run');
    const sent = only(t, 'dm', LISBON);
    t.handoff.db.sqlite.prepare(`update outbox set status = 'sending', message_ts = null, sent_at = null where id = ?`).run(sent.id);
    t.fake.failNext('conversations.history', { status: 503, times: 2 });
    t.fake.rateLimit({ method: 'conversations.open', retryAfterSec: 1, times: 1 });
    await t.restart();
    await tickUntilFinal(t, 'dm', LISBON, MIN);
    expect(only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', messageTs: sent.messageTs });
    expect(postsTo(t, LISBON)).toHaveLength(1);
  });
});

describe('outbox: retention', () => {
  it('the tick deletes finished rows older than OUTBOX_RETENTION_DAYS and keeps the rest', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z', env: { OUTBOX_RETENTION_DAYS: '10' } });
    try {
      const now = t.clock.now().getTime();
      const insert = t.handoff.db.sqlite.prepare(`insert into outbox (team_id, kind, dedupe_key, user_id, payload, status, next_attempt_at, created_at, updated_at)
        values (?, 'dm', ?, 'UOLD', '{}', ?, ?, ?, ?)`);
      const at = (days: number) => now - days * 86_400_000;
      insert.run(TEAM, 'old-sent', 'sent', at(11), at(11), at(11));
      insert.run(TEAM, 'old-failed', 'failed', at(12), at(12), at(12));
      insert.run(TEAM, 'recent-sent', 'sent', at(9), at(9), at(9));
      await t.tick();
      const left = t.handoff.db.sqlite.prepare(`select dedupe_key as k from outbox where user_id = 'UOLD' order by k`).all();
      expect(left).toEqual([{ k: 'recent-sent' }]);
      expect(t.logs.join('')).toContain('deleted finished outbox rows past their retention');
    } finally {
      await t.close();
    }
  });
});

describe('outbox: adaptive pace against a workspace limit', () => {
  it('raises the pace from its safe start while Slack accepts (doubling until the first 429), halves it on that 429, honours Retry-After, and sends each message once', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z', env: { DELIVERY_RATE_PER_SECOND: '100', DELIVERY_START_RATE_PER_SECOND: '10' } });
    try {
      // Slack allows 15 chat.postMessage a second in this workspace (429 + Retry-After: 1 beyond).
      t.fake.setRateLimitPerSecond('chat.postMessage', 15);
      const people = Array.from({ length: 90 }, (_, i) => `UPACE${i}`);
      for (const u of people) t.fake.addUser({ id: u, name: u.toLowerCase(), tz: 'Europe/Lisbon' });
      const now = t.clock.now().getTime();
      const insert = t.handoff.db.sqlite.prepare(`insert into outbox (team_id, kind, dedupe_key, user_id, payload, status, next_attempt_at, created_at, updated_at)
        values (?, 'dm', ?, ?, ?, 'pending', ?, ?, ?)`);
      for (const u of people) insert.run(TEAM, `notice:pace:${u}`, u, JSON.stringify({ reason: 'notice', text: 'hello' }), now, now, now);
      const pending = () => (t.handoff.db.sqlite.prepare(`select count(*) as n from outbox where status != 'sent'`).get() as { n: number }).n;
      for (let i = 0; i < 200 && pending() > 0; i++) {
        await t.tick();
        t.clock.advance(1000); // rows a 429 put back are due after their Retry-After
      }
      expect(pending()).toBe(0);
      // Each person got exactly one message, despite the 429s.
      for (const u of people) expect(t.fake.messagesIn(u)).toHaveLength(1);
      const calls = t.fake.callsTo('chat.postMessage');
      const refused = calls.filter((c) => c.status === 429);
      // Found the limit, and after halving settled under it: a 429 or two, not a storm.
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeLessThanOrEqual(3);
      // Everyone waited out each Retry-After (1 s).
      for (const r of refused) expect(calls.filter((c) => c.at > r.at && c.at < r.at + 990)).toEqual([]);
      const halved = t.logs.filter((l) => l.includes('rate limited by Slack')).map((l) => JSON.parse(l) as { scope: string; pacePerSecond: number });
      expect(halved[0]).toMatchObject({ scope: 'workspace' });
      // Half of the pace Slack refused: over 15/s, and under 30/s (slow start doubles it each second,
      // and the first 429 comes back within that second): under Slack's limit, not just paused.
      expect(halved[0]!.pacePerSecond).toBeGreaterThan(7.5);
      expect(halved[0]!.pacePerSecond).toBeLessThan(15);
      // It raised the pace beyond its safe start, and ended just under Slack's 15/s.
      const end = t.handoff.dispatcher.limiterFor(TEAM).currentRate;
      expect(end).toBeGreaterThan(10);
      expect(end).toBeLessThanOrEqual(15);
    } finally {
      await t.close();
    }
  }, 30_000);
});

describe('outbox: paces are per workspace', () => {
  it('a workspace waiting out a Retry-After holds one sender at most; another workspace’s deliveries go on', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
    const sent: string[] = [];
    const d = new OutboxDispatcher(
      t.handoff.store,
      { deliver: async (row, pace) => (await pace(), sent.push(`${row.teamId}:${row.dedupeKey}`), { status: 'sent', ts: null }), findDelivered: async () => null },
      t.clock,
      t.handoff.logger,
      { concurrency: 4, ratePerSecond: 1000, startRatePerSecond: 1000 },
    );
    try {
      await t.handoff.dispatcher.stop(); // only `d` drains here
      await d.limiterFor('TPAUSED').pause(60_000); // say, a long Retry-After in that workspace
      for (let i = 0; i < 6; i++) {
        enqueue(t.handoff.db.db, { teamId: 'TPAUSED', kind: 'dm', dedupeKey: `paused:${i}`, userId: `UP${i}`, payload: { reason: 'notice', text: 'hi' } }, t.clock.now());
        enqueue(t.handoff.db.db, { teamId: 'TFREE', kind: 'dm', dedupeKey: `free:${i}`, userId: `UF${i}`, payload: { reason: 'notice', text: 'hi' } }, t.clock.now());
      }
      d.kick();
      await eventually(() => expect(sent.filter((s) => s.startsWith('TFREE:'))).toHaveLength(6));
      expect(sent.filter((s) => s.startsWith('TPAUSED:'))).toEqual([]);
      const sending = t.handoff.db.sqlite.prepare(`select count(*) as n from outbox where team_id = 'TPAUSED' and status = 'sending'`).get() as { n: number };
      expect(sending.n).toBeLessThanOrEqual(1);
    } finally {
      await d.stop();
      await t.close();
    }
  });

  it('after a Retry-After every sender comes back, not just the row that waited it out', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
    let inFlight = 0;
    let most = 0;
    let sent = 0;
    const d = new OutboxDispatcher(
      t.handoff.store,
      {
        deliver: async (_row, pace) => {
          await pace();
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((r) => setTimeout(r, 20)); // Slack's round trip
          inFlight -= 1;
          sent += 1;
          return { status: 'sent', ts: null };
        },
        findDelivered: async () => null,
      },
      { now: () => new Date() }, // rows put back until the pause ends become due in real time
      t.handoff.logger,
      { concurrency: 4, ratePerSecond: 1000, startRatePerSecond: 1000 },
    );
    try {
      await t.handoff.dispatcher.stop();
      await d.limiterFor('TWAVE').pause(300);
      for (let i = 0; i < 24; i++)
        enqueue(t.handoff.db.db, { teamId: 'TWAVE', kind: 'dm', dedupeKey: `wave:${i}`, userId: `UW${i}`, payload: { reason: 'notice', text: 'hi' } }, new Date(0));
      d.kick();
      await eventually(() => expect(sent).toBe(24), 5000);
      expect(most).toBeGreaterThanOrEqual(2);
    } finally {
      await d.stop();
      await t.close();
    }
  });
});
