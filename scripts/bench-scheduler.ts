/**
 * The scheduler in the running app, at default settings, on a big database: 100,000 people and
 * 1,000,000 handoffs, `--wave` of them due at the same instant (the next whole minute, real clock;
 * their zones differ, so is their local start minute).
 *
 *   npm run bench:scheduler -- [--people 100000] [--handoffs 1000000] [--wave 10000]
 *     [--deliveries 1000] [--slack-rate 50] [--db path] [--keep] [--app-env KEY=VALUE]…
 *
 * Processes: the app (`node dist/index.js`, HTTP mode, its own settings unless --app-env), a fake
 * Slack throttling chat.postMessage at --slack-rate/s workspace-wide and 1/s per conversation (429 +
 * Retry-After), and a prober hitting the app's /healthz 20 times a second (a stalled event loop
 * shows as a slow answer). Prints: the sweeps the app logged, /healthz latency and event-loop
 * delay (from the app's /metrics) before and during the wave, time from the slot to the first digest and to `--deliveries` digests, the delivery rate
 * as a share of the fake's, the app's CPU per delivered digest, and the app process's peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations, type DbHandle } from '../src/db/client';
import { ALL_DAYS } from '../src/domain/workSchedule';
import { localInstant, localParts } from '../src/time';
import { prng } from '../src/domain/prng';
import { buildApp, startChild } from '../test/reliability/support/child';
import { benchArgs, describeEnv } from './bench/args';
import { sweeps, parseLogLines } from './bench/appLog';
import { startFakeSlack, startGenerator, stopProcess } from './bench/children';
import { scrapeEventLoop } from './bench/metrics';
import { cpuMs, peakRssMb, rssMb } from './bench/proc';
import { log, sleep } from './bench/rig';
import { summarize } from './bench/stats';
import { BOT_TOKEN, nextSlot, SIGNING_SECRET, TEAM, waveUserId as userIdOf } from './bench/world';

const ZONES = [
  'Asia/Tokyo',
  'America/New_York',
  'Europe/Lisbon',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Los_Angeles',
  'Asia/Kathmandu',
  'Europe/Berlin',
  'America/Sao_Paulo',
  'UTC',
];

interface Options {
  people: number;
  handoffs: number;
  wave: number;
  deliveries: number;
  slackRate: number;
  dbFile: string | null;
  keep: boolean;
  appEnv: Record<string, string>;
}

function parseOptions(argv: string[]): Options {
  const { get, num, flag, appEnv } = benchArgs(argv);
  return {
    people: num('people', 100_000),
    handoffs: num('handoffs', 1_000_000),
    wave: num('wave', 10_000),
    deliveries: num('deliveries', 1000),
    slackRate: num('slack-rate', 50),
    dbFile: get('db') ?? null,
    keep: flag('keep'),
    appEnv,
  };
}

/** A digest slot at the whole minute of `target` in `tz`: start minute, local date and instant agree. */
function slotAt(tz: string, target: number): { startMinute: number; date: string; at: number } {
  const { date, minuteOfDay } = localParts(tz, new Date(target));
  return { startMinute: minuteOfDay, date, at: localInstant(tz, date, minuteOfDay).getTime() };
}

