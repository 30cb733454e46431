/**
 * Outbox claims are leases (several processes may drain one outbox during a rolling deploy). These
 * run two app instances in one test process on one database, against one fake Slack, with the
 * app clock injected; test/reliability/deploy.test.ts does the same with real processes.
 */
import os from 'node:os';
import fs from 'node:fs';
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { MetadataEventTypes } from '../../src/ids';
import { isGone, newClaimantId } from '../../src/delivery/claimant';
import { selectOne, updateRows } from '../harness/testDb';
import { claimAs, deadClaimant } from '../harness/claims';
import { OutboxDispatcher } from '../../src/delivery/outbox';

const LISBON = 'ULISBON'; // working at noon UTC: a new handoff DMs them at once
const AUTHOR = 'UAUTHOR';
const NOW = '2026-11-25T12:00:00Z';

let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.reverse()) await a.close();
  apps = [];
});

async function first(): Promise<TestApp> {
  const t = await startTestApp({ now: NOW });
  t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: AUTHOR, name: 'ada', tz: 'Europe/Lisbon' });
  apps.push(t);
  return t;
}

/** A second process on the same database and the same Slack. */
async function second(t: TestApp): Promise<TestApp> {
  const b = await startTestApp({ now: NOW, databaseUrl: t.databaseUrl, fake: t.fake });
  apps.push(b);
  return b;
}

type Row = { id: number; status: string; claimedBy: string | null; leaseUntil: number | null; postingSince: number | null; lastError: string | null };
/** The one DM row (fails while there is none). */
async function dmRow(t: TestApp): Promise<Row> {
  const { id, status, claimedBy, leaseUntil, postingSince, lastError } = await selectOne(t, 'outbox', { kind: 'dm' });
  return { id, status, claimedBy, leaseUntil, postingSince, lastError };
}
const posts = (t: TestApp) => t.fake.messagesIn(LISBON).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification);

async function handOff(t: TestApp, ask: string): Promise<void> {
  await t.slack.command({ userId: AUTHOR, text: `<@${LISBON}> ${ask}` });
  await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(ask), 5000);
}

