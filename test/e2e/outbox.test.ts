/**
 * The delivery outbox against a fake Slack: pending → sending → sent | failed | skipped, with attempts
 * and next-attempt times; backoff on 5xx and network failures; Retry-After on 429; permanent errors
 * stop at once; ambiguous failures and crashes are checked in Slack before anything is sent again.
 */
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { countRows, insertRows, selectOne, selectRows, updateRows, type RowOf } from '../harness/testDb';
import { MetadataEventTypes } from '../../src/ids';
import { MAX_ATTEMPTS, OutboxDispatcher } from '../../src/delivery/outbox';
import { PAUSED_RECHECK_MS } from '../../src/services/workspaces';
import { countingDispatcher } from '../harness/countingDispatcher';

const TEAM = 'T0001';
const LISBON = 'ULISBON'; // 12:00 in Lisbon at the start: working, so handoffs are DMed at once
const TOKYO = 'UTOKYO'; // 21:00 in Tokyo: handoffs wait for the digest
const AUTHOR = 'UAUTHOR';
const MIN = 60_000;

type Row = RowOf<'outbox'>;

const rows = (t: TestApp, kind: Row['kind'], userId: string): Promise<Row[]> => selectRows(t, 'outbox', { teamId: TEAM, kind, userId });

async function only(t: TestApp, kind: Row['kind'], userId: string): Promise<Row> {
  const found = await rows(t, kind, userId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const postsTo = (t: TestApp, userId: string) =>
  t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification || m.metadata?.event_type === MetadataEventTypes.digest);

async function start(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp({ now: '2026-11-25T12:00:00Z', env });
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
    const row = await only(t, kind, userId);
    seen.push(row);
    if (row.status === 'sent' || row.status === 'failed' || row.status === 'skipped') return seen;
    t.clock.advance(stepMs);
    await t.tick();
  }
  throw new Error(`row did not settle: ${JSON.stringify(await only(t, kind, userId))}`);
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
    await eventually(async () => expect((await only(t!, 'dm', LISBON)).status).toBe('sending'));
    await reply;
    const row = await only(t, 'dm', LISBON);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, sentAt: t.clock.now().getTime() });
    expect(row.messageTs).toBe(postsTo(t, LISBON)[0]!.ts);
    // What the message told is recorded with it: the recipient counts as notified.
    expect((await selectOne(t, 'handoffRecipients', { userId: LISBON })).notifiedAt).toBe(t.clock.now().getTime());
  });

  it('5xx: retries with exponential backoff (5 s, 10 s, 20 s … ±20 %), then sends once', async () => {
    t = await start();
    t.fake.failNext('chat.postMessage', { status: 500, times: 3 });
    expect(await handOff(t, LISBON, 'check the invoice run')).toMatch(/Slack is busy, I’ll keep trying/);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const row = await only(t, 'dm', LISBON);
      expect(row).toMatchObject({ status: 'pending', attempts: i + 1, lastError: 'unverified: http_500' });
      const delay = row.nextAttemptAt - t.clock.now().getTime();
      delays.push(delay);
      expect(delay).toBeGreaterThanOrEqual(5000 * 2 ** i * 0.8);
      expect(delay).toBeLessThanOrEqual(5000 * 2 ** i * 1.2);
      // Not due yet: nothing happens.
      t.clock.advance(delay - 1);
      await t.tick();
      expect((await only(t, 'dm', LISBON)).attempts).toBe(i + 1);
      t.clock.advance(1);
      await t.tick();
    }
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
    expect(postsTo(t, LISBON)).toHaveLength(1);
    // A 5xx may hide a message Slack accepted, so each retry looked first.
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(3);
  });

  it('an error Slack answers with (ok: false, internal_error) retries without a history lookup', async () => {
    t = await start();
    t.fake.failNext('chat.postMessage', { error: 'internal_error', times: 1 });
    await handOff(t, LISBON, 'check the invoice run');
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'internal_error' });
    await tickUntilFinal(t, 'dm', LISBON, MIN);
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 2 });
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
    const row = await only(t, 'dm', LISBON);
    expect(row).toMatchObject({ status: 'pending', attempts: 0, lastError: 'ratelimited' });
    expect(row.nextAttemptAt).toBe(t.clock.now().getTime() + 2000);
    t.clock.advance(1999);
    await t.tick();
    expect((await only(t, 'dm', LISBON)).status).toBe('pending');
    t.clock.advance(1);
    await t.tick();
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 1 });
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
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'failed', attempts: 1, lastError: error });
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60 * MIN);
      await t.tick();
    }
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect((await only(t, 'dm', LISBON)).status).toBe('failed');
  });

  it('a deactivated recipient (account_inactive from Slack itself) is not retried', async () => {
    t = await start();
    await handOff(t, TOKYO, 'check the invoice run'); // waits for Tokyo's digest
    t.fake.getUser(TOKYO)!.deleted = true;
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect(await only(t, 'digest', TOKYO)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'account_inactive' });
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
    expect(await only(t, 'digest', TOKYO)).toMatchObject({ status: 'pending', attempts: 0, lastError: 'token_revoked' });
    expect((await t.handoff.store.getWorkspace(TEAM))?.status).toBe('tokens_revoked');
    // Reinstalled at 15:00 Tokyo time.
    t.fake.clearFaults();
    t.clock.set('2026-11-26T06:00:00Z');
    await updateRows(t, 'workspaces', { status: 'active' });
    await t.tick();
    expect(await only(t, 'digest', TOKYO)).toMatchObject({ status: 'skipped', lastError: 'missed: past its catch-up window' });
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
    expect((await t.handoff.store.getWorkspace(TEAM))?.status).toBe('tokens_revoked');
    // The token works again (reinstalled); no restart. The next re-check, at most 10 minutes on, resumes.
    t.fake.clearFaults();
    t.clock.advance(PAUSED_RECHECK_MS);
    await t.tick();
    await eventually(async () => expect((await t!.handoff.store.getWorkspace(TEAM))?.status).toBe('active'));
    await t.tick();
    expect(await only(t, 'digest', TOKYO)).toMatchObject({ status: 'sent' });
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
    // Slack takes 3 s to answer; the app's Web API client gives up after 2 s (10 s by default: the same
    // path, a fifth of the wait).
    t = await start({ SLACK_API_TIMEOUT_MS: '2000' });
    t.fake.delay('chat.postMessage', 3_000);
    const reply = handOff(t, LISBON, 'check the invoice run', 15_000);
    // Once the post is held at Slack, later calls are answered at once (a fixed 200 ms missed it on a busy machine).
    await eventually(() => expect(t!.fake.inFlight('chat.postMessage')).toBe(1), 5000);
    t.fake.delay('chat.postMessage', 0);
    await reply;
    // The confirmation does not wait for a slow Slack; the attempt ends when the client times out.
    await eventually(async () => expect(await only(t!, 'dm', LISBON)).toMatchObject({ status: 'pending', attempts: 1 }), 15_000);
    expect((await only(t, 'dm', LISBON)).lastError).toMatch(/^unverified: /);
    await t.fake.waitFor('chat.postMessage', (c) => c.status === 200, 5000); // Slack did take it
    await tickUntilFinal(t, 'dm', LISBON, MIN);
    expect(postsTo(t, LISBON)).toHaveLength(1);
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', attempts: 1, messageTs: postsTo(t, LISBON)[0]!.ts });
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(1);
  }, 30_000);

  it('a crash after Slack took the DM: recovered as sent, and the recipient counts as notified', async () => {
    t = await start();
    await handOff(t, LISBON, 'check the invoice run');
    const sent = await only(t, 'dm', LISBON);
    // What kill -9 between chat.postMessage and the outbox update leaves behind.
    await updateRows(t, 'outbox', { status: 'sending', messageTs: null, sentAt: null }, { id: sent.id });
    await updateRows(t, 'handoffRecipients', { notifiedAt: null });
    t.clock.advance(MIN);
    await t.restart();
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'pending', lastError: 'unverified: interrupted by a restart' });
    await t.tick();
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', messageTs: sent.messageTs });
    expect(postsTo(t, LISBON)).toHaveLength(1);
    expect((await selectOne(t, 'handoffRecipients', { userId: LISBON })).notifiedAt).not.toBeNull();
  });

  it('the history lookup stops at an older message it knows, instead of reading the whole conversation', async () => {
    t = await start();
    // Forty earlier DMs, all recorded as sent.
    for (let i = 0; i < 40; i++) {
      await handOff(t, LISBON, `task number ${i}`);
      t.clock.advance(MIN);
    }
    await handOff(t, LISBON, 'the last one');
    const last = (await rows(t, 'dm', LISBON)).sort((a, b) => b.id - a.id)[0]!;
    await updateRows(t, 'outbox', { status: 'sending', messageTs: null, sentAt: null }, { id: last.id });
    // And one that never reached Slack.
    const now = t.clock.now().getTime();
    await insertRows(t, 'outbox', [
      {
        teamId: TEAM,
        kind: 'dm',
        dedupeKey: 'notice:test',
        userId: LISBON,
        payload: JSON.stringify({ reason: 'notice', text: 'hello' }),
        status: 'sending',
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      },
    ]);
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

  it('under Slack’s history limit for distributed apps (1 a minute): interrupted DMs are checked a minute apart, 15 messages each, while new DMs go out at once', async () => {
    t = await start({ SLACK_HISTORY_READS_PER_MINUTE: '1' });
    await handOff(t, LISBON, 'first ask');
    await handOff(t, LISBON, 'second ask');
    const [first, second] = (await rows(t, 'dm', LISBON)).sort((a, b) => a.id - b.id);
    await updateRows(t, 'outbox', { status: 'sending', messageTs: null, sentAt: null }, { teamId: TEAM, kind: 'dm', userId: LISBON });
    t.clock.advance(MIN);
    t.fake.clearCalls();
    await t.restart();
    await t.tick();
    // One lookup this minute: one row is settled, the other waits its turn, still unchecked.
    expect(t.fake.callsTo('conversations.history')).toHaveLength(1);
    const waiting = (await rows(t, 'dm', LISBON)).filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ lastError: 'unverified: ratelimited', attempts: 1 });
    expect(waiting[0]!.nextAttemptAt).toBeGreaterThan(t.clock.now().getTime());
    // The workspace is not paused by it: a new handoff's DM goes out now.
    await handOff(t, LISBON, 'third ask');
    await eventually(async () => expect((await rows(t!, 'dm', LISBON)).filter((r) => r.status === 'sent')).toHaveLength(2));
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(1);
    t.clock.advance(MIN);
    await t.tick();
    const settled = await rows(t, 'dm', LISBON);
    expect(settled.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(settled.find((r) => r.id === first!.id)!.messageTs).toBe(first!.messageTs);
    expect(settled.find((r) => r.id === second!.id)!.messageTs).toBe(second!.messageTs);
    expect(postsTo(t, LISBON)).toHaveLength(3); // each once
    expect(t.fake.callsTo('conversations.history')).toHaveLength(2);
    expect(t.fake.callsTo('conversations.history').every((c) => Number(c.args.limit) === 15 && !c.args.cursor)).toBe(true);
  });

  it('when the lookup itself fails it is retried later; nothing is sent blindly', async () => {
    t = await start();
    await handOff(t, LISBON, 'check the invoice run');
    const sent = await only(t, 'dm', LISBON);
    await updateRows(t, 'outbox', { status: 'sending', messageTs: null, sentAt: null }, { id: sent.id });
    t.fake.failNext('conversations.history', { status: 503, times: 2 });
    t.fake.rateLimit({ method: 'conversations.open', retryAfterSec: 1, times: 1 });
    await t.restart();
    await tickUntilFinal(t, 'dm', LISBON, MIN);
    expect(await only(t, 'dm', LISBON)).toMatchObject({ status: 'sent', messageTs: sent.messageTs });
    expect(postsTo(t, LISBON)).toHaveLength(1);
  });
});

