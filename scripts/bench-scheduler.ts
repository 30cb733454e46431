/**
 * Scheduler benchmark on a big SQLite database: 100,000 people and 1,000,000 handoffs.
 *
 *   npx tsx scripts/bench-scheduler.ts [--people 100000] [--handoffs 1000000] [--wave 10000]
 *     [--deliveries 3000] [--slack-rate 100] [--builds 2000] [--db path] [--keep]
 *
 * (`npm run bench:scheduler`.) Prints: sweep time with nothing due; time to enqueue a wave
 * (sweepDueDigests); digest build time per person; delivery rate against a fake Slack that allows
 * --slack-rate chat.postMessage calls per second (as a fraction of that rate), once with the outbox
 * configured at that rate and once configured at twice it (so 429s and Retry-After do the pacing);
 * and peak RSS. Everything runs through the real app (createHandoff), as production wires it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { FakeSlack } from '../test/harness/fakeSlack';
import { openDatabase, runMigrations, type DbHandle } from '../src/db/client';
import { loadConfig } from '../src/config';
import { createHandoff, type Handoff } from '../src/app';
import { sweepDueDigests } from '../src/scheduler/digestSweep';
import { DigestBuilder } from '../src/delivery/digestBuilder';
import { ALL_DAYS } from '../src/domain/workSchedule';
import { localInstant, localParts } from '../src/time';
import { prng } from '../test/harness/prng';

const TEAM = 'T0001';
const BOT_TOKEN = 'xoxb-test-token';
const ZONES = ['Asia/Tokyo', 'America/New_York', 'Europe/Lisbon', 'Asia/Kolkata', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kathmandu', 'Europe/Berlin', 'America/Sao_Paulo', 'UTC'];
const MAX_LATE_MS = 4 * 3600_000;

interface Options {
  people: number;
  handoffs: number;
  wave: number;
  deliveries: number;
  slackRate: number;
  builds: number;
  dbFile: string | null;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, def: number) => Number(get(name) ?? def);
  return {
    people: num('people', 100_000),
    handoffs: num('handoffs', 1_000_000),
    wave: num('wave', 10_000),
    deliveries: num('deliveries', 3000),
    slackRate: num('slack-rate', 100),
    builds: num('builds', 2000),
    dbFile: get('db') ?? null,
    keep: argv.includes('--keep'),
  };
}


const userIdOf = (i: number) => `U${String(i).padStart(7, '0')}`;
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const rssNow = () => `${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`;

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

/** A digest slot at the whole minute of `target` in `tz`: start minute, local date and instant agree. */
function slotAt(tz: string, target: number): { startMinute: number; date: string; at: number } {
  const { date, minuteOfDay } = localParts(tz, new Date(target));
  return { startMinute: minuteOfDay, date, at: localInstant(tz, date, minuteOfDay).getTime() };
}

/**
 * People: the first `wave` are due 0–10 minutes before `now`; everyone else is due later in the next
 * 24 h. Handoffs: random author → 1 recipient (10 % have 2); 15 % open or acknowledged, 1 % resolved
 * and not yet told to the author, the rest resolved and told, or cancelled.
 */
