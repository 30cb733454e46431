/**
 * Outbox claims are leases (several processes may drain one outbox during a rolling deploy). These
 * run two app instances in one test process on one database file, against one fake Slack, with the
 * app clock injected; test/reliability/deploy.test.ts does the same with real processes.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { MetadataEventTypes } from '../../src/ids';
import { isGone, newClaimantId } from '../../src/delivery/claimant';
import { enqueue, markSent } from '../../src/db/queries/outbox';
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

/** A second process on the same file and the same Slack. */
async function second(t: TestApp): Promise<TestApp> {
  const b = await startTestApp({ now: NOW, dbFile: t.dbFile, fake: t.fake });
  apps.push(b);
  return b;
}

type Row = { id: number; status: string; claimedBy: string | null; leaseUntil: number | null; postingSince: number | null; lastError: string | null };
const dmRow = (t: TestApp): Row =>
  t.handoff.db.sqlite
    .prepare("select id, status, claimed_by as claimedBy, lease_until as leaseUntil, posting_since as postingSince, last_error as lastError from outbox where kind = 'dm'")
    .get() as Row;
const posts = (t: TestApp) => t.fake.messagesIn(LISBON).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification);

async function handOff(t: TestApp, ask: string): Promise<void> {
  await t.slack.command({ userId: AUTHOR, text: `<@${LISBON}> ${ask}` });
  await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(ask), 5000);
}

/** What a claim by another process looks like. */
function claimAs(t: TestApp, id: number, claim: { by: string; leaseUntil: number; postingSince: number | null }): void {
  t.handoff.db.sqlite
    .prepare("update outbox set status = 'sending', claimed_by = ?, lease_until = ?, posting_since = ?, message_ts = null, sent_at = null where id = ?")
    .run(claim.by, claim.leaseUntil, claim.postingSince, id);
}

/** A claimant id of a process that ran on this host and has exited. */
function deadClaimant(): string {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const [host, ns] = newClaimantId().split('#');
  return [host, ns, done.stdout.trim(), 'dead0001'].join('#');
}

