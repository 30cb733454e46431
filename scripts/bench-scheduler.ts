/**
 * The scheduler in the running app, at default settings, on a big database: 100,000 people and
 * 1,000,000 handoffs, `--wave` of them due at the same instant (the next whole minute, real clock;
 * their zones differ, so is their local start minute) — on SQLite and on PostgreSQL, side by side.
 *
 *   npm run bench:scheduler -- [--db both|sqlite|postgres] [--people 100000] [--handoffs 1000000]
 *     [--wave 10000] [--deliveries 1000] [--slack-rate 50] [--sweeps 30] [--builds 200]
 *     [--sqlite-file path] [--pg-url postgres://…] [--keep] [--app-env KEY=VALUE]…
 *
 * Per backend, one after the other: the same seeded rows (scripts/bench/schedulerWorld.ts; a SQLite
 * file, or a fresh PostgreSQL database on --pg-url's server, default HANDOFF_TEST_POSTGRES_URL's,
 * dropped afterwards unless --keep). First, in the bench process through the store the app uses:
 * `--sweeps` sweeps with nobody due, one sweep of the whole wave, and `--builds` people's digests
 * built. Then the app (`node dist/index.js`, HTTP mode, its own settings unless --app-env) against a
 * fake Slack throttling chat.postMessage at --slack-rate/s workspace-wide and 1/s per conversation
 * (429 + Retry-After), probed on /healthz 20 times a second: the wave's sweep as the app logged it,
 * /healthz latency and event-loop delay (from /metrics) before and during the wave, time from the
 * slot to the first digest and to `--deliveries` digests, the delivery rate as a share of the fake's,
 * CPU per delivered digest (the app; on PostgreSQL also the server's backends), and peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, startChild } from '../test/reliability/support/child';
import { TEST_POSTGRES_URL } from './check-postgres';
import { benchArgs, describeEnv } from './bench/args';
import { sweeps, parseLogLines } from './bench/appLog';
import { startFakeSlack, startGenerator, stopProcess } from './bench/children';
import { scrapeEventLoop } from './bench/metrics';
import { backendCpu, type BackendCpu } from './bench/pgServerCpu';
import { cpuMs, peakRssMb, rssMb } from './bench/proc';
import { log, sleep } from './bench/rig';
import { postgresDb, sqliteDb, type Backend, type BenchDb } from './bench/schedulerDbs';
import { waveAt } from './bench/schedulerWorld';
import { summarize } from './bench/stats';
import { buildDigests, sweepNothingDue, sweepWave, WARM_UP_BUILDS } from './bench/storeFigures';
import { BOT_TOKEN, nextSlot, SIGNING_SECRET } from './bench/world';

interface Options {
  backends: Backend[];
  people: number;
  handoffs: number;
  wave: number;
  deliveries: number;
  slackRate: number;
  sweeps: number;
  builds: number;
  sqliteFile: string | null;
  pgUrl: string;
  keep: boolean;
  appEnv: Record<string, string>;
}

function parseOptions(argv: string[]): Options {
  const { get, num, flag, appEnv } = benchArgs(argv);
  const db = get('db') ?? 'both';
  if (!['both', 'sqlite', 'postgres'].includes(db)) throw new Error(`--db is both, sqlite or postgres (a seeded SQLite file is --sqlite-file), not ${db}`);
  return {
    backends: db === 'both' ? ['sqlite', 'postgres'] : [db as Backend],
    people: num('people', 100_000),
    handoffs: num('handoffs', 1_000_000),
    wave: num('wave', 10_000),
    deliveries: num('deliveries', 1000),
    slackRate: num('slack-rate', 50),
    sweeps: num('sweeps', 30),
    builds: num('builds', 200),
    sqliteFile: get('sqlite-file') ?? null,
    pgUrl: get('pg-url') ?? TEST_POSTGRES_URL,
    keep: flag('keep'),
    appEnv,
  };
}

/** One backend's figures, as table cells. */
type Figures = Map<string, string>;

const ms = (x: number) => `${x.toFixed(1)} ms`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/**
 * Runs `fn`; on PostgreSQL also says how much CPU the server's backends for this database spent
 * meanwhile, divided by `per` (" + server 1.2 ms"), looking at them every 250 ms.
 */