function seed(handle: DbHandle, o: Options, now: number): void {
  const random = prng(7);
  const db = handle.sqlite;
  db.pragma('synchronous = OFF');
  const insertUser = db.prepare(`insert into users (team_id, user_id, display_name, slack_tz, workday_start_minute, workday_end_minute,
      working_days, next_digest_at, next_digest_local_date, profile_fetched_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertHandoff = db.prepare(`insert into handoffs (id, team_id, number, author_id, title, ask, state, resolution_note, resolved_by, resolved_at,
      author_notified_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRecipient = db.prepare(`insert or ignore into handoff_recipients (handoff_id, team_id, user_id, active, notified_at, added_at) values (?, ?, ?, 1, ?, ?)`);
  db.transaction(() => {
    db.prepare(`insert into workspaces (team_id, status, next_handoff_number, created_at) values (?, 'active', ?, ?)`).run(TEAM, o.handoffs + 1, now);
    for (let i = 0; i < o.people; i++) {
      const tz = ZONES[i % ZONES.length]!;
      const target = i < o.wave ? now - Math.floor(random() * 10 * 60_000) : now + 60_000 + Math.floor(random() * 24 * 3600_000);
      const s = slotAt(tz, target);
      insertUser.run(TEAM, userIdOf(i), `Person ${i}`, tz, s.startMinute, (s.startMinute + 480) % 1440, ALL_DAYS, s.at, s.date, now, now, now);
    }
  })();
  const batch = 100_000;
  for (let start = 0; start < o.handoffs; start += batch) {
    db.transaction(() => {
      for (let id = start + 1; id <= Math.min(o.handoffs, start + batch); id++) {
        const author = Math.floor(random() * o.people);
        let recipient = Math.floor(random() * o.people);
        if (recipient === author) recipient = (recipient + 1) % o.people;
        const created = now - Math.floor(random() * 180 * 86400_000);
        const r = random();
        const state = r < 0.1 ? 'open' : r < 0.15 ? 'acknowledged' : r < 0.85 ? 'done' : r < 0.9 ? 'declined' : 'cancelled';
        const closed = state !== 'open' && state !== 'acknowledged';
        const resolvedAt = closed ? created + 3600_000 : null;
        const told = closed && random() > 0.07 ? resolvedAt! + 60_000 : null; // ≈1 % of all: resolved, author not told yet
        insertHandoff.run(id, TEAM, id, userIdOf(author), `Handoff ${id}`, `Please look at item ${id} and reply with the numbers`, state,
          closed ? 'Done, see the sheet' : null, closed ? userIdOf(recipient) : null, resolvedAt, state === 'cancelled' ? resolvedAt : told, created, created);
        insertRecipient.run(id, TEAM, userIdOf(recipient), created + 60_000, created);
        if (random() < 0.1) insertRecipient.run(id, TEAM, userIdOf((recipient + 1 + Math.floor(random() * 100)) % o.people), null, created);
      }
    })();
    sampleRss();
  }
  db.pragma('synchronous = NORMAL');
  db.exec('analyze');
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function startApp(dbFile: string, fake: FakeSlack, now: number, rate: number): Promise<Handoff> {
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    SLACK_API_URL: fake.url,
    PORT: '0',
    DATABASE_URL: `file:${dbFile}`,
    LOG_LEVEL: 'error',
    DELIVERY_RATE_PER_SECOND: String(rate),
  });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const handoff = createHandoff(config, { clock: { now: () => new Date(now) }, logDestination: { write: (s: string) => sink.write(s) }, startScheduler: false });
  await handoff.start();
  return handoff;
}

/** Sends `count` due digests through the outbox; returns deliveries per second and the 429 count. */
async function deliveryRun(handoff: Handoff, fake: FakeSlack, count: number): Promise<{ perSecond: number; limited: number; seconds: number }> {
  fake.clearCalls();
  const sent = () => fake.callsTo('chat.postMessage').filter((c) => c.status === 200).length;
  const t0 = performance.now();
  handoff.dispatcher.kick();
  let nextReport = performance.now() + 1000;
  while (sent() < count) {
    await new Promise((r) => setTimeout(r, 20));
    sampleRss();
    if (process.env.BENCH_TRACE && performance.now() > nextReport) {
      nextReport += 1000;
      console.log(`  t=${((performance.now() - t0) / 1000).toFixed(0)}s sent=${sent()} pace=${handoff.dispatcher.limiterFor(TEAM).currentRate.toFixed(1)}/s 429s=${fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length}`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const limited = fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length;
  return { perSecond: sent() / seconds, limited, seconds };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
  const dbFile = o.dbFile ?? path.join(dir, 'bench.db');
  const now = Date.parse('2026-11-25T12:00:00Z');
  console.log(`bench-scheduler: ${o.people.toLocaleString('en')} people, ${o.handoffs.toLocaleString('en')} handoffs, wave of ${o.wave.toLocaleString('en')}`);

  const fresh = !fs.existsSync(dbFile);
  if (fresh) {
    const handle = openDatabase(dbFile);
    runMigrations(handle);
    const [, seedMs] = time(() => seed(handle, o, now));
    handle.close();
    console.log(`seed                                  ${(seedMs / 1000).toFixed(1)} s  (${(fs.statSync(dbFile).size / 1e6).toFixed(0)} MB database; RSS now ${rssNow()})`);
  }
  // Keep a pristine copy, so each measurement starts from the same state.
  const work = path.join(dir, 'work.db');
  const reset = () => {
    for (const f of [work, `${work}-wal`, `${work}-shm`]) fs.rmSync(f, { force: true });
    fs.copyFileSync(dbFile, work);
  };

  // 1. Sweep with nothing due (one minute before the wave).
  reset();
  {
    const handle = openDatabase(work);
    runMigrations(handle);
    const early = new Date(now - 11 * 60_000);
    const runs: number[] = [];
    for (let i = 0; i < 50; i++) runs.push((await timeAsync(() => sweepDueDigests(handle.db, early, MAX_LATE_MS)))[1]);
    console.log(`sweep, nothing due                    ${ms(median(runs))} (median of 50)`);

    // 2. The wave: everyone due in one sweep.
    // Wall time of the whole sliced sweep (it yields to the event loop between slices of 200).
    const [result, waveMs] = await timeAsync(() => sweepDueDigests(handle.db, new Date(now), MAX_LATE_MS));
    console.log(`sweep, wave → outbox                  ${ms(waveMs)} for ${result.enqueued.toLocaleString('en')} digests (${(waveMs / Math.max(1, result.enqueued) * 1000).toFixed(0)} µs each)`);

    // 3. Digest build per person (the wave's people, as delivery builds them).
    const builder = new DigestBuilder(handle.db, { now: () => new Date(now) });
    const people = Array.from({ length: Math.min(o.builds, o.wave) }, (_, i) => userIdOf(i));
    const dates = people.map((u) => (handle.sqlite.prepare('select local_date as d from outbox where user_id = ?').get(u) as { d: string } | undefined)?.d ?? '2026-11-25');
    let nonEmpty = 0;
    let items = 0;
    const [, buildMs] = time(() => {
      people.forEach((u, i) => {
        const built = builder.build(TEAM, u, dates[i]!);
        if (built) {
          nonEmpty += 1;
          items += built.plan.waitingOnYou.length + built.plan.unblocked.length;
        }
      });
    });
    console.log(`digest build                          ${ms(buildMs / people.length)} per person (${people.length} people, ${nonEmpty} with a digest, ${(items / Math.max(1, nonEmpty)).toFixed(1)} items each)`);
    sampleRss();
    handle.close();
    console.log(`  (RSS after sweep and builds: ${rssNow()})`);
  }

  // 4. Delivery against a rate-limited fake Slack.
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  try {
    for (let i = 0; i < o.wave; i++) fake.addUser({ id: userIdOf(i), tz: ZONES[i % ZONES.length] });
    fake.setRateLimitPerSecond('chat.postMessage', o.slackRate);
    for (const factor of [1, 2]) {
      reset();
      const handle = openDatabase(work);
      runMigrations(handle);
      await sweepDueDigests(handle.db, new Date(now), MAX_LATE_MS);
      handle.close();
      // Let the fake's one-second window empty, so each run starts from a clean slate.
      await new Promise((r) => setTimeout(r, 1500));
      const handoff = await startApp(work, fake, now, o.slackRate * factor);
      const r = await deliveryRun(handoff, fake, o.deliveries);
      await handoff.stop();
      console.log(
        `delivery, outbox at ${String(factor === 1 ? '1×' : '2×').padEnd(2)} Slack’s rate       ${r.perSecond.toFixed(1)}/s of ${o.slackRate}/s allowed = ${((r.perSecond / o.slackRate) * 100).toFixed(1)} % (${o.deliveries} digests in ${r.seconds.toFixed(1)} s, ${r.limited} × 429; RSS ${rssNow()})`,
      );
    }
  } finally {
    await fake.close();
  }

  sampleRss();
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  console.log(`peak RSS                              ${(maxRss / 1e6).toFixed(0)} MB`);
  if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
