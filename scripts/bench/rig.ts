/**
 * The processes every ack bench needs — a fake Slack, the real app (`node dist/index.js`, HTTP
 * mode), a bare Bolt app and the load generator — and the per-kind measurements they share.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp, startChild, type Child } from '../../test/reliability/support/child';
import { startBareApp, startFakeSlack, startGenerator, stopProcess, type FakeSlackProcess, type Generator } from './children';
import { cpuMs } from './proc';
import type { Kind } from './requests';
import { cell, summarize, type Summary } from './stats';
import { BOT_TOKEN, seedDatabase, SIGNING_SECRET } from './world';

export const TARGETS = ['bare Bolt', 'Handoff'] as const;

const IDLE_WINDOW_MS = 3000;

export const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Rig {
  fake: FakeSlackProcess;
  app: Child;
  bare: { proc: Child['proc']; port: number };
  gen: Generator;
  /** POST URLs, bare first: index = TARGETS index. */
  targets: string[];
  pids: number[];
  dbFile: string;
  /** What the requests did: handoffs by state, outbox rows by status, errors the app logged. */
  outcome(): string;
  stop(): Promise<void>;
}

export interface RigOptions {
  /** People due at `slotAt` (0: none). */
  wave: number;
  slotAt: number;
  workspaceRate: number;
  appEnv: Record<string, string>;
  /** The bare app also sends each request's one answer (the floor; see bareApp.ts). */
  bareAnswers?: boolean;
  /** Node flags for the app process, e.g. `--cpu-prof`. */
  appNodeArgs?: string[];
  /** Another build's dist/index.js to run instead of this tree's (its own migrations run on the seeded database). */
  appEntry?: string;
  /** A generator to reuse across rigs; one is started (and stopped with the rig) otherwise. */
  gen?: Generator;
}

