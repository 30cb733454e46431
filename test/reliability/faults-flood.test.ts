/**
 * Unauthenticated memory exhaustion (issue 10, item 4), against the real process (`node
 * dist/index.js`): 1,000 concurrent uploads to /slack/events that never finish. Before the fix
 * every one was buffered (up to 4 MB) before its signature was looked at — 1,000 took the process
 * from 118 MB to 4.1 GB and /healthz stopped answering. Now an upload without signature headers is
 * refused before its body is read, and one with forged headers is read only within a shared budget.
 *
 * Asserted: the app's peak RSS stays under 300 MB, every /healthz probe during the flood answers
 * 200, no unsigned upload is left open, and the app still serves Slack afterwards. The /healthz
 * latency is measured and reported (npm run test:reliability prints it), with only a generous
 * sanity bound asserted: the test waits on the flood settling, not on a time budget.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../harness/fakeSlack';
import { SlackRequester } from '../harness/slackRequests';
import { CaseLog, recordMeasurement } from './support/cases';
import { BOT_TOKEN, buildApp, childDatabaseUrl, kill9, ROOT, SIGNING_SECRET, startChild, type Child } from './support/child';
import { percentile, probeHealth, rssOf, sampleRss, spawnFlood, type FloodOptions, type Probe } from './support/flood';
import { TEAM } from './support/world';
import { SERVER_LIMITS } from '../../src/slack/receiver';

const MB = 1024 * 1024;
const RSS_CEILING = 300 * MB;
/** Far above anything seen (single-digit milliseconds); only catches an app that stopped answering. */
const HEALTH_SANITY_MS = 5_000;

let fake: FakeSlack;
let child: Child;

beforeAll(async () => {
  // HANDOFF_ENTRY measures another build the same way (e.g. the code before the fix; see the report).
  const entry = process.env.HANDOFF_ENTRY ?? (await buildApp());
  fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-flood-'));
  child = await startChild(entry, { SLACK_API_URL: fake.url, DATABASE_URL: await childDatabaseUrl(path.join(dir, 'handoff.db')), LOG_LEVEL: 'warn' });
  await child.ready();
}, 120_000);

/** Sockets and timers a failed test may leave behind, so jest can exit either way. */
const cleanups: Array<() => void> = [];

afterAll(async () => {
  cleanups.forEach((c) => c());
  if (child) await kill9(child);
  await fake?.close();
});

/** Floods, waits until at least `closedAtLeast` uploads were closed by the app, measures. */
async function underFlood(label: string, options: Omit<FloodOptions, 'port'>, closedAtLeast: number) {
  const pid = child.proc.pid!;
  const baseline = rssOf(pid);
  const rss = sampleRss(pid);
  const health = probeHealth(child.port);
  const uploads = spawnFlood({ port: child.port, ...options }, ROOT);
  const result = await uploads.closed(closedAtLeast).catch((e: Error) => ({ ...uploads.progress(), error: e.message }));
  // Keep probing a little after the flood settled, while every upload the server kept is still open.
  const after = health.probes.length;
  while (health.probes.length < after + 20) await new Promise((r) => setTimeout(r, 10));
  await health.stop();
  rss.stop();
  const peak = Math.max(rss.peak(), rssOf(pid));
  uploads.stop();
  await uploads.exited;
  const latencies = health.probes.map((p) => p.ms);
  recordMeasurement('faults', `${label}: app RSS before`, baseline / MB, 'MB');
  recordMeasurement('faults', `${label}: app RSS peak`, peak / MB, 'MB');
  recordMeasurement('faults', `${label}: /healthz probes during the flood`, health.probes.length, 'requests');
  recordMeasurement('faults', `${label}: /healthz latency p50`, percentile(latencies, 50), 'ms');
  recordMeasurement('faults', `${label}: /healthz latency p95`, percentile(latencies, 95), 'ms');
  recordMeasurement('faults', `${label}: /healthz latency max`, slowest(health.probes), 'ms');
  return { result, peak, probes: health.probes };
}