async function withServerCpu<T>(db: BenchDb, o: Options, per: number, fn: () => Promise<T>): Promise<[T, string]> {
  if (db.backend !== 'postgres') return [await fn(), ''];
  const server = await backendCpu(o.pgUrl, new URL(db.url).pathname.slice(1));
  await server.sample();
  const timer = setInterval(() => void server.sample().catch(() => undefined), 250);
  try {
    const result = await fn();
    await server.sample();
    return [result, ` + server ${ms(server.ms() / per)}`];
  } finally {
    clearInterval(timer);
    await server.stop();
  }
}

/** Through the store, in this process, before the app starts. CPU: this process (+ the server's). */
async function storeFigures(db: BenchDb, o: Options, f: Figures): Promise<void> {
  const store = await db.openStore();
  try {
    const [quiet, quietServer] = await withServerCpu(db, o, o.sweeps, () => sweepNothingDue(store, Date.now(), o.sweeps));
    f.set('sweep, nobody due (store)', `p50 ${ms(quiet.wall.p50)}, max ${ms(quiet.wall.max)}; CPU ${ms(quiet.cpuMs)}${quietServer}`);
    // A slot ten minutes out (the seed has nobody due within the hour), swept as the tick would 30 s ahead of it.
    const slot = nextSlot(Date.now() + 10 * 60_000, 0);
    await db.moveWave(o.wave, slot);
    const [wave, waveServer] = await withServerCpu(db, o, 1, () => sweepWave(store, slot - 30_000));
    f.set(`wave sweep, ${o.wave.toLocaleString('en')} due (store)`, `${ms(wave.ms)}; CPU ${ms(wave.cpuMs)}${waveServer}`);
    const dates = [...waveAt(o.wave, slot)].map((p) => p.date);
    const people = Math.min(o.builds, o.wave - WARM_UP_BUILDS);
    // The server's share counts the warm-up builds too.
    const [built, builtServer] = await withServerCpu(db, o, people + WARM_UP_BUILDS, () => buildDigests(store, slot, (i) => dates[i]!, people));
    f.set('digest build per person (store)', `p50 ${ms(built.wall.p50)}, p99 ${ms(built.wall.p99)}; CPU ${ms(built.cpuMs)}${builtServer}`);
  } finally {
    await store.close();
  }
  await db.clearOutbox();
}

