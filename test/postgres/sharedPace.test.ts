/**
 * Issue 14: Slack's rate limits are per workspace, so every process sending to a workspace shares one
 * pace, the workspace's delivery_pace row. Several dispatchers, each on a Store of its own (three
 * PgStores on one PostgreSQL database: replicas; two SqliteStores on one file: a rolling deploy),
 * drain one workspace's outbox against one fake Slack: together they never start more sends in any
 * second than the configured limit, deliver every row once, and a 429 that one of them hears pauses
 * them all.
 */
import { WebClient } from '@slack/web-api';
import { silentSlackLogger } from '../harness/silentSlackLogger';
import type { Store } from '../../src/db/store';
import { OutboxDispatcher } from '../../src/delivery/outbox';
import { slotSpacing } from '../../src/delivery/rateLimiter';
import { DEFAULT_PACE_TUNING, WorkspacePace, type PaceTuning } from '../../src/delivery/sharedPace';
import { createLogger } from '../../src/logger';
import { FakeSlack } from '../harness/fakeSlack';
import { eventually } from '../harness/testApp';
import { describeStores, type StoreContext } from './support/stores';
import { busiestWindow } from '../harness/slidingWindow';

/** DELIVERY_RATE_PER_SECOND of every dispatcher here. */
const LIMIT = 20;
/**
 * The fake Slack and every dispatcher share this process's event loop, so a timer here often fires
 * tens of milliseconds late: a slot's grace of 50 ms covers most of that (the default, 10 ms, is for a
 * process of its own; later sends move the slots after them back, see rateLimiter.ts). Lead and batch
 * are the defaults.
 */
const TUNING: PaceTuning = { ...DEFAULT_PACE_TUNING, graceMs: 50 };
const ROWS = 80;

const logger = createLogger({ level: 'silent', secrets: [] });

/** A send as the dispatcher started it: when its pace let it go, and which dispatcher. */
interface Start {
  at: number;
  by: number;
}

/** The test's store and `n - 1` more on the same database (each its own connections, like a process). */
async function storesOf(ctx: StoreContext, n: number): Promise<Store[]> {
  const stores = [ctx.store];
  while (stores.length < n) stores.push(await ctx.another());
  return stores;
}

interface Rig {
  fake: FakeSlack;
  dispatchers: OutboxDispatcher[];
  starts: Start[];
  /** When a dispatcher had recorded a 429 (the shared pace written, the row put back). */
  limitedAt: number[];
  users: string[];
  ids: number[];
  accepted(): number;
  close(): Promise<void>;
}

/** `ROWS` DMs of one workspace, one per person, and a dispatcher on each store, posting to one fake Slack. */
async function rig(stores: Store[]): Promise<Rig> {
  const fake = await FakeSlack.start();
  const starts: Start[] = [];
  const limitedAt: number[] = [];
  const users = Array.from({ length: ROWS }, (_, i) => `UPACE${String(i).padStart(3, '0')}`);
  for (const id of users) fake.addUser({ id, name: id.toLowerCase() });
  const now = new Date();
  const ids: number[] = [];
  for (const userId of users) {
    const id = await stores[0]!.enqueue({ teamId: fake.teamId, kind: 'dm', dedupeKey: `pace:${userId}`, userId, payload: { text: 'hi' } }, now);
    ids.push(id!);
  }
  const dispatchers = stores.map((store, by) => {
    const client = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: silentSlackLogger });
    return new OutboxDispatcher(
      store,
      {
        deliver: async (row, pace) => {
          await pace();
          starts.push({ at: Date.now(), by });
          const posted = await client.chat.postMessage({ channel: row.userId!, text: `row ${row.id}` });
          return { status: 'sent', ts: posted.ts ?? null };
        },
        findDelivered: async () => null,
      },
      { now: () => new Date() }, // rows a 429 put back come due in real time
      logger,
      {
        concurrency: 4,
        ratePerSecond: LIMIT,
        startRatePerSecond: LIMIT,
        pace: TUNING,
        observe: (_row, outcome, error) => {
          if (outcome === 'retry' && error === 'ratelimited') limitedAt.push(Date.now());
        },
      },
    );
  });
  return {
    fake,
    dispatchers,
    starts,
    limitedAt,
    users,
    ids,
    accepted: () => fake.callsTo('chat.postMessage').filter((c) => c.status === 200).length,
    close: async () => {
      await Promise.all(dispatchers.map((d) => d.stop()));
      await fake.close();
    },
  };
}

/** Waits until every row is marked sent, then: each person holds exactly one message. */
async function expectEachDeliveredOnce(r: Rig, store: Store): Promise<void> {
  await eventually(async () => {
    for (const id of r.ids) expect((await store.getOutboxRow(id))?.status).toBe('sent');
  }, 30_000);
  for (const u of r.users) expect(r.fake.messagesIn(u)).toHaveLength(1);
  expect(r.accepted()).toBe(ROWS);
}