/**
 * People: due at some minute in the next 24 h (the wave is moved to its slot later, see `dueAt`). Handoffs: random author → 1 recipient (10 % have 2); 15 % open or acknowledged, 1 % resolved
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
      const target = now + 3600_000 + Math.floor(random() * 22 * 3600_000);
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
        insertHandoff.run(
          id,
          TEAM,
          id,
          userIdOf(author),
          `Handoff ${id}`,
          `Please look at item ${id} and reply with the numbers`,
          state,
          closed ? 'Done, see the sheet' : null,
          closed ? userIdOf(recipient) : null,
          resolvedAt,
          state === 'cancelled' ? resolvedAt : told,
          created,
          created,
        );
        insertRecipient.run(id, TEAM, userIdOf(recipient), created + 60_000, created);
        if (random() < 0.1) insertRecipient.run(id, TEAM, userIdOf((recipient + 1 + Math.floor(random() * 100)) % o.people), null, created);
      }
    })();
  }
  db.pragma('synchronous = NORMAL');
  db.exec('analyze');
}

/** The first `wave` people: due at `slot` (a whole minute), their workday starting then. */
function dueAt(file: string, wave: number, slot: number): void {
  const handle = openDatabase(file);
  const db = handle.sqlite;
  const update = db.prepare('update users set workday_start_minute = ?, workday_end_minute = ?, next_digest_at = ?, next_digest_local_date = ? where team_id = ? and user_id = ?');
  db.transaction(() => {
    for (let i = 0; i < wave; i++) {
      const s = slotAt(ZONES[i % ZONES.length]!, slot);
      update.run(s.startMinute, (s.startMinute + 480) % 1440, s.at, s.date, TEAM, userIdOf(i));
    }
  })();
  handle.close();
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
  const dbFile = o.dbFile ?? path.join(dir, 'bench.db');
  console.log(
    `bench:scheduler — ${o.people.toLocaleString('en')} people, ${o.handoffs.toLocaleString('en')} handoffs, wave of ${o.wave.toLocaleString('en')}; app settings: ${describeEnv(o.appEnv)}`,
  );
  const entry = await buildApp();
  if (!fs.existsSync(dbFile)) {
    const t0 = performance.now();
    const handle = openDatabase(dbFile);
    runMigrations(handle);
    seed(handle, o, Date.now());
    handle.close();
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(fs.statSync(dbFile).size / 1e6).toFixed(0)} MB)`);
  }
  const work = path.join(dir, 'work.db');
  fs.copyFileSync(dbFile, work);
  const fake = await startFakeSlack({ wave: o.wave, workspaceRate: o.slackRate, channelRate: 1 });
  const slot = nextSlot(Date.now(), 30_000);
  dueAt(work, o.wave, slot);
  const app = await startChild(entry, {
    SLACK_API_URL: fake.url,
    DATABASE_URL: `file:${work}`,
    LOG_LEVEL: 'info',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    ...o.appEnv,
  });
  await app.ready(120_000);
  const pid = app.proc.pid!;
  const idleRss = rssMb(pid);
  const gen = startGenerator();
  const probeStart = Date.now();
  const scraper = scrapeEventLoop(`http://127.0.0.1:${app.port}/metrics`);
  const probing = gen.run({
    targets: [],
    rate: 1,
    durationMs: 3600_000,
    mix: [['list', 1]],
    fakeSlackBase: fake.base,
    probe: { url: `http://127.0.0.1:${app.port}/healthz`, rate: 20 },
  });
  log(`app pid ${pid}; ${o.wave} people due at ${new Date(slot).toISOString()} (in ${((slot - Date.now()) / 1000).toFixed(0)} s)`);
  await sleep(Math.max(0, slot - Date.now()));
  const cpu0 = cpuMs(pid);
  const pendingDb = () => {
    const h = openDatabase(work);
    try {
      return (h.sqlite.prepare("select count(*) n from outbox where kind = 'digest' and status not in ('sent', 'skipped', 'failed')").get() as { n: number }).n;
    } finally {
      h.close();
    }
  };
  let stats;
  for (let last = -1, still = 0; ; ) {
    await sleep(1000);
    stats = await fake.stats();
    still = stats.digests === last ? still + 1 : 0;
    last = stats.digests;
    if (stats.digests >= o.deliveries) break;
    if (still >= 10 && Date.now() > slot + 30_000 && pendingDb() === 0) break; // every due digest went out (or was skipped)
    if ((Date.now() - slot) % 15_000 < 1000) log(`slot+${((Date.now() - slot) / 1000).toFixed(0)} s: ${stats.digests} digests, ${stats.limited} × 429`);
  }
  const cpu = cpuMs(pid) - cpu0;
  gen.stop();
  scraper.stop();
  const probes = (await probing).samples;
  const peak = peakRssMb(pid);
  const lines = parseLogLines(app.output());
  await stopProcess(app.proc);
  await stopProcess(gen.proc);
  await stopProcess(fake.proc);

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const probeRow = (name: string, from: number, to: number) => {
    const s = summarize(probes.filter((p) => p[2] >= from && p[2] < to).map((p) => p[3]));
    console.log(`${name.padEnd(38)}p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} (${s.n} probes)`);
  };
  const logged = sweeps(lines).filter((s) => s.time >= slot - 1000);
  console.log(`digest sweeps the app logged          ${logged.map((s) => `${s.ms} ms for ${s.enqueued} due`).join('; ') || 'none'}`);
  probeRow('/healthz before the slot', probeStart, slot);
  probeRow('/healthz, first 60 s of the wave', slot, slot + 60_000);
  const loop = (from: number, to: number) => {
    const inside = scraper.samples.filter((l) => l.time > from && l.time <= to);
    const worst = (xs: Array<number | undefined>) => Math.max(...xs.filter((x): x is number => x !== undefined));
    return inside.length ? `worst p99 ${ms(worst(inside.map((l) => l.p99)))}, max ${ms(worst(inside.map((l) => l.max)))}` : 'not served (no /metrics)';
  };
  console.log(`event-loop delay before the slot       ${loop(probeStart, slot)}`);
  console.log(`event-loop delay, first 60 s of wave   ${loop(slot, slot + 61_000)} (/metrics each second, beyond the 10 ms monitor resolution)`);
  const first = stats.firstDigestAt ? (stats.firstDigestAt - slot) / 1000 : NaN;
  const lastAt = stats.lastDigestAt ? (stats.lastDigestAt - slot) / 1000 : NaN;
  const rate = stats.firstDigestAt && stats.lastDigestAt && stats.digests > 1 ? stats.digests / ((stats.lastDigestAt - stats.firstDigestAt) / 1000) : NaN;
  console.log(`first digest                          ${first.toFixed(1)} s after the slot`);
  console.log(`digests delivered                     ${stats.digests} by slot+${lastAt.toFixed(1)} s (stopped at ${o.deliveries} or when the outbox was empty)`);
  console.log(`delivery rate                         ${rate.toFixed(1)}/s of ${o.slackRate}/s allowed = ${((100 * rate) / o.slackRate).toFixed(1)} % (${stats.limited} × 429)`);
  console.log(`app CPU per delivered digest          ${ms(cpu / Math.max(1, stats.digests))} (build, send, bookkeeping; whole process)`);
  console.log(`app RSS                               ${idleRss.toFixed(0)} MB idle after start, peak ${peak.toFixed(0)} MB (the app process only)`);
  if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
