/**
 * The running app under a morning wave, next to a bare Bolt app acking the same traffic.
 *
 *   npm run bench:waves -- [--people 10000,50000] [--rate 20] [--before 20] [--after 20]
 *     [--max-delivery 1200] [--kind-seconds 8] [--cpu-rounds 3] [--kind-warmup-seconds 10] [--kind-warmup-rate 100] [--step-seconds 4] [--rates 25,50,100,150,200,300]
 *     [--workspace-rate 50] [--no-kinds] [--app-env KEY=VALUE]… [--app-entry OTHER/dist/index.js] [--app-node-arg ARG]…
 *     [--app-log FILE (the app’s log, as FILE.<people>)]
 *
 * Processes: the real app (`node dist/index.js`, HTTP mode, default settings), a fake Slack that
 * throttles chat.postMessage at `--workspace-rate`/s workspace-wide and 1/s per conversation (429 +
 * Retry-After), a bare Bolt app, and an open-loop load generator. For each wave size: a fresh
 * database with that many people due at the next whole minute (one zone), a steady `--rate` req/s
 * mix to both apps before, during and after the wave. Then, once, per request kind: CPU per request
 * and the highest rate with p99 ≤ 100 ms and no ack over 3 s. Prints one table at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import { benchArgs, describeEnv } from './bench/args';
import { eventLoopSamples, parseLogLines, sweeps } from './bench/appLog';
import { startGenerator, stopProcess, type Generator } from './bench/children';
import type { Sample } from './bench/loadGenerator';
import { loopHolds, type HoldSummary } from './bench/loopHolds';
import { scrapeEventLoop } from './bench/metrics';
import { peakRssMb } from './bench/proc';
import { STEADY_MIX } from './bench/requests';
import { kindTable, log, measureKind, sleep, startRig, TARGETS, type KindResult } from './bench/rig';
import { cell, summarize, type Summary } from './bench/stats';
import { nextSlot } from './bench/world';
import { PLAN_AHEAD_MS } from '../src/scheduler/digestSweep';

interface Options {
  people: number[];
  rate: number;
  warmup: number;
  before: number;
  after: number;
  maxDelivery: number;
  kinds: boolean;
  kindSeconds: number;
  cpuRounds: number;
  kindWarmup: { seconds: number; rate: number };
  stepSeconds: number;
  rates: number[];
  workspaceRate: number;
  probeRate: number;
  appEnv: Record<string, string>;
  appEntry: string | undefined;
  /** Node flags for the app process, e.g. `--cpu-prof`. */
  appNodeArgs: string[];
  /** Write the app's log of each wave here (`<file>.<people>`), e.g. to read its rate-limit lines. */
  appLog: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const { num, list, flag, appEnv, get, appEntry, appNodeArgs, kindWarmup } = benchArgs(argv);
  return {
    people: list('people', '10000,50000'),
    rate: num('rate', 20),
    warmup: num('warmup', 3),
    before: num('before', 20),
    after: num('after', 20),
    maxDelivery: num('max-delivery', 1200),
    kinds: !flag('no-kinds'),
    kindSeconds: num('kind-seconds', 8),
    cpuRounds: num('cpu-rounds', 3),
    kindWarmup,
    stepSeconds: num('step-seconds', 4),
    rates: list('rates', '25,50,100,150,200,300'),
    workspaceRate: num('workspace-rate', 50),
    probeRate: num('probe-rate', 20),
    appEnv,
    appEntry,
    appNodeArgs,
    appLog: get('app-log'),
  };
}

interface LoopDelay {
  p99: number;
  max: number;
  n: number;
  source: string;
}

interface WaveResult {
  people: number;
  slot: number;
  windows: Array<{ name: string; rows: Array<{ who: string; s: Summary; failed: number }> }>;
  firstS: number | null;
  lastS: number | null;
  delivered: number;
  achievedRate: number;
  limited: number;
  /** Other chat.postMessage the fake accepted between the first and the last digest (the steady mix's DMs share the budget). */
  otherPosts: number;
  sweepMs: number[];
  /** Worst per-second p99 and max event-loop delay (ms) during the wave, and before it. */
  loop: LoopDelay | null;
  loopBefore: LoopDelay | null;
  /** Why the loop was late during the wave: the app's own work or waiting for a core (see bench/loopHolds). */
  holds: HoldSummary | null;
  peakRss: number;
  bareRss: number;
  generatorLag: number;
  outcome: string;
}