describe('outbox: retention', () => {
  it('the tick deletes finished rows older than OUTBOX_RETENTION_DAYS and keeps the rest', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z', env: { OUTBOX_RETENTION_DAYS: '10' } });
    try {
      const now = t.clock.now().getTime();
      const at = (days: number) => now - days * 86_400_000;
      const old = (dedupeKey: string, status: Row['status'], days: number) =>
        ({ teamId: TEAM, kind: 'dm', dedupeKey, userId: 'UOLD', payload: '{}', status, nextAttemptAt: at(days), createdAt: at(days), updatedAt: at(days) }) as const;
      await insertRows(t, 'outbox', [old('old-sent', 'sent', 11), old('old-failed', 'failed', 12), old('recent-sent', 'sent', 9)]);
      await t.tick();
      const left = (await selectRows(t, 'outbox', { userId: 'UOLD' })).map((r) => r.dedupeKey).sort();
      expect(left).toEqual(['recent-sent']);
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
      await insertRows(
        t,
        'outbox',
        people.map((u) => ({
          teamId: TEAM,
          kind: 'dm' as const,
          dedupeKey: `notice:pace:${u}`,
          userId: u,
          payload: JSON.stringify({ reason: 'notice', text: 'hello' }),
          status: 'pending' as const,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      );
      const pending = async () => (await selectRows(t, 'outbox')).filter((r) => r.status !== 'sent').length;
      for (let i = 0; i < 200 && (await pending()) > 0; i++) {
        await t.tick();
        t.clock.advance(1000); // rows a 429 put back are due after their Retry-After
      }
      expect(await pending()).toBe(0);
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

// Claims one row at a time (SQLite) or in batches of 4 (as on PostgreSQL): the same pacing either way.
describe.each([
  ['one row per claim', 1],
  ['batched claims', 4],
])('outbox: paces are per workspace (%s)', (_name, claimBatch) => {
  it('a workspace waiting out a Retry-After holds one sender at most; another workspace’s deliveries go on', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
    const sent: string[] = [];
    const d = new OutboxDispatcher(
      t.handoff.store,
      { deliver: async (row, pace) => (await pace(), sent.push(`${row.teamId}:${row.dedupeKey}`), { status: 'sent', ts: null }), findDelivered: async () => null },
      t.clock,
      t.handoff.logger,
      { concurrency: 4, ratePerSecond: 1000, startRatePerSecond: 1000, claimBatch },
    );
    try {
      await t.handoff.dispatcher.stop(); // only `d` drains here
      await d.limiterFor('TPAUSED').pause(60_000); // say, a long Retry-After in that workspace
      for (let i = 0; i < 6; i++) {
        await t.handoff.store.enqueue({ teamId: 'TPAUSED', kind: 'dm', dedupeKey: `paused:${i}`, userId: `UP${i}`, payload: { reason: 'notice', text: 'hi' } }, t.clock.now());
        await t.handoff.store.enqueue({ teamId: 'TFREE', kind: 'dm', dedupeKey: `free:${i}`, userId: `UF${i}`, payload: { reason: 'notice', text: 'hi' } }, t.clock.now());
      }
      d.kick();
      await eventually(() => expect(sent.filter((s) => s.startsWith('TFREE:'))).toHaveLength(6));
      expect(sent.filter((s) => s.startsWith('TPAUSED:'))).toEqual([]);
      expect(await countRows(t, 'outbox', { teamId: 'TPAUSED', status: 'sending' })).toBeLessThanOrEqual(1);
    } finally {
      await d.stop();
      await t.close();
    }
  });

  it('after a Retry-After every sender comes back, not just the row that waited it out', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
    // Rows put back until the pause ends become due in real time; 20 ms is Slack's round trip.
    const counting = countingDispatcher(t, 20, { now: () => new Date() }, { concurrency: 4, claimBatch }, 2);
    const d = counting.d;
    try {
      await t.handoff.dispatcher.stop();
      await d.limiterFor('TWAVE').pause(300);
      for (let i = 0; i < 24; i++)
        await t.handoff.store.enqueue({ teamId: 'TWAVE', kind: 'dm', dedupeKey: `wave:${i}`, userId: `UW${i}`, payload: { reason: 'notice', text: 'hi' } }, new Date(0));
      d.kick();
      await eventually(() => expect(counting.sent()).toBe(24), 15_000);
      expect(counting.mostInFlight()).toBeGreaterThanOrEqual(2);
    } finally {
      await d.stop();
      await t.close();
    }
  });
});

describe('outbox: batched claims (PostgreSQL)', () => {
  const statusOf = async (t: TestApp) => Object.fromEntries((await selectRows(t, 'outbox')).map((r) => [r.dedupeKey, r.status]));
  const enqueueRows = async (t: TestApp) => {
    for (let i = 0; i < 6; i++)
      await t.handoff.store.enqueue({ teamId: TEAM, kind: 'dm', dedupeKey: `row:${i}`, userId: `U${i}`, payload: { reason: 'notice', text: 'hi' } }, t.clock.now());
  };

  it('one claim takes the batch; a sender’s reads before its pace do not hold up the next sender; rows no sender took are handed back on stop', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const sent: string[] = [];
    const d = new OutboxDispatcher(
      t.handoff.store,
      {
        deliver: async (row, pace) => {
          // The first row's build is slow (a digest's round trips on PostgreSQL), before its pace.
          if (row.dedupeKey === 'row:0') await gate;
          await pace();
          sent.push(row.dedupeKey);
          return { status: 'sent', ts: null };
        },
        findDelivered: async () => null,
      },
      t.clock,
      t.handoff.logger,
      { concurrency: 2, ratePerSecond: 1000, startRatePerSecond: 1000, claimBatch: 4 },
    );
    try {
      await t.handoff.dispatcher.stop();
      await enqueueRows(t);
      d.kick();
      // The other sender goes on while row 0 is still being built: rows 1–3 (the rest of the first
      // batch), then 4 and 5 from a second claim.
      await eventually(() => expect(sent).toEqual(['row:1', 'row:2', 'row:3', 'row:4', 'row:5']));
      expect((await statusOf(t))['row:0']).toBe('sending');
      openGate();
      await eventually(() => expect(sent).toContain('row:0'));
    } finally {
      openGate();
      await d.stop();
      await t.close();
    }
  });

  it('rows claimed in a batch that no sender took are handed back untouched on stop', async () => {
    const t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const d = new OutboxDispatcher(
      t.handoff.store,
      { deliver: async (_row, pace) => (await gate, await pace(), { status: 'sent', ts: null }), findDelivered: async () => null },
      t.clock,
      t.handoff.logger,
      { concurrency: 1, ratePerSecond: 1000, startRatePerSecond: 1000, claimBatch: 4 },
    );
    await t.handoff.dispatcher.stop();
    await enqueueRows(t);
    d.kick();
    // One claim of four; the one sender holds the first.
    await eventually(async () => expect(Object.values(await statusOf(t))).toEqual(['sending', 'sending', 'sending', 'sending', 'pending', 'pending']));
    const stopped = d.stop();
    openGate();
    await stopped;
    // The sender's row woke to a stopped dispatcher and went back too (as with one-row claims).
    expect(Object.values(await statusOf(t))).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending']);
    expect(await selectOne(t, 'outbox', { dedupeKey: 'row:1' })).toMatchObject({ attempts: 0, lastError: null, claimedBy: null, leaseUntil: null });
    // Handed back as never started, not found still claimed at the end.
    expect(t.logs.join('')).not.toContain('handed back deliveries still claimed at stop');
    await t.close();
  });
});