/** The slowest probe (a loop: a spread of 100,000 values overflows the call stack). */
const slowest = (probes: readonly Probe[]): number => probes.reduce((max, p) => Math.max(max, p.ms), 0);

async function stillServesSlack(log: CaseLog): Promise<void> {
  await log.check('the app still answers a signed command afterwards', async () => {
    const slack = new SlackRequester({ baseUrl: `http://127.0.0.1:${child.port}`, signingSecret: SIGNING_SECRET, teamId: TEAM });
    const res = await slack.command({ userId: 'U0ANA', text: 'help' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('/handoff list');
  });
}

/** Opens raw connections to the app; `closed` resolves once the app has closed `n` of them. */
/**
 * `count` connections to the app, opened `batch` at a time (each batch once all of it has connected
 * or been closed): 1,000 at once overflow a busy app's accept backlog, and the kernel's SYN retries
 * (1, 2, 4, 8… s) then dominate whatever the test measures.
 */
function connections(count: number, onConnect: (s: net.Socket) => void = () => undefined, batch = count) {
  const sockets: net.Socket[] = [];
  let closedByServer = 0;
  const waiters: Array<() => void> = [];
  const openOne = () =>
    new Promise<void>((settle) => {
      const s = net.connect(child.port, '127.0.0.1');
      s.on('connect', () => {
        onConnect(s);
        settle();
      });
      s.on('error', () => undefined);
      s.on('close', () => {
        closedByServer += 1;
        waiters.splice(0).forEach((w) => w());
        settle();
      });
      sockets.push(s);
    });
  void (async () => {
    for (let opened = 0; opened < count; opened += batch) {
      await Promise.all(Array.from({ length: Math.min(batch, count - opened) }, openOne));
    }
  })();
  cleanups.push(() => sockets.forEach((s) => s.destroy()));
  return {
    count: () => closedByServer,
    async closed(n: number): Promise<void> {
      while (closedByServer < n) await new Promise<void>((r) => waiters.push(r));
    },
    destroy: () => sockets.forEach((s) => s.destroy()),
  };
}

describe('slow and idle connections', () => {
  it('a client that never finishes its headers is cut off by the server (headersTimeout)', async () => {
    const log = new CaseLog('faults');
    const started = performance.now();
    let trickle: NodeJS.Timeout | undefined;
    const slow = connections(1, (s) => {
      s.write('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // One header line every half second: the request never gets past its headers.
      trickle = setInterval(() => s.write(`X-Slow-${Math.floor(performance.now())}: y\r\n`), 500);
      cleanups.push(() => clearInterval(trickle));
    });
    await slow.closed(1);
    clearInterval(trickle);
    const seconds = (performance.now() - started) / 1000;
    recordMeasurement('faults', 'slow headers: connection closed by the app after', seconds, 's');
    await log.check('closed by the app, not left open', () => expect(slow.count()).toBe(1));
    // The measured time is reported; the bound is only a sanity check that a timeout fired at all.
    await log.check(`closed after ${seconds.toFixed(1)} s (headersTimeout ${SERVER_LIMITS.headersTimeout / 1000} s)`, () => {
      expect(seconds * 1000).toBeGreaterThanOrEqual(SERVER_LIMITS.headersTimeout - 1000);
      expect(seconds * 1000).toBeLessThan(SERVER_LIMITS.headersTimeout + 20_000);
    });
    await stillServesSlack(log);
    log.finish();
  }, 60_000);

  it(`connections beyond the cap (${SERVER_LIMITS.maxConnections}) are refused at once; silent ones are closed after the idle timeout`, async () => {
    const log = new CaseLog('faults');
    const pid = child.proc.pid!;
    const rss = sampleRss(pid);
    const extra = 100;
    const idle = connections(SERVER_LIMITS.maxConnections + extra, undefined, 128);
    // The app refuses the connections over its cap immediately…
    await idle.closed(extra);
    const refusedAtOnce = idle.count();
    // …and closes the silent ones it accepted after its idle timeout.
    await idle.closed(SERVER_LIMITS.maxConnections + extra);
    rss.stop();
    recordMeasurement('faults', `${SERVER_LIMITS.maxConnections + extra} idle connections: refused at once`, refusedAtOnce, 'connections');
    recordMeasurement('faults', `${SERVER_LIMITS.maxConnections + extra} idle connections: app RSS peak`, rss.peak() / MB, 'MB');
    await log.check('at least the connections over the cap were refused', () => expect(refusedAtOnce).toBeGreaterThanOrEqual(extra));
    await log.check('every idle connection was closed by the app in the end', () => expect(idle.count()).toBe(SERVER_LIMITS.maxConnections + extra));
    await log.check('RSS stayed under 300 MB', () => expect(rss.peak()).toBeLessThan(RSS_CEILING));
    idle.destroy();
    await log.check('/healthz answers again', async () => expect((await fetch(`http://127.0.0.1:${child.port}/healthz`)).status).toBe(200));
    await stillServesSlack(log);
    log.finish();
    // A budget only for a hung test, not a measure: 10 s alone. Beside CI's heaviest files, all at once
    // overflowed the app's accept backlog and the kernel's SYN retries took it past 180 s once: now in batches.
  }, 180_000);
});

describe('unauthenticated upload flood', () => {
  it('1,000 unsigned uploads that never finish: RSS stays under 300 MB, /healthz keeps answering, none is kept open', async () => {
    const log = new CaseLog('faults');
    const { result, peak, probes } = await underFlood('1,000 unsigned uploads', { connections: 1000, declaredBytes: 4 * MB, sendBytes: 1 * MB, headers: 'none' }, 1000);
    await log.check(`peak RSS ${Math.round(peak / MB)} MB < 300 MB`, () => expect(peak).toBeLessThan(RSS_CEILING));
    await log.check('every /healthz probe during the flood answered 200', () => {
      expect(probes.length).toBeGreaterThanOrEqual(20);
      expect(probes.filter((p) => p.status !== 200)).toEqual([]);
      expect(slowest(probes)).toBeLessThan(HEALTH_SANITY_MS);
    });
    await log.check('the server closed every upload instead of holding it', () => {
      expect(result.stillOpen).toBe(0);
      expect(result.closedByServer).toBe(1000);
    });
    await log.check('the app process is alive', () => expect(child.proc.exitCode).toBeNull());
    await stillServesSlack(log);
    log.finish();
  }, 120_000);

  it('1,000 uploads with forged signature headers that never finish: bodies are read only within a budget', async () => {
    const log = new CaseLog('faults');
    // 1 MiB announced (Slack's largest), all but the last byte sent: each would sit in memory until the request timeout.
    const { result, peak, probes } = await underFlood('1,000 forged-signature uploads', { connections: 1000, declaredBytes: MB, sendBytes: MB - 1, headers: 'forged' }, 1000 - 32);
    await log.check(`peak RSS ${Math.round(peak / MB)} MB < 300 MB`, () => expect(peak).toBeLessThan(RSS_CEILING));
    await log.check('every /healthz probe during the flood answered 200', () => {
      expect(probes.length).toBeGreaterThanOrEqual(20);
      expect(probes.filter((p) => p.status !== 200)).toEqual([]);
      expect(slowest(probes)).toBeLessThan(HEALTH_SANITY_MS);
    });
    await log.check('beyond the in-flight budget, uploads are refused with 503 and closed', () => {
      expect(result.statuses['503'] ?? 0).toBeGreaterThan(0);
      // 32 MiB of budget holds at most 32 such bodies; everything else was closed.
      expect(result.stillOpen).toBeLessThanOrEqual(32);
      expect(result.closedByServer + result.stillOpen).toBe(1000);
    });
    await log.check('the app process is alive', () => expect(child.proc.exitCode).toBeNull());
    await stillServesSlack(log);
    log.finish();
  }, 120_000);
});