/** The app on `db`, through a wave at the next whole minute. */
async function appFigures(db: BenchDb, o: Options, entry: string, f: Figures): Promise<void> {
  const fake = await startFakeSlack({ wave: o.wave, workspaceRate: o.slackRate, channelRate: 1 });
  const slot = nextSlot(Date.now(), 30_000);
  await db.moveWave(o.wave, slot);
  const app = await startChild(entry, {
    SLACK_API_URL: fake.url,
    DATABASE_URL: db.url,
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
  log(`${db.backend}: app pid ${pid}; ${o.wave} people due at ${new Date(slot).toISOString()} (in ${((slot - Date.now()) / 1000).toFixed(0)} s)`);
  await sleep(Math.max(0, slot - Date.now()));
  const server: BackendCpu | null = db.backend === 'postgres' ? await backendCpu(o.pgUrl, new URL(db.url).pathname.slice(1)) : null;
  await server?.sample();
  const cpu0 = cpuMs(pid);
  let stats;
  for (let last = -1, still = 0; ; ) {
    await sleep(1000);
    await server?.sample();
    stats = await fake.stats();
    still = stats.digests === last ? still + 1 : 0;
    last = stats.digests;
    if (stats.digests >= o.deliveries) break;
    if (still >= 10 && Date.now() > slot + 30_000 && (await db.pendingDigests()) === 0) break; // every due digest went out (or was skipped)
    if ((Date.now() - slot) % 15_000 < 1000) log(`${db.backend}: slot+${((Date.now() - slot) / 1000).toFixed(0)} s: ${stats.digests} digests, ${stats.limited} × 429`);
  }
  const cpu = cpuMs(pid) - cpu0;
  const serverCpu = server ? server.ms() : NaN;
  await server?.stop();
  gen.stop();
  scraper.stop();
  const probes = (await probing).samples;
  const peak = peakRssMb(pid);
  const lines = parseLogLines(app.output());
  await stopProcess(app.proc);
  await stopProcess(gen.proc);
  await stopProcess(fake.proc);

  const logged = sweeps(lines);
  const waveSweep = logged.reduce<(typeof logged)[number] | null>((best, s) => (!best || s.enqueued > best.enqueued ? s : best), null);
  f.set('wave sweep as the app logged it', waveSweep ? `${ms(waveSweep.ms)} for ${waveSweep.enqueued} due` : 'none logged');
  const probeCell = (from: number, to: number) => {
    const s = summarize(probes.filter((p) => p[2] >= from && p[2] < to).map((p) => p[3]));
    return `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`;
  };
  f.set('/healthz before the slot', probeCell(probeStart, slot));
  f.set('/healthz, first 60 s of the wave', probeCell(slot, slot + 60_000));
  const loop = (from: number, to: number) => {
    const inside = scraper.samples.filter((l) => l.time > from && l.time <= to);
    const worst = (xs: Array<number | undefined>) => Math.max(...xs.filter((x): x is number => x !== undefined));
    return inside.length ? `p99 ${ms(worst(inside.map((l) => l.p99)))}, max ${ms(worst(inside.map((l) => l.max)))}` : 'not served';
  };
  f.set('event-loop delay before the slot (worst)', loop(probeStart, slot));
  f.set('event-loop delay, first 60 s (worst)', loop(slot, slot + 61_000));
  const first = stats.firstDigestAt ? (stats.firstDigestAt - slot) / 1000 : NaN;
  const lastAt = stats.lastDigestAt ? (stats.lastDigestAt - slot) / 1000 : NaN;
  const rate = stats.firstDigestAt && stats.lastDigestAt && stats.digests > 1 ? stats.digests / ((stats.lastDigestAt - stats.firstDigestAt) / 1000) : NaN;
  f.set('first digest after the slot', `${first.toFixed(1)} s`);
  f.set('digests delivered', `${stats.digests} by slot+${lastAt.toFixed(1)} s`);
  f.set(`delivery rate (fake allows ${o.slackRate}/s)`, `${rate.toFixed(1)}/s = ${((100 * rate) / o.slackRate).toFixed(1)} % (${stats.limited} × 429)`);
  const perDigest = (x: number) => x / Math.max(1, stats.digests);
  f.set('CPU per delivered digest, app', ms(perDigest(cpu)));
  f.set('CPU per delivered digest, PostgreSQL server', server ? (Number.isNaN(serverCpu) ? 'not readable' : ms(perDigest(serverCpu))) : '— (in the app)');
  f.set('app RSS', `${idleRss.toFixed(0)} MB idle, peak ${peak.toFixed(0)} MB`);
}

async function runBackend(backend: Backend, o: Options, entry: string, dir: string): Promise<Figures> {
  const f: Figures = new Map();
  f.set('machine load (1, 5, 15 min) at the start', load());
  const db = backend === 'sqlite' ? sqliteDb(o, dir, o.sqliteFile) : await postgresDb(o, o.pgUrl);
  log(`${backend}: ${db.seeded}`);
  f.set('seed', db.seeded.replace(/, database .*\)/, ')'));
  try {
    await storeFigures(db, o, f);
    await appFigures(db, o, entry, f);
  } finally {
    const kept = await db.drop(o.keep);
    if (kept) log(`${backend}: kept ${kept}`);
  }
  f.set('machine load at the end', load());
  return f;
}

function printTable(backends: Backend[], results: Figures[]): void {
  const rows = [...new Set(results.flatMap((f) => [...f.keys()]))];
  const label = Math.max(...rows.map((r) => r.length)) + 2;
  const width = Math.max(...results.flatMap((f) => [...f.values()].map((v) => v.length)), 10) + 3;
  console.log(`${''.padEnd(label)}${backends.map((b) => b.padEnd(width)).join('')}`);
  for (const row of rows) console.log(`${row.padEnd(label)}${results.map((f) => (f.get(row) ?? '').padEnd(width)).join('')}`);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  console.log(
    `bench:scheduler — ${o.people.toLocaleString('en')} people, ${o.handoffs.toLocaleString('en')} handoffs, wave of ${o.wave.toLocaleString('en')}; ${o.backends.join(' and ')}; app settings: ${describeEnv(o.appEnv)}`,
  );
  const entry = await buildApp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
  const results: Figures[] = [];
  try {
    for (const backend of o.backends) results.push(await runBackend(backend, o, entry, dir));
  } finally {
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
  printTable(o.backends, results);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