function window(samples: Sample[], from: number, to: number, target: number): { s: Summary; failed: number } {
  const inside = samples.filter((x) => x[0] === target && x[2] >= from && x[2] < to);
  return { s: summarize(inside.map((x) => x[3])), failed: inside.filter((x) => x[4] !== 200).length };
}

async function oneWave(o: Options, gen: Generator, people: number, withKinds: boolean): Promise<{ wave: WaveResult; kinds: KindResult[] }> {
  // Start-up, warm-up and the "before" window must fit in front of the slot.
  const slot = nextSlot(Date.now(), 15_000 + people / 10 + (o.warmup + o.before) * 1000);
  log(`${people} people due at ${new Date(slot).toISOString()}; seeding, starting the app`);
  const holds = loopHolds();
  const rig = await startRig({
    wave: people,
    slotAt: slot,
    workspaceRate: o.workspaceRate,
    appEnv: { ...o.appEnv, ...holds.env },
    appNodeArgs: [...holds.nodeArgs, ...o.appNodeArgs],
    gen,
    ...(o.appEntry ? { appEntry: o.appEntry } : {}),
  });
  const { fake, app, bare, targets } = rig;
  await gen.run({ targets, rate: o.rate, durationMs: o.warmup * 1000, mix: STEADY_MIX, fakeSlackBase: fake.base });
  const start = Date.now();
  if (slot - start < 5000) log(`warning: only ${((slot - start) / 1000).toFixed(1)} s before the slot`);
  log(`steady ${o.rate} req/s to each app; slot in ${((slot - start) / 1000).toFixed(0)} s`);
  const scraper = scrapeEventLoop(`http://127.0.0.1:${app.port}/metrics`);
  const steady = gen.run({
    targets,
    rate: o.rate,
    durationMs: slot - start + (o.maxDelivery + o.after + 10) * 1000,
    mix: STEADY_MIX,
    fakeSlackBase: fake.base,
    probe: { url: `http://127.0.0.1:${app.port}/healthz`, rate: o.probeRate },
  });
  let lastReport = 0;
  let stats;
  for (;;) {
    await sleep(1000);
    stats = await fake.stats();
    const now = Date.now();
    if (now - lastReport > 15_000 && now > slot) {
      lastReport = now;
      log(`t=slot+${((now - slot) / 1000).toFixed(0)} s: ${stats.digests}/${people} digests, ${stats.limited} × 429`);
    }
    if (stats.digests >= people || now > slot + o.maxDelivery * 1000) break;
  }
  const waveEnd = stats.digests >= people ? stats.lastDigestAt! : Date.now();
  if (stats.digests < people) log(`stopping: ${stats.digests} of ${people} digests after ${o.maxDelivery} s`);
  await sleep(o.after * 1000);
  gen.stop();
  const done = await steady;
  scraper.stop();
  const end = Date.now();

  const rows = (from: number, to: number) => [0, 1].map((t) => ({ who: TARGETS[t]! as string, ...window(done.samples, from, to, t) }));
  const windows = [
    { name: 'before the wave', rows: rows(start, slot) },
    { name: 'wave: first 60 s', rows: rows(slot, Math.min(slot + 60_000, waveEnd)) },
    { name: 'during the wave', rows: rows(slot, waveEnd) },
    { name: 'after the wave', rows: rows(waveEnd, end) },
  ];
  const probes = done.samples.filter((x) => x[0] === -1 && x[2] >= slot && x[2] < waveEnd);
  windows[2]!.rows.push({ who: 'Handoff /healthz', s: summarize(probes.map((x) => x[3])), failed: probes.filter((x) => x[4] !== 200).length });

  const lines = parseLogLines(app.output());
  // Event-loop delay: from /metrics when the app serves it, else from its log lines, if any.
  const fromLogs = eventLoopSamples(lines);
  const loopSource = scraper.samples.length ? '/metrics, scraped each second, beyond the monitor’s sampling interval' : 'the app’s log lines, as logged';
  const allLoop = scraper.samples.length ? scraper.samples : fromLogs;
  // A sample at t covers the second before t: the window (from, to] takes samples up to `to`, plus
  // `tail` ms for the second that ends just after it.
  const loopIn = (from: number, to: number, tail: number) => {
    const inside = allLoop.filter((l) => l.time > from && l.time <= to + tail);
    if (!inside.length) return null;
    const p99s = inside.map((l) => l.p99).filter((x): x is number => x !== undefined);
    const maxes = inside.map((l) => l.max).filter((x): x is number => x !== undefined);
    return { p99: p99s.length ? Math.max(...p99s) : NaN, max: maxes.length ? Math.max(...maxes) : NaN, n: inside.length, source: loopSource };
  };
  const wave: WaveResult = {
    people,
    slot,
    windows,
    firstS: stats.firstDigestAt ? (stats.firstDigestAt - slot) / 1000 : null,
    lastS: stats.digests >= people && stats.lastDigestAt ? (stats.lastDigestAt - slot) / 1000 : null,
    delivered: stats.digests,
    achievedRate: stats.firstDigestAt && stats.lastDigestAt && stats.lastDigestAt > stats.firstDigestAt ? stats.digests / ((stats.lastDigestAt - stats.firstDigestAt) / 1000) : NaN,
    limited: stats.limited,
    otherPosts: stats.otherPostsAt.filter((t) => stats.firstDigestAt !== null && t >= stats.firstDigestAt && t <= waveEnd).length,
    // The wave is planned up to PLAN_AHEAD_MS before its slot.
    sweepMs: sweeps(lines)
      .filter((s) => s.time >= slot - PLAN_AHEAD_MS - 1000)
      .map((s) => s.ms),
    loop: loopIn(slot, waveEnd, 1000),
    loopBefore: loopIn(start, slot, 0),
    holds: holds.between(slot, waveEnd),
    // The high-water mark so far: the wave's peak, before the per-kind ramps push their own load.
    peakRss: peakRssMb(app.proc.pid!),
    bareRss: peakRssMb(bare.proc.pid!),
    generatorLag: done.worstFireLagMs,
    outcome: '',
  };

  const kinds: KindResult[] = [];
  holds.stop(app.proc.pid!);
  if (withKinds) for (const kind of ['list', 'click', 'proposal', 'create'] as const) kinds.push(await measureKind(rig, kind, o));

  wave.outcome = rig.outcome();
  if (o.appLog) fs.writeFileSync(`${o.appLog}.${people}`, app.output());
  await rig.stop();
  return { wave, kinds };
}