/** Seeds a fresh database, then starts the fake Slack, the app and the bare app. */
export async function startRig(o: RigOptions): Promise<Rig> {
  const entry = o.appEntry ?? (await buildApp());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  const fake = await startFakeSlack({ wave: o.wave, workspaceRate: o.workspaceRate, channelRate: 1 });
  seedDatabase(dbFile, o.wave, o.slotAt);
  const app = await startChild(
    entry,
    {
      SLACK_API_URL: fake.url,
      DATABASE_URL: `file:${dbFile}`,
      LOG_LEVEL: 'info',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      ...o.appEnv,
    },
    o.appNodeArgs,
  );
  // Stopped by a signal, the bench takes the app with it: the forked helpers leave on their own when
  // the bench's IPC channel closes, but the app has none and would run on (orphans skew later benches).
  const onSignal = (signal: NodeJS.Signals): void => {
    app.proc.kill('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let bare: Awaited<ReturnType<typeof startBareApp>>;
  try {
    await app.ready(60_000);
    bare = await startBareApp(fake.url, o.bareAnswers);
  } catch (e) {
    // Not started: nothing would stop what is already running.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopProcess(app.proc);
    await stopProcess(fake.proc);
    throw e;
  }
  const gen = o.gen ?? startGenerator();
  return {
    fake,
    app,
    bare,
    gen,
    targets: [`http://127.0.0.1:${bare.port}/slack/events`, `http://127.0.0.1:${app.port}/slack/events`],
    pids: [bare.proc.pid!, app.proc.pid!],
    dbFile,
    outcome() {
      const db = new Database(dbFile, { readonly: true });
      try {
        const group = (sql: string) => (db.prepare(sql).all() as Array<{ k: string; n: number }>).map((r) => `${r.k} ${r.n}`).join(', ');
        const errors = app
          .output()
          .split('\n')
          .filter((l) => /"level":(50|60)/.test(l));
        const first = errors[0] ? `; first: ${errors[0].slice(0, 300)}` : '';
        return `handoffs by state: ${group('select state k, count(*) n from handoffs group by state')}; outbox: ${group("select kind || ' ' || status k, count(*) n from outbox group by kind, status")}; app errors logged: ${errors.length}${first}`;
      } finally {
        db.close();
      }
    },
    async stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await stopProcess(app.proc);
      // BENCH_APP_OUTPUT=FILE keeps what the app printed (with `--app-node-arg --trace-gc`, say).
      if (process.env.BENCH_APP_OUTPUT) fs.writeFileSync(process.env.BENCH_APP_OUTPUT, app.output());
      await stopProcess(bare.proc);
      await stopProcess(fake.proc);
      if (!o.gen) await stopProcess(gen.proc);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface KindOptions {
  /** Rate for the CPU measurement, req/s. */
  rate: number;
  kindSeconds: number;
  /** CPU measurements per app, alternating; the median is reported (default 1). */
  cpuRounds?: number;
  /**
   * Before the rounds, this kind alone at `rate` req/s for `seconds`, to both apps (not measured):
   * V8 compiles a request path's functions only once they have run often enough, which at 20 req/s
   * takes minutes (one kind's rounds fell from 5.4 to 2.8 ms a request over 7 rounds, the bare app's
   * from 3.0 to 1.1). Without it the figure is mostly the JIT's warm-up, first kind worst.
   */
  kindWarmup?: { rate: number; seconds: number };
  stepSeconds: number;
  rates: number[];
}

export interface RatePoint {
  rate: number;
  target: number;
  s: Summary;
  failed: number;
  ok: boolean;
}

export interface KindResult {
  kind: Kind;
  /** CPU ms per request, [bare, Handoff]. */
  cpu: [number, number];
  /**
   * Median over the rounds of each round's Handoff/bare ratio: both apps took the same requests in the
   * same window, so a noisy round moves both (the medians of each app alone can come from different rounds).
   */
  pairedRatio: number;
  /** CPU ms per second with no requests, just before each round (median), [bare, Handoff]. */
  idlePerSecond: [number, number];
  /** Highest passing rate, [bare, Handoff]; null: none passed. */
  maxRate: [number | null, number | null];
  points: RatePoint[];
}

/**
 * CPU per request of one kind at `rate` (whole process, including the work after the ack and
 * whatever else the process did meanwhile: timers, GC), then a ramp over `rates`, bare app and Handoff alternating point by point, until a
 * target misses p99 ≤ 100 ms with no ack over 3 s and every request answered 200.
 */
export async function measureKind(rig: Rig, kind: Kind, o: KindOptions): Promise<KindResult> {
  const { gen, targets, pids } = rig;
  const fakeSlackBase = rig.fake.base;
  // Both apps take the same requests, interleaved, in the same window, so a busy neighbour on a shared
  // machine slows both alike; the median of the rounds is kept, as noise comes in bursts.
  const rounds: [number[], number[]] = [[], []];
  const idle: [number[], number[]] = [[], []];
  if (o.kindWarmup && o.kindWarmup.seconds > 0) {
    await gen.run({ targets: [...targets], rate: o.kindWarmup.rate, durationMs: o.kindWarmup.seconds * 1000, mix: [[kind, 1]], fakeSlackBase });
  }
  for (let round = 0; round < (o.cpuRounds ?? 1); round++) {
    // Let the previous step's work finish (and, before the first kind, the app's start-up and warm-up):
    // measured from a fixed pause, the first kind paid for work that was not its own (idle at 11–17
    // ms/s against 5 later, and ~1 ms more per request, whichever kind came first).
    await settled(pids[1]!);
    // What each process spends with no requests at all (timers, the scheduler's tick, checkpoints),
    // per second: shown beside the figure, never subtracted from it.
    const i0 = pids.map(cpuMs);
    await sleep(IDLE_WINDOW_MS);
    for (const t of [0, 1]) idle[t]!.push(((cpuMs(pids[t]!) - i0[t]!) * 1000) / IDLE_WINDOW_MS);
    const c0 = pids.map(cpuMs);
    const done = await gen.run({ targets: [...targets], rate: o.rate, durationMs: o.kindSeconds * 1000, mix: [[kind, 1]], fakeSlackBase });
    await sleep(2000); // the work after the ack (database, Slack calls) belongs to the request too
    for (const t of [0, 1]) rounds[t]!.push((cpuMs(pids[t]!) - c0[t]!) / done.samples.filter((x) => x[0] === t).length);
  }
  const cpu: [number, number] = [median(rounds[0]), median(rounds[1])];
  const pairedRatio = median(rounds[1].map((h, i) => h / rounds[0][i]!));
  const idlePerSecond: [number, number] = [median(idle[0]), median(idle[1])];
  const each = rounds[0].length > 1 ? ` (rounds: bare ${rounds[0].map((x) => x.toFixed(2)).join(' ')}; Handoff ${rounds[1].map((x) => x.toFixed(2)).join(' ')})` : '';
  log(
    `${kind}: CPU per request bare ${cpu[0].toFixed(2)} ms, Handoff ${cpu[1].toFixed(2)} ms${each}, paired ratio ${pairedRatio.toFixed(2)}×; idle CPU bare ${idlePerSecond[0].toFixed(1)} ms/s, Handoff ${idlePerSecond[1].toFixed(1)} ms/s`,
  );
  const maxRate: [number | null, number | null] = [null, null];
  const failed = [false, false];
  const points: RatePoint[] = [];
  for (const rate of o.rates) {
    for (const t of [0, 1]) {
      if (failed[t]) continue;
      const done = await gen.run({ targets: [targets[t]!], rate, durationMs: o.stepSeconds * 1000, mix: [[kind, 1]], fakeSlackBase });
      const s = summarize(done.samples.map((x) => x[3]));
      const bad = done.samples.filter((x) => x[4] !== 200).length;
      const ok = s.p99 <= 100 && s.over3s === 0 && bad === 0;
      points.push({ rate, target: t, s, failed: bad, ok });
      log(`${kind} ${TARGETS[t]} ${rate}/s: p50 ${s.p50.toFixed(1)} p99 ${s.p99.toFixed(1)} max ${s.max.toFixed(1)} ms${bad ? `, ${bad} failed` : ''}${ok ? '' : ' ✗'}`);
      if (ok) maxRate[t] = rate;
      else failed[t] = true;
      await sleep(2000);
    }
    if (failed[0] && failed[1]) break;
  }
  return { kind, cpu, pairedRatio, idlePerSecond, maxRate, points };
}

/** How long `settled` waits at most for a process to go quiet. */
const SETTLE_MAX_MS = 30_000;
const SETTLE_WINDOW_MS = 1000;

/**
 * Waits (at least 2 s) until `pid` is quiet: three 1-second windows in a row within 30 % of their own
 * mean CPU (or 2 ms/s of each other on an almost idle process), or SETTLE_MAX_MS. Returns the last
 * windows' CPU, ms per second.
 */
export async function settled(pid: number): Promise<number[]> {
  const windows: number[] = [];
  const started = Date.now();
  await sleep(1000);
  while (Date.now() - started < SETTLE_MAX_MS) {
    const c0 = cpuMs(pid);
    await sleep(SETTLE_WINDOW_MS);
    windows.push(((cpuMs(pid) - c0) * 1000) / SETTLE_WINDOW_MS);
    const last = windows.slice(-3);
    if (last.length < 3) continue;
    const mean = last.reduce((a, b) => a + b, 0) / 3;
    if (last.every((x) => Math.abs(x - mean) <= Math.max(0.3 * mean, 2))) return last;
  }
  log(
    `the app did not go quiet within ${SETTLE_MAX_MS / 1000} s (last seconds: ${windows
      .slice(-3)
      .map((x) => x.toFixed(1))
      .join(', ')} ms/s); measuring anyway`,
  );
  return windows.slice(-3);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The per-kind table: CPU per request, ratio, highest passing rate. */
export function kindTable(kinds: KindResult[], o: KindOptions): string[] {
  const out = [
    `per request kind: CPU per request at ${o.rate} req/s (both apps taking the same interleaved requests at once${(o.cpuRounds ?? 1) > 1 ? `, median of ${o.cpuRounds} rounds` : ''}${o.kindWarmup && o.kindWarmup.seconds > 0 ? `, after ${o.kindWarmup.seconds} s of that kind at ${o.kindWarmup.rate} req/s to warm both apps' JIT` : ', no per-kind warm-up'}; whole process, ${o.kindSeconds} s + 2 s of after-ack work, from each thread’s schedstat; idle = CPU per second with no requests, measured just before, not subtracted; ratio = of the medians, paired = median of each round's own ratio); max rate = highest of ${o.rates.join(', ')} req/s (${o.stepSeconds} s each, apps alternating) with p99 ≤ 100 ms, no ack > 3 s`,
    `  ${'kind'.padEnd(10)} ${'Handoff ms'.padStart(10)} ${'bare ms'.padStart(9)} ${'ratio'.padStart(7)} ${'paired'.padStart(7)} ${'Handoff max/s'.padStart(14)} ${'bare max/s'.padStart(11)} ${'idle ms/s Handoff/bare'.padStart(23)}`,
  ];
  const r = (x: number | null) => (x === null ? `< ${o.rates[0]}` : String(x));
  for (const k of kinds) {
    out.push(
      `  ${k.kind.padEnd(10)} ${cell(k.cpu[1], 2, 10)} ${cell(k.cpu[0], 2, 9)} ${`${(k.cpu[1] / k.cpu[0]).toFixed(1)}×`.padStart(7)} ${`${k.pairedRatio.toFixed(1)}×`.padStart(7)} ${r(k.maxRate[1]).padStart(14)} ${r(k.maxRate[0]).padStart(11)} ${`${k.idlePerSecond[1].toFixed(1)} / ${k.idlePerSecond[0].toFixed(1)}`.padStart(23)}`,
    );
  }
  const cheap = kinds.filter((k) => k.cpu[1] <= 3 * k.cpu[0]).length;
  const fast = kinds.filter((k) => (k.maxRate[1] ?? 0) >= 150).length;
  out.push(
    `  issue 11 targets: CPU ≤ 3× bare for ${cheap} of ${kinds.length} kinds; ≥ 150 req/s for ${fast} of ${kinds.length}${o.rates.includes(150) ? '' : ' (150 is not among --rates)'}`,
  );
  return out;
}