describeStores('shared rate budget', (ctx) => {
  const replicas = () => (ctx().backend === 'postgres' ? 3 : 2);

  it('dispatchers on separate stores together start at most the configured limit in any second, and deliver each row once', async () => {
    const stores = await storesOf(ctx(), replicas());
    const r = await rig(stores);
    try {
      for (const d of r.dispatchers) d.kick();
      await expectEachDeliveredOnce(r, stores[0]!);
      // Every dispatcher took part: the budget was shared, not left to one of them.
      for (let by = 0; by < stores.length; by++) expect(r.starts.filter((s) => s.by === by).length).toBeGreaterThan(0);
      // Each of them alone would start LIMIT a second: together, still LIMIT.
      expect(busiestWindow(r.starts.map((s) => s.at)).count).toBeLessThanOrEqual(LIMIT);
      // At the fake too, give or take one: a send arrives after an HTTP round of this (busy) process,
      // which may delay a second's first send past its slot's grace while the second's last is on time.
      expect(r.fake.busiestSecond('chat.postMessage')).toBeLessThanOrEqual(LIMIT + 1);
      // And not far under it: a whole second of sends at the limit.
      expect(busiestWindow(r.starts.map((s) => s.at)).count).toBeGreaterThanOrEqual(LIMIT - 2);
    } finally {
      await r.close();
    }
  });

  it('a 429 one dispatcher hears pauses them all until its Retry-After is over', async () => {
    const stores = await storesOf(ctx(), replicas());
    const r = await rig(stores);
    try {
      for (const d of r.dispatchers) d.kick();
      await eventually(() => expect(r.accepted()).toBeGreaterThanOrEqual(20), 30_000);
      r.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 2 });
      await eventually(() => expect(r.limitedAt.length).toBeGreaterThan(0), 30_000);
      await expectEachDeliveredOnce(r, stores[0]!);
      const refused = r.fake.callsTo('chat.postMessage').filter((c) => c.status === 429);
      expect(refused).toHaveLength(1);
      const pauseEnd = refused[0]!.at + 2000;
      const recorded = r.limitedAt[0]!;
      // The pause is the workspace's, in the shared row, for every process to find.
      expect((await stores[stores.length - 1]!.getPace(r.fake.teamId))?.pausedUntil).toBeGreaterThanOrEqual(pauseEnd);
      // Once it was recorded, only slots handed out before may still start a send: a reservation
      // reaches at most two leads ahead (its first slot is at most a lead away), and a slot goes
      // within its grace (a later one needs a write first, which finds the pause). So at most the
      // slots of 2 × lead + grace of the shared schedule. Without the shared pause, the other
      // dispatchers would go on at LIMIT a second each for the whole 2 s.
      const outstanding = Math.ceil((2 * TUNING.leadMs + TUNING.graceMs) / slotSpacing(LIMIT, TUNING.graceMs)) + 1;
      const duringPause = r.starts.filter((s) => s.at > recorded && s.at < pauseEnd);
      expect(duringPause.length).toBeLessThanOrEqual(outstanding);
      // Afterwards everyone goes on, still within the limit.
      expect(r.starts.filter((s) => s.at >= pauseEnd).length).toBeGreaterThan(0);
      expect(busiestWindow(r.starts.map((s) => s.at)).count).toBeLessThanOrEqual(LIMIT);
    } finally {
      await r.close();
    }
  });

  it('reservations from every store at once never hand out a slot twice, and keep the spacing', async () => {
    const stores = await storesOf(ctx(), replicas());
    const tuning: PaceTuning = { batch: 4, leadMs: 100, graceMs: 1000, arrivalJitterMs: 0 };
    // Two processes' worth of paces per store, four senders each, at 1000/s: slots 2 ms apart, so
    // the reservations collide.
    const paces = stores.flatMap((s) => [0, 1].map(() => new WorkspacePace(s, 'TRACE', { maxRate: 1000, startRate: 1000 }, tuning)));
    const slots: number[] = [];
    const sender = async (pace: WorkspacePace) => {
      while (slots.length < 300) {
        const turn = await pace.next();
        if ('slot' in turn) slots.push(turn.slot);
        else await new Promise((resolve) => setTimeout(resolve, turn.waitMs));
      }
    };
    await Promise.all(paces.flatMap((pace) => [sender(pace), sender(pace), sender(pace), sender(pace)]));
    const sorted = [...slots].sort((a, b) => a - b);
    const spacing = slotSpacing(1000, tuning.graceMs);
    const closest = Math.min(...sorted.slice(1).map((x, i) => x - sorted[i]!));
    expect(closest).toBeGreaterThanOrEqual(spacing - 1e-6);
    expect(sorted.length).toBeGreaterThanOrEqual(300);
    // Reserved a few at a time: far fewer writes than slots.
    const row = await stores[0]!.getPace('TRACE');
    expect(row?.version).toBeGreaterThan(300 / tuning.batch);
    expect(row?.version).toBeLessThan(300);
  });
});