/** The "Done when" targets of issue 11 for one wave: [what, met (null: not measured)]. */
function targets(w: WaveResult, o: Options): Array<[string, boolean | null]> {
  const rowOf = (name: string, who: string) => w.windows.find((x) => x.name === name)?.rows.find((r) => r.who === who)?.s;
  const during = rowOf('during the wave', 'Handoff');
  const outside = ['before the wave', 'after the wave'].map((name) => [rowOf(name, 'Handoff'), rowOf(name, 'bare Bolt')] as const);
  return [
    ['during: p99 ≤ 100 ms', during ? during.p99 <= 100 : null],
    ['none > 1 s', during ? during.over1s === 0 : null],
    ['outside: p99 ≤ 1.5× bare', outside.every(([a, b]) => a && b) ? outside.every(([a, b]) => a!.p99 <= 1.5 * b!.p99) : null],
    ['loop max ≤ 50 ms', w.loop ? w.loop.max <= 50 : null],
    ['first ≤ 5 s', w.firstS === null ? false : w.firstS <= 5],
    [`last ≤ ${((w.people / o.workspaceRate) * 1.15).toFixed(0)} s`, w.lastS === null ? false : w.lastS <= (w.people / o.workspaceRate) * 1.15],
    ['rate ≥ 90 %', Number.isFinite(w.achievedRate) ? w.achievedRate >= 0.9 * o.workspaceRate : false],
  ];
}