describe('outbox leases', () => {
  it('another process’s claim is left alone while its lease runs, then taken over as unverified and found in Slack', async () => {
    const t = await first();
    await handOff(t, 'check the invoice run');
    const row = await dmRow(t);
    expect(posts(t)).toHaveLength(1);
    // Another host posted it and is still within its lease (we cannot see its pid).
    const now = t.clock.now().getTime();
    await claimAs(t, row.id, { by: 'other-host#pid:[1]#4242#abcd', leaseUntil: now + 60_000, postingSince: now });
    t.fake.clearCalls();
    await t.restart();
    await t.tick();
    expect(await dmRow(t)).toMatchObject({ status: 'sending', claimedBy: 'other-host#pid:[1]#4242#abcd' });
    expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
    t.clock.advance(60_001);
    await t.tick();
    expect(await dmRow(t)).toMatchObject({ status: 'sent', claimedBy: null, leaseUntil: null, postingSince: null });
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(posts(t)).toHaveLength(1);
  });

  it('a claim whose holder has exited is taken over at once if it had not started posting', async () => {
    const t = await first();
    await handOff(t, 'check the invoice run');
    const row = await dmRow(t);
    const dead = deadClaimant();
    expect(isGone(dead)).toBe(true);
    // Claimed, but killed before it posted: the message never reached Slack.
    await updateRows(t, 'handoffRecipients', { notifiedAt: null });
    t.fake.reset();
    t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
    await claimAs(t, row.id, { by: dead, leaseUntil: t.clock.now().getTime() + 60_000, postingSince: null });
    await t.tick();
    expect(await dmRow(t)).toMatchObject({ status: 'sent' });
    expect(posts(t)).toHaveLength(1);
  });

  it('…and only after a started post could have landed (SLACK_API_TIMEOUT_MS) if it had', async () => {
    const t = await first();
    await handOff(t, 'check the invoice run');
    const row = await dmRow(t);
    const now = t.clock.now().getTime();
    await claimAs(t, row.id, { by: deadClaimant(), leaseUntil: now + 60_000, postingSince: now });
    await t.tick();
    expect((await dmRow(t)).status).toBe('sending');
    t.clock.advance(10_000); // the default API timeout
    await t.tick();
    expect(await dmRow(t)).toMatchObject({ status: 'sent' });
    expect(posts(t)).toHaveLength(1); // found in Slack, not posted again
  });

  it('a holder whose claim was taken over while it waited re-claims it and checks Slack before posting', async () => {
    const t = await first();
    await t.handoff.dispatcher.limiterFor('T0001').pause(1500); // say, a Retry-After
    const creating = handOff(t, 'check the invoice run');
    await eventually(async () => expect((await dmRow(t)).status).toBe('sending'));
    // Meanwhile another process decided the lease had run out and put it back, unverified.
    await updateRows(t, 'outbox', { status: 'pending', claimedBy: null, leaseUntil: null, lastError: 'unverified: interrupted by a restart' });
    await creating;
    await eventually(async () => expect((await dmRow(t)).status).toBe('sent'), 5000);
    expect(posts(t)).toHaveLength(1);
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(t.logs.join('')).toContain('delivery claim was taken over while waiting to send');
  });

  it('a holder whose claim was taken over and sent by someone else posts nothing', async () => {
    const t = await first();
    await t.handoff.dispatcher.limiterFor('T0001').pause(1500);
    const creating = handOff(t, 'check the invoice run');
    await eventually(async () => expect((await dmRow(t)).status).toBe('sending'));
    const row = await dmRow(t);
    const mine = row.claimedBy!;
    // The other process took it over and sent it (as far as the database knows).
    await updateRows(t, 'outbox', { claimedBy: 'other-host#x#1#beef', leaseUntil: t.clock.now().getTime() + 60_000 }, { id: row.id });
    expect(await t.handoff.store.markSent(row.id, mine, null, t.clock.now())).toBe(false); // only the holder may finish it
    expect(await t.handoff.store.markSent(row.id, 'other-host#x#1#beef', '1700000000.000100', t.clock.now())).toBe(true);
    await creating;
    // Past the pause the first holder wakes, finds the claim gone, and gives the row up.
    await eventually(() => expect(t.logs.join('')).toContain('delivery claim was taken over while waiting to send'), 5000);
    expect(await dmRow(t)).toMatchObject({ status: 'sent', claimedBy: null });
    expect(posts(t)).toHaveLength(0);
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('a second process leaves a live claim alone, and picks the row up as soon as the first hands it back on stop', async () => {
    const a = await first();
    // A waits out a long Retry-After of that person's conversation (its own: a workspace's would
    // pause B as well, through the shared pace).
    const pace = a.handoff.dispatcher.limiterFor('T0001');
    pace.succeeded(LISBON);
    expect(await pace.limitedIn(LISBON, 60_000)).toBe('conversation');
    void a.slack.command({ userId: AUTHOR, text: `<@${LISBON}> check the invoice run` });
    await eventually(async () => expect((await dmRow(a)).status).toBe('sending'));
    const b = await second(a);
    await b.tick();
    expect(await dmRow(b)).toMatchObject({ status: 'sending', claimedBy: a.handoff.dispatcher.claimant });
    expect(a.fake.callsTo('chat.postMessage')).toHaveLength(0);
    await a.handoff.stop(); // SIGTERM: the unposted row goes back untouched (not unverified)
    expect(await dmRow(b)).toMatchObject({ status: 'pending', claimedBy: null, lastError: null });
    // B notices without waiting for its next scheduler tick.
    await eventually(async () => expect((await dmRow(b)).status).toBe('sent'), 5000);
    expect(posts(b)).toHaveLength(1);
    expect(b.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it('renews its leases while it works, so a long wait never lets its claim expire; hands it back on stop', async () => {
    const t = await first();
    // A dispatcher with a one-second lease (renewed every 250 ms) on the app's database.
    const d = new OutboxDispatcher(
      t.handoff.store,
      { deliver: async (_row, pace) => (await pace(), { status: 'sent', ts: null }), findDelivered: async () => null },
      t.clock,
      t.handoff.logger,
      { concurrency: 1, ratePerSecond: 10, leaseMs: 1000 },
    );
    await d.limiterFor('T0001').pause(60_000); // a long Retry-After
    const id = (await t.handoff.store.enqueue({ teamId: 'T0001', kind: 'dm', dedupeKey: 'lease-test', userId: LISBON, payload: { reason: 'notice', text: 'hi' } }, t.clock.now()))!;
    const sending = d.deliverNow([id]);
    const row = async (): Promise<Pick<Row, 'status' | 'claimedBy' | 'leaseUntil'>> => {
      const { status, claimedBy, leaseUntil } = await selectOne(t, 'outbox', { id });
      return { status, claimedBy, leaseUntil };
    };
    await eventually(async () => expect(await row()).toMatchObject({ status: 'sending', claimedBy: d.claimant, leaseUntil: t.clock.now().getTime() + 1000 }));
    t.clock.advance(5000); // five leases later on the app clock
    await eventually(async () => expect((await row()).leaseUntil).toBe(t.clock.now().getTime() + 1000));
    expect(await row()).toMatchObject({ status: 'sending', claimedBy: d.claimant });
    await d.stop();
    expect((await sending).get(id)).toEqual({ outcome: 'not_claimed' });
    expect(await row()).toEqual({ status: 'pending', claimedBy: null, leaseUntil: null });
  });

  it('a row whose holder dies in the middle of a long drain is taken over during it and sent in its turn, not after it', async () => {
    const t = await first();
    const now = t.clock.now().getTime();
    const notice = async (key: string, dueAt: number) =>
      (await t.handoff.store.enqueue(
        { teamId: 'T0001', kind: 'dm', dedupeKey: key, userId: LISBON, payload: { reason: 'notice', text: key }, nextAttemptAt: new Date(dueAt) },
        t.clock.now(),
      ))!;
    // A wave of 100 due rows, which one process sends at 20/s: a drain of about 5 s. Nobody else holds any.
    for (let i = 0; i < 100; i++) await notice(`wave-${i}`, now - 1000 + i);
    const sent: number[] = [];
    const d = new OutboxDispatcher(
      t.handoff.store,
      { deliver: async (row, pace) => (await pace(), sent.push(row.id), { status: 'sent', ts: null }), findDelivered: async () => null },
      t.clock,
      t.handoff.logger,
      { concurrency: 2, ratePerSecond: 20, startRatePerSecond: 20, apiTimeoutMs: 1000 },
    );
    try {
      d.kick();
      await eventually(() => expect(sent.length).toBeGreaterThan(0));
      // Meanwhile another process (this host, pid gone) died posting the oldest row of all (not due
      // until it is claimed, so no claim of ours comes in between).
      const orphan = await notice('orphan', now + 3_600_000);
      await claimAs(t, orphan, { by: deadClaimant(), leaseUntil: now + 60_000, postingSince: now });
      await updateRows(t, 'outbox', { nextAttemptAt: now - 5000 }, { id: orphan });
      t.clock.advance(1000); // past the grace a started post is given to land
      await eventually(() => expect(sent).toContain(orphan), 10_000);
      // Looked at again during the drain (every 2 s) and sent next, in its place, while a good part
      // of the wave was still to go out (taken over only when the drain ended, it came last).
      expect(sent.indexOf(orphan)).toBeLessThan(80);
      await eventually(() => expect(sent).toHaveLength(101), 15_000);
    } finally {
      await d.stop();
    }
  });

  it('claimant ids name host, pid namespace and pid; only a gone pid on this host counts as gone', () => {
    const id = newClaimantId();
    const [host, , pid, random] = id.split('#');
    expect(host).toBe(os.hostname());
    expect(Number(pid)).toBe(process.pid);
    expect(random).toMatch(/^[0-9a-f]{8}$/);
    expect(isGone(id)).toBe(false); // this very process
    expect(isGone(deadClaimant())).toBe(true);
    expect(isGone(`another-host#${id.split('#')[1]}#999999#abcd`)).toBe(false);
    if (fs.existsSync('/proc/self/ns/pid')) expect(isGone(`${host}#pid:[0]#999999#abcd`)).toBe(false); // another namespace
  });
});
