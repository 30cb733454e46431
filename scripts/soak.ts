/**
 * Soak: the real app as a process (`npm run build`, `node dist/index.js`) against a fake Slack on
 * loopback, fed a steady open-loop mix of commands, clicks, modal submissions and events for a few
 * minutes. Reports the error rate, ack latency percentiles (overall and per kind) and the app's
 * memory over time (RSS after warm-up: the goal is flat).
 *
 *   npm run soak -- [--rate 25] [--seconds 300] [--warmup 60] [--seed 1]
 *
 * Latency counts from each request's intended instant. A request fails when it is not answered 200
 * or its ack takes over 3 s (Slack's budget: the person sees an error, Slack retries the event).
 * Exits non-zero if any request failed, an error was logged, or memory kept growing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FakeSlack } from '../test/harness/fakeSlack';
import { SlackRequester, type SlackResponse } from '../test/harness/slackRequests';
import { ActionIds, CallbackIds, HandoffModalFields as F, ResolveModalFields } from '../src/ids';
import { BOT_TOKEN, buildApp, rng, SIGNING_SECRET, startChild } from '../test/reliability/support/child';
import { percentile } from './bench/stats';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const TEAM = 'T0001';
const ACK_BUDGET_MS = 3000;
const ZONES = ['Europe/Lisbon', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Europe/Berlin', 'Australia/Sydney'];

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const rate = arg('rate', 25);
  const seconds = arg('seconds', 300);
  const warmup = arg('warmup', 60);
  const random = rng(arg('seed', 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  console.log(`building…`);
  const entry = await buildApp();
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  const people = Array.from({ length: 30 }, (_, i) => `U0P${String(i).padStart(3, '0')}`);
  people.forEach((id, i) => fake.addUser({ id, name: `person${i}`, tz: ZONES[i % ZONES.length] }));
  fake.addChannel({ id: 'C0SOAK', name: 'soak', members: people });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-soak-'));
  const dbFile = path.join(dir, 'soak.db');
  // --trace-gc: the live heap after each full (mark-compact) GC is the clearest leak signal.
  const child = await startChild(entry, { SLACK_API_URL: fake.url, DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: 'warn', DELIVERY_RATE_PER_SECOND: '100' }, ['--trace-gc']);
  await child.ready();
  const slack = new SlackRequester({
    baseUrl: `http://127.0.0.1:${child.port}`,
    signingSecret: SIGNING_SECRET,
    teamId: TEAM,
    issueTriggerId: (u) => fake.issueTriggerId(u),
    responseUrl: () => fake.responseUrl(),
  });
  console.log(`app pid ${child.proc.pid} on :${child.port}; ${rate} req/s for ${seconds} s (warm-up ${warmup} s)`);

  let created = 0;
  const text = (i: number) => `soak ask ${i}: could you check the rollout numbers before the review? ${'detail '.repeat(Math.floor(random() * 40))}`;
  // The traffic mix: [weight, kind, request].
  const mix: Array<[number, string, (i: number) => Promise<SlackResponse>]> = [
    [25, 'command: create', (i) => slack.command({ userId: pick(people), text: `<@${pick(people)}> <@${pick(people)}> ${text(i)}` })],
    [10, 'command: list', () => slack.command({ userId: pick(people), text: 'list' })],
    [4, 'command: help', () => slack.command({ userId: pick(people), text: 'help' })],
    [5, 'command: done', () => slack.command({ userId: pick(people), text: `done ${1 + Math.floor(random() * Math.max(1, created))} shipped` })],
    [3, 'command: form', () => slack.command({ userId: pick(people), text: '' })],
    [
      8,
      'modal: create',
      (i) => {
        const author = pick(people);
        const values = {
          [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: [pick(people)] } },
          [F.ask.block]: { [F.ask.action]: text(i) },
          [F.title.block]: { [F.title.action]: '' },
          [F.channel.block]: { [F.channel.action]: { type: 'conversations_select', selected_conversation: random() < 0.3 ? 'C0SOAK' : null } },
          [F.urgent.block]: { [F.urgent.action]: { type: 'checkboxes', selected_options: random() < 0.2 ? [{ value: 'urgent' }] : [] } },
        };
        return slack.interaction(slack.viewSubmission({ userId: author, callbackId: CallbackIds.handoffModal, privateMetadata: JSON.stringify({ key: `soak-${i}` }), values }));
      },
    ],
    [
      12,
      'click: acknowledge',
      () => slack.interaction(slack.blockAction({ userId: pick(people), actionId: ActionIds.acknowledge, value: String(1 + Math.floor(random() * Math.max(1, created))) })),
    ],
    [
      5,
      'click: mark done',
      () => slack.interaction(slack.blockAction({ userId: pick(people), actionId: ActionIds.complete, value: String(1 + Math.floor(random() * Math.max(1, created))) })),
    ],
    [
      5,
      'modal: resolve',
      () =>
        slack.interaction(
          slack.viewSubmission({
            userId: pick(people),
            callbackId: CallbackIds.resolveModal,
            privateMetadata: JSON.stringify({ handoffId: 1 + Math.floor(random() * Math.max(1, created)), action: 'complete' }),
            values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'done in soak' } },
          }),
        ),
    ],
    [8, 'event: app_home_opened', () => slack.event({ type: 'app_home_opened', user: pick(people), channel: 'D0X', tab: 'home', event_ts: '1.0' })],
    [
      10,
      'event: message',
      (i) =>
        slack.event({
          type: 'message',
          channel: 'C0SOAK',
          channel_type: 'channel',
          user: pick(people),
          text: random() < 0.3 ? `can we hop on a quick call about it <@${pick(people)}>?` : `status update ${i}`,
          ts: `${1700000000 + i}.000100`,
          event_ts: `${1700000000 + i}.000100`,
        }),
    ],
    [
      5,
      'event: user_change',
      () => {
        const id = pick(people);
        return slack.event({
          type: 'user_change',
          user: { id, name: id.toLowerCase(), real_name: id, tz: pick(ZONES), profile: { display_name: id.toLowerCase() } },
          event_ts: '1.0',
        });
      },
    ],
  ];
  const totalWeight = mix.reduce((n, [w]) => n + w, 0);
  const choose = () => {
    let r = random() * totalWeight;
    for (const m of mix) if ((r -= m[0]) < 0) return m;
    return mix[0]!;
  };

  const latencies = new Map<string, number[]>();
  const failures: string[] = [];
  const memory: Array<{ t: number; rss: number }> = [];
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const inflight = new Set<Promise<void>>();
  const sampler = setInterval(() => {
    const t = (performance.now() - started) / 1000;
    memory.push({ t, rss: rssMb(child.proc.pid!) });
    // The fake keeps every call and message; drop them so the soak process itself stays small.
    fake.clearCalls();
    const done = [...latencies.values()].reduce((n, l) => n + l.length, 0);
    process.stdout.write(`\r${t.toFixed(0)} s: ${done} requests, ${failures.length} failed, RSS ${memory.at(-1)!.rss.toFixed(1)} MB   `);
  }, 5000);

  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [, kind, send] = choose();
    if (kind === 'command: create' || kind === 'modal: create') created += 1;
    const p: Promise<void> = send(i)
      .then((res) => {
        // From the intended instant, not the actual send: a late send is the app's delay too.
        const ms = performance.now() - due;
        (latencies.get(kind) ?? latencies.set(kind, []).get(kind)!).push(ms);
        if (res.status !== 200) failures.push(`${kind}: HTTP ${res.status}`);
        // Slack gives up on an ack after 3 s: the person sees an error and Slack retries the event.
        else if (ms > ACK_BUDGET_MS) failures.push(`${kind}: ack took ${ms.toFixed(0)} ms (over 3 s)`);
      })
      .catch((e: unknown) => void failures.push(`${kind}: ${(e as Error).message}`))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  clearInterval(sampler);
  memory.push({ t: (performance.now() - started) / 1000, rss: rssMb(child.proc.pid!) });
  // Let the outbox settle, then look at the database and the app's own log.
  await new Promise((r) => setTimeout(r, 3000));
  const output = child.output();
  child.proc.kill('SIGTERM');
  const exit = await child.exited;

  const db = new Database(dbFile, { readonly: true });
  const counts = db.prepare('select (select count(*) from handoffs) handoffs, (select count(*) from handoff_events) events, (select count(*) from outbox) outbox').get() as Record<
    string,
    number
  >;
  const outbox = Object.fromEntries(
    (db.prepare('select status, count(*) n from outbox group by status').all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]),
  );
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  const logLines = output.split('\n').filter((l) => l.startsWith('{'));
  const errorsLogged = logLines.filter((l) => /"level":(50|60)/.test(l) || /not acknowledged|unhandled/i.test(l));

  const all = [...latencies.values()].flat().sort((a, b) => a - b);
  const requests = all.length + failures.filter((f) => !/HTTP|over 3 s/.test(f)).length;
  const slow = failures.filter((f) => /over 3 s/.test(f)).length;
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  console.log('\n');
  console.log(
    `requests ${requests} in ${seconds} s (${(requests / seconds).toFixed(1)}/s); failed ${failures.length} (${((100 * failures.length) / Math.max(1, requests)).toFixed(3)} %; ${slow} of them acked after more than 3 s)`,
  );
  console.log(`ack latency ms: p50 ${percentile(all, 50).toFixed(1)}  p95 ${percentile(all, 95).toFixed(1)}  p99 ${percentile(all, 99).toFixed(1)}  max ${all.at(-1)?.toFixed(1)}`);
  console.log(`\n${'kind'.padEnd(24)}${'n'.padStart(7)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
  for (const [kind, ms] of [...latencies].sort()) {
    ms.sort((a, b) => a - b);
    console.log(`${kind.padEnd(24)}${String(ms.length).padStart(7)} ${fmt(percentile(ms, 50))} ${fmt(percentile(ms, 99))} ${fmt(ms.at(-1)!)}`);
  }
  const steady = memory.filter((m) => m.t >= warmup);
  const growth = steady.length >= 2 ? steady.at(-1)!.rss - steady[0]!.rss : NaN;
  // RSS is a sawtooth (the heap grows until a major GC). A leak shows in the troughs: the minimum of
  // each 30-second window after warm-up, and their trend.
  const windows = new Map<number, { t: number; rss: number }>();
  for (const m of steady) {
    const w = Math.floor((m.t - warmup) / 30);
    const cur = windows.get(w);
    if (!cur || m.rss < cur.rss) windows.set(w, m);
  }
  const troughs = [...windows.values()];
  const perMin =
    troughs.length >= 3
      ? slope(
          troughs.map((m) => m.t),
          troughs.map((m) => m.rss),
        ) * 60
      : NaN;
  console.log(
    `\nRSS MB: start ${memory[0]?.rss.toFixed(1)}, after warm-up ${steady[0]?.rss.toFixed(1)}, end ${memory.at(-1)!.rss.toFixed(1)}, peak ${Math.max(...memory.map((m) => m.rss)).toFixed(1)}`,
  );
  console.log(`RSS after warm-up: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB over ${(steady.at(-1)!.t - steady[0]!.t).toFixed(0)} s`);
  console.log(`RSS troughs per 30 s window: ${troughs.map((m) => m.rss.toFixed(1)).join(' → ')}; trend ${perMin >= 0 ? '+' : ''}${perMin.toFixed(2)} MB/min`);
  console.log(`samples: ${memory.map((m) => `${m.t.toFixed(0)}s=${m.rss.toFixed(0)}`).join(' ')}`);
  // "[pid:0x…]  61234 ms: Mark-Compact 52.1 (70.3) -> 31.4 (68.9) MB, …" — ms since the process started.
  const fullGcs = [...output.matchAll(/\s(\d+) ms: Mark-Compact[^\n]*?->\s*([\d.]+)/g)].map((m) => ({ t: Number(m[1]) / 1000, heap: Number(m[2]) }));
  const steadyGcs = fullGcs.filter((g) => g.t >= warmup);
  const heapPerMin =
    steadyGcs.length >= 3
      ? slope(
          steadyGcs.map((g) => g.t),
          steadyGcs.map((g) => g.heap),
        ) * 60
      : NaN;
  console.log(
    `live heap after full GCs (MB): ${fullGcs.map((g) => `${g.t.toFixed(0)}s=${g.heap.toFixed(1)}`).join(' ') || 'none'}${steadyGcs.length >= 3 ? `; trend after warm-up ${heapPerMin >= 0 ? '+' : ''}${heapPerMin.toFixed(2)} MB/min` : ''}`,
  );
  console.log(`\ndatabase: ${JSON.stringify(counts)}, outbox ${JSON.stringify(outbox)}, integrity ${integrity}`);
  console.log(`app log: ${logLines.length} lines at warn+, ${errorsLogged.length} errors; exit ${JSON.stringify(exit)}`);
  if (failures.length) console.log(`first failures:\n  ${failures.slice(0, 10).join('\n  ')}`);
  if (errorsLogged.length) console.log(`first errors:\n  ${errorsLogged.slice(0, 5).join('\n  ')}`);
  await fake.close();
  // Flat: live heap after full GCs growing under 0.5 MB/min after warm-up (or RSS troughs under
  // 1 MB/min when there were too few full GCs): JIT, SQLite page cache and pools fill early.
  // The live-heap trend decides when there are enough full GCs to see one; RSS troughs otherwise.
  const leak = steadyGcs.length >= 3 ? heapPerMin > 0.5 : perMin > 1;
  const ok = failures.length === 0 && errorsLogged.length === 0 && integrity === 'ok' && !leak;
  console.log(ok ? '\nsoak: OK' : '\nsoak: PROBLEMS (see above)');
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