function print(o: Options, waves: WaveResult[], kinds: KindResult[], env: string): void {
  const out: string[] = [];
  const p = (s = '') => out.push(s);
  p(
    `bench:waves — ${new Date().toISOString()}, ${os.cpus().length} cores, node ${process.version}; app settings: ${env} (and HANDOFFS_PER_PERSON_PER_MINUTE=1000 for the load’s senders)`,
  );
  p(
    `fake Slack: chat.postMessage ${o.workspaceRate}/s workspace-wide + 1/s per conversation (429 + Retry-After); steady mix ${o.rate} req/s to each app (${STEADY_MIX.map(([k, w]) => `${k} ${w}`).join(', ')})`,
  );
  for (const w of waves) {
    p();
    p(`== wave of ${w.people.toLocaleString('en')} people due at ${new Date(w.slot).toISOString().slice(11, 16)} UTC ==`);
    p(
      `ack latency, ms from the intended instant    ${'n'.padStart(6)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'>1s'.padStart(5)} ${'>3s'.padStart(5)} ${'fail'.padStart(5)}`,
    );
    for (const win of w.windows) {
      for (const r of win.rows) {
        p(
          `  ${win.name.padEnd(18)} ${r.who.padEnd(22)} ${String(r.s.n).padStart(6)} ${cell(r.s.p50)} ${cell(r.s.p99)} ${cell(r.s.max)} ${String(r.s.over1s).padStart(5)} ${String(r.s.over3s).padStart(5)} ${String(r.failed).padStart(5)}`,
        );
      }
      const [bare, app] = win.rows;
      if (bare && app && !win.name.startsWith('wave')) p(`  ${''.padEnd(18)} ${'p99 ratio Handoff/bare'.padEnd(22)} ${(app.s.p99 / bare.s.p99).toFixed(2)}×`);
    }
    const target = (w.people / o.workspaceRate) * 1.15;
    p(
      `digests: ${w.delivered.toLocaleString('en')} of ${w.people.toLocaleString('en')} delivered; first ${w.firstS === null ? '—' : `${w.firstS.toFixed(1)} s`} after the slot (target ≤ 5 s), last ${w.lastS === null ? `not within ${o.maxDelivery} s` : `${w.lastS.toFixed(1)} s`} (target ≤ ${target.toFixed(0)} s)`,
    );
    p(
      `delivery rate: ${Number.isFinite(w.achievedRate) ? `${w.achievedRate.toFixed(1)}/s = ${((100 * w.achievedRate) / o.workspaceRate).toFixed(1)} % of the fake's ${o.workspaceRate}/s` : '—'} (target ≥ 90 %); ${w.limited} × 429 from the fake`,
    );
    const waveS = w.firstS !== null && w.lastS !== null ? w.lastS - w.firstS : NaN;
    p(
      `other chat.postMessage accepted meanwhile (the steady mix's DMs, same workspace budget): ${w.otherPosts}${waveS > 0 ? ` = ${(w.otherPosts / waveS).toFixed(1)}/s; digests + others = ${(w.achievedRate + w.otherPosts / waveS).toFixed(1)}/s = ${((100 * (w.achievedRate + w.otherPosts / waveS)) / o.workspaceRate).toFixed(1)} % of the fake's` : ''}`,
    );
    p(`digest sweeps logged: ${w.sweepMs.length ? w.sweepMs.map((m) => `${m} ms`).join(', ') : 'none'}`);
    const loop = (l: LoopDelay | null) => (l ? `worst p99 ${cell(l.p99, 1, 0)} ms, max ${cell(l.max, 1, 0)} ms` : '—');
    p(
      `event-loop delay: during the wave ${loop(w.loop)} (target max ≤ 50 ms); before it ${loop(w.loopBefore)}${w.loop || w.loopBefore ? ` (${(w.loop ?? w.loopBefore)!.source})` : ' (neither /metrics nor the log reports it; see /healthz latency above)'}`,
    );
    if (w.holds) {
      const h = w.holds;
      p(
        `  why, from a 2 ms probe in the app: ${h.over50} gaps ≥ 50 ms, ${h.over50OnCpu} of them the app on a CPU for ≥ 50 ms; the longest ${h.longest.gap.toFixed(0)} ms = ${h.longest.cpu.toFixed(0)} ms on a CPU + ${h.longest.runq.toFixed(0)} ms waiting for a core; the app's longest stretch on a CPU ${h.longestOnCpu.toFixed(0)} ms`,
      );
    }
    p(`database after: ${w.outcome}`);
    p(`peak RSS up to the end of the wave: Handoff ${w.peakRss.toFixed(0)} MB (bare Bolt ${w.bareRss.toFixed(0)} MB); generator worst fire lag ${w.generatorLag.toFixed(1)} ms`);
    p(
      `issue 11 targets: ${targets(w, o)
        .map(([name, met]) => `${name} ${met === null ? 'n/a' : met ? 'met' : 'MISSED'}`)
        .join('; ')}`,
    );
  }
  if (kinds.length) {
    p();
    for (const line of kindTable(kinds, o)) p(line);
  }
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const gen = startGenerator();
  const waves: WaveResult[] = [];
  let kinds: KindResult[] = [];
  try {
    for (const [i, people] of o.people.entries()) {
      const r = await oneWave(o, gen, people, o.kinds && i === 0);
      waves.push(r.wave);
      if (r.kinds.length) kinds = r.kinds;
    }
  } finally {
    await stopProcess(gen.proc);
  }
  print(o, waves, kinds, `${describeEnv(o.appEnv)}${o.appEntry ? `; app build: ${o.appEntry}` : ''}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