describe('outbox leases', () => {
  it('another process’s claim is left alone while its lease runs, then taken over as unverified and found in Slack', async () => {
    const t = await first();
    await handOff(t, 'check the invoice run');
    const row = dmRow(t);
    expect(posts(t)).toHaveLength(1);
    // Another host posted it and is still within its lease (we cannot see its pid).
    const now = t.clock.now().getTime();
    claimAs(t, row.id, { by: 'other-host#pid:[1]#4242#abcd', leaseUntil: now + 60_000, postingSince: now });
    t.fake.clearCalls();
    await t.restart();
    await t.tick();
    expect(dmRow(t)).toMatchObject({ status: 'sending', claimedBy: 'other-host#pid:[1]#4242#abcd' });
    expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
    t.clock.advance(60_001);
    await t.tick();
    expect(dmRow(t)).toMatchObject({ status: 'sent', claimedBy: null, leaseUntil: null, postingSince: null });
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(posts(t)).toHaveLength(1);
  });

  it('a claim whose holder has exited is taken over at once if it had not started posting', async () => {
    const t = await first();
    await handOff(t, 'check the invoice run');
    const row = dmRow(t);
    const dead = deadClaimant();
    expect(isGone(dead)).toBe(true);
    // Claimed, but killed before it posted: the message never reached Slack.
    t.handoff.db.sqlite.prepare('update handoff_recipients set notified_at = null').run();
    t.fake.reset();
    t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
    claimAs(t, row.id, { by: dead, leaseUntil: t.clock.now().getTime() + 60_000, postingSince: null });
    await t.tick();
    expect(dmRow(t)).toMatchObject({ status: 'sent' });
    expect(posts(t)).toHaveLength(1);
  });

  it('…and only after a started post could have landed (SLACK_API_TIMEOUT_MS) if it had', async () => {
    const t = await first();
    await handOff(t, 'check the invoice run');
    const row = dmRow(t);
    const now = t.clock.now().getTime();
    claimAs(t, row.id, { by: deadClaimant(), leaseUntil: now + 60_000, postingSince: now });
    await t.tick();
    expect(dmRow(t).status).toBe('sending');
    t.clock.advance(10_000); // the default API timeout
    await t.tick();
    expect(dmRow(t)).toMatchObject({ status: 'sent' });
    expect(posts(t)).toHaveLength(1); // found in Slack, not posted again
  });

  it('a holder whose claim was taken over while it waited re-claims it and checks Slack before posting', async () => {
    const t = await first();
    await t.handoff.dispatcher.limiterFor('T0001').pause(1500); // say, a Retry-After
    const creating = handOff(t, 'check the invoice run');
    await eventually(() => expect(dmRow(t)?.status).toBe('sending'));
    // Meanwhile another process decided the lease had run out and put it back, unverified.
    t.handoff.db.sqlite.prepare(`update outbox set status = 'pending', claimed_by = null, lease_until = null, last_error = 'unverified: interrupted by a restart'`).run();
    await creating;
    await eventually(() => expect(dmRow(t).status).toBe('sent'), 5000);
    expect(posts(t)).toHaveLength(1);
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(t.logs.join('')).toContain('delivery claim was taken over while waiting to send');
  });

  it('a holder whose claim was taken over and sent by someone else posts nothing', async () => {
    const t = await first();
    await t.handoff.dispatcher.limiterFor('T0001').pause(1500);
    const creating = handOff(t, 'check the invoice run');
    await eventually(() => expect(dmRow(t)?.status).toBe('sending'));
    const row = dmRow(t);
    const mine = row.claimedBy!;
    // The other process took it over and sent it (as far as the database knows).
    t.handoff.db.sqlite.prepare(`update outbox set claimed_by = 'other-host#x#1#beef', lease_until = ? where id = ?`).run(t.clock.now().getTime() + 60_000, row.id);
    expect(markSent(t.handoff.db.db, row.id, mine, null, t.clock.now())).toBe(false); // only the holder may finish it
    expect(markSent(t.handoff.db.db, row.id, 'other-host#x#1#beef', '1700000000.000100', t.clock.now())).toBe(true);
    await creating;
    // Past the pause the first holder wakes, finds the claim gone, and gives the row up.
    await eventually(() => expect(t.logs.join('')).toContain('delivery claim was taken over while waiting to send'), 5000);
    expect(dmRow(t)).toMatchObject({ status: 'sent', claimedBy: null });
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
    await eventually(() => expect(dmRow(a)?.status).toBe('sending'));
    const b = await second(a);
    await b.tick();
    expect(dmRow(b)).toMatchObject({ status: 'sending', claimedBy: a.handoff.dispatcher.claimant });
    expect(a.fake.callsTo('chat.postMessage')).toHaveLength(0);
    await a.handoff.stop(); // SIGTERM: the unposted row goes back untouched (not unverified)
    expect(dmRow(b)).toMatchObject({ status: 'pending', claimedBy: null, lastError: null });
    // B notices without waiting for its next scheduler tick.
    await eventually(() => expect(dmRow(b).status).toBe('sent'), 5000);
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
    const id = enqueue(t.handoff.db.db, { teamId: 'T0001', kind: 'dm', dedupeKey: 'lease-test', userId: LISBON, payload: { reason: 'notice', text: 'hi' } }, t.clock.now())!;
    const sending = d.deliverNow([id]);
    const row = () =>
      t.handoff.db.sqlite.prepare('select status, claimed_by as claimedBy, lease_until as leaseUntil from outbox where id = ?').get(id) as Pick<
        Row,
        'status' | 'claimedBy' | 'leaseUntil'
      >;
    await eventually(() => expect(row()).toMatchObject({ status: 'sending', claimedBy: d.claimant, leaseUntil: t.clock.now().getTime() + 1000 }));
    t.clock.advance(5000); // five leases later on the app clock
    await eventually(() => expect(row().leaseUntil).toBe(t.clock.now().getTime() + 1000));
    expect(row()).toMatchObject({ status: 'sending', claimedBy: d.claimant });
    await d.stop();
    expect((await sending).get(id)).toEqual({ outcome: 'not_claimed' });
    expect(row()).toEqual({ status: 'pending', claimedBy: null, leaseUntil: null });
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
