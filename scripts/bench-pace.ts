/**
 * The shared rate budget's trade-off (issue 14): how many slots a process reserves per write (`batch`)
 * and how far ahead (`lead`), against what it costs — writes of the pace row per send, compare-and-set
 * conflicts, slots reserved but never used (budget no other replica could have) — and what it buys:
 * delivery rate against a fake Slack's workspace limit, 429s, the busiest second.
 *
 *   npm run bench:pace -- [--rows 600] [--workspace-rate 50] [--slack-ms 20] [--replicas 1,3]
 *     [--batches 1,4,8] [--leads 100] [--backends sqlite,postgres] [--postgres postgres://…/test]
 *
 * Each replica is a dispatcher (concurrency 16, DELIVERY_RATE_PER_SECOND 100, start 10: the defaults)
 * on a Store of its own — its own connections, as a process would have — in this one process (so they
 * also share one event loop with the fake). PostgreSQL runs in a throwaway database dropped after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebClient } from '@slack/web-api';
import { silentSlackLogger } from '../test/harness/silentSlackLogger';
import { Client } from 'pg';
import { openDatabase, runMigrations } from '../src/db/client';
import { openPgStore } from '../src/db/pg/store';
import { sqliteStore } from '../src/db/sqliteStore';
import type { Store } from '../src/db/store';
import { OutboxDispatcher } from '../src/delivery/outbox';
import { DEFAULT_PACE_TUNING } from '../src/delivery/sharedPace';
import { createLogger } from '../src/logger';
import { FakeSlack } from '../test/harness/fakeSlack';
import { benchArgs } from './bench/args';

interface Config {
  backend: 'sqlite' | 'postgres';
  replicas: number;
  batch: number;
  leadMs: number;
}

interface Counts {
  writes: number;
  conflicts: number;
  reads: number;
  /** Every slot handed out (the rows list each by its instant, for a second). */
  reserved: Set<number>;
}

const logger = createLogger({ level: 'silent', secrets: [] });

/** `store` with its pace calls counted: writes, conflicts (a write over a version someone else moved on), reads, slots reserved. */
function counted(store: Store, counts: Counts): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === 'getPace') return (...args: Parameters<Store['getPace']>) => ((counts.reads += 1), target.getPace(...args));
      if (key !== 'updatePace') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<Store['updatePace']>) => {
        const wrote = await target.updatePace(...args);
        const state = args[2];
        if (!wrote) counts.conflicts += 1;
        else {
          counts.writes += 1;
          if (state.takenAt !== '') for (const x of state.takenAt.split(',')) counts.reserved.add(state.windowStart + Number(x));
        }
        return wrote;
      };
    },
  });
}

async function opened(config: Config, pgUrl: string): Promise<{ stores: Store[]; drop(): Promise<void> }> {
  if (config.backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-pace-'));
    const stores = Array.from({ length: config.replicas }, () => {
      const handle = openDatabase(path.join(dir, 'handoff.db'));
      runMigrations(handle);
      return sqliteStore(handle);
    });
    return { stores, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `handoff_bench_pace_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  const stores: Store[] = [];
  for (let i = 0; i < config.replicas; i++) stores.push(await openPgStore(u.toString(), { poolSize: 4 }));
  return {
    stores,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function run(config: Config, opts: { rows: number; workspaceRate: number; slackMs: number; pgUrl: string }): Promise<string> {
  const fake = await FakeSlack.start();
  fake.setRateLimitPerSecond('chat.postMessage', opts.workspaceRate);
  fake.setChannelRateLimitPerSecond('chat.postMessage', 1);
  if (opts.slackMs > 0) fake.delay('chat.postMessage', opts.slackMs);
  const users = Array.from({ length: opts.rows }, (_, i) => `UB${i}`);
  for (const id of users) fake.addUser({ id });
  const { stores, drop } = await opened(config, opts.pgUrl);
  const counts: Counts = { writes: 0, conflicts: 0, reads: 0, reserved: new Set() };
  const now = new Date();
  for (const u of users) await stores[0]!.enqueue({ teamId: fake.teamId, kind: 'dm', dedupeKey: `bench:${u}`, userId: u, payload: {} }, now);
  const starts: number[] = [];
  const dispatchers = stores.map((store) => {
    const client = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: silentSlackLogger });
    return new OutboxDispatcher(
      counted(store, counts),
      {
        deliver: async (row, pace) => {
          await pace();
          starts.push(Date.now());
          const r = await client.chat.postMessage({ channel: row.userId!, text: 'hi' });
          return { status: 'sent', ts: r.ts ?? null };
        },
        findDelivered: async () => null,
      },
      { now: () => new Date() },
      logger,
      { concurrency: 16, ratePerSecond: 100, startRatePerSecond: 10, pace: { ...DEFAULT_PACE_TUNING, batch: config.batch, leadMs: config.leadMs } },
    );
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const accepted = () => fake.callsTo('chat.postMessage').filter((c) => c.status === 200);
  const t0 = Date.now();
  for (const d of dispatchers) d.kick();
  while (accepted().length < opts.rows && Date.now() - t0 < 10 * 60_000) {
    await new Promise((r) => setTimeout(r, 100));
    for (const d of dispatchers) d.kick(); // rows a 429 put back: what the cron tick does
  }
  loop.disable();
  const ok = accepted().map((c) => c.at);
  const seconds = (Math.max(...ok) - Math.min(...ok)) / 1000;
  const refused = fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length;
  const sends = starts.length;
  await Promise.all(dispatchers.map((d) => d.stop()));
  for (const s of stores) await s.close();
  await drop();
  await fake.close();
  const rate = ok.length / seconds;
  return [
    config.backend.padEnd(8),
    String(config.replicas).padStart(3),
    String(config.batch).padStart(5),
    String(config.leadMs).padStart(5),
    rate.toFixed(1).padStart(7),
    `${((rate / opts.workspaceRate) * 100).toFixed(0)} %`.padStart(6),
    String(refused).padStart(5),
    String(fake.busiestSecond('chat.postMessage')).padStart(7),
    (counts.writes / sends).toFixed(2).padStart(9),
    (counts.conflicts / sends).toFixed(2).padStart(9),
    (counts.reads / sends).toFixed(2).padStart(7),
    `${(((counts.reserved.size - sends) / Math.max(1, counts.reserved.size)) * 100).toFixed(1)} %`.padStart(8),
    (loop.max / 1e6).toFixed(0).padStart(8),
  ].join(' ');
}

async function main(): Promise<void> {
  const { get, num, list } = benchArgs(process.argv.slice(2));
  const opts = {
    rows: num('rows', 600),
    workspaceRate: num('workspace-rate', 50),
    slackMs: num('slack-ms', 20),
    pgUrl: get('postgres') ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
  const backends = (get('backends') ?? 'sqlite,postgres').split(',') as Config['backend'][];
  const configs: Config[] = [];
  for (const backend of backends)
    for (const replicas of list('replicas', '1,3'))
      for (const batch of list('batches', '1,4,8')) for (const leadMs of list('leads', '100')) configs.push({ backend, replicas, batch, leadMs });
  console.log(
    `bench:pace — ${opts.rows} DMs, fake Slack ${opts.workspaceRate}/s per workspace + 1/s per DM, ${opts.slackMs} ms per call; grace ${DEFAULT_PACE_TUNING.graceMs} ms; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('backend  rep batch  lead  sent/s  share  429s busiest writes/send conflicts  reads   unused loop max ms');
  for (const c of configs) console.log(await run(c, opts));
  console.log(
    `load after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
