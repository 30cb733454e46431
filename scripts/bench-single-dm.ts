/**
 * Does the shared rate budget slow a lone DM (issue 14)? The common send is not a wave but one
 * handoff's DM to an idle workspace: with the pace in the database, its slot costs a write of the
 * delivery_pace row where the in-process limiter cost nothing. One dispatcher at the app's defaults,
 * a fake Slack with no limits; each trial enqueues one DM and sends it (`deliverNow`) after the pace
 * has been idle a while. Reports, per backend, the time inside `pace()` and the whole deliverNow.
 *
 *   npx tsx scripts/bench-single-dm.ts [--trials 100] [--idle-ms 300] [--backends sqlite,postgres]
 *     [--root <checkout>]   (another checkout's src, e.g. main's, for a before/after on one machine)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { silentSlackLogger } from '../test/harness/silentSlackLogger';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from './check-postgres';
import { benchArgs } from './bench/args';

type Outbox = typeof import('../src/delivery/outbox');
type Db = typeof import('../src/db/client');
type Sqlite = typeof import('../src/db/sqliteStore');
type Pg = typeof import('../src/db/pg/store');
type Fake = typeof import('../test/harness/fakeSlack');
type Log = typeof import('../src/logger');
type Store = import('../src/db/store').Store;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const { get, num } = benchArgs(process.argv.slice(2));
  const root = path.resolve(get('root') ?? path.join(__dirname, '..'));
  const trials = num('trials', 100);
  const idleMs = num('idle-ms', 300);
  const load = async <T>(rel: string): Promise<T> => (await import(path.join(root, rel))) as T;
  const { OutboxDispatcher } = await load<Outbox>('src/delivery/outbox');
  const { openDatabase, runMigrations } = await load<Db>('src/db/client');
  const { sqliteStore } = await load<Sqlite>('src/db/sqliteStore');
  const { openPgStore } = await load<Pg>('src/db/pg/store');
  const { FakeSlack } = await load<Fake>('test/harness/fakeSlack');
  const { createLogger } = await load<Log>('src/logger');
  console.log(`bench:single-dm — ${root}: ${trials} lone DMs, ${idleMs} ms apart; load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log('backend   pace p50   p90   max (ms)   deliverNow p50   p90   max (ms)');
  for (const backend of (get('backends') ?? 'sqlite,postgres').split(',')) {
    const fake = await FakeSlack.start();
    let store: Store;
    let drop: () => Promise<void>;
    if (backend === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-dm-'));
      const handle = openDatabase(path.join(dir, 'handoff.db'));
      runMigrations(handle);
      store = sqliteStore(handle);
      drop = async () => fs.rmSync(dir, { recursive: true, force: true });
    } else {
      const name = `handoff_bench_dm_${process.pid}_${Date.now()}`;
      const admin = new Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      const u = new URL(TEST_POSTGRES_URL);
      u.pathname = `/${name}`;
      store = await openPgStore(u.toString(), { poolSize: 4 });
      drop = async () => {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      };
    }
    const client = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: silentSlackLogger });
    const paceMs: number[] = [];
    const totalMs: number[] = [];
    const d = new OutboxDispatcher(
      store,
      {
        deliver: async (row, pace) => {
          const t = performance.now();
          await pace();
          paceMs.push(performance.now() - t);
          const r = await client.chat.postMessage({ channel: row.userId!, text: 'hi' });
          return { status: 'sent', ts: r.ts ?? null };
        },
        findDelivered: async () => null,
      },
      { now: () => new Date() },
      createLogger({ level: 'silent', secrets: [] }),
      // The app's defaults (config.ts), one claim at a time as on SQLite.
      { concurrency: 16, ratePerSecond: 100, startRatePerSecond: 10 },
    );
    for (let i = 0; i < trials + 5; i++) {
      fake.addUser({ id: `UD${i}` });
      const id = (await store.enqueue({ teamId: fake.teamId, kind: 'dm', dedupeKey: `dm:${i}`, userId: `UD${i}`, payload: {} }, new Date()))!;
      await sleep(idleMs);
      const t = performance.now();
      const outcome = (await d.deliverNow([id])).get(id)?.outcome;
      if (outcome !== 'sent') throw new Error(`trial ${i}: ${outcome}`);
      if (i >= 5) totalMs.push(performance.now() - t);
    }
    await d.stop();
    await store.close();
    await drop();
    await fake.close();
    const pace = paceMs.slice(5);
    const f = (x: number) => x.toFixed(2).padStart(6);
    console.log(
      `${backend.padEnd(9)} ${f(quantile(pace, 0.5))} ${f(quantile(pace, 0.9))} ${f(Math.max(...pace))}          ${f(quantile(totalMs, 0.5))} ${f(quantile(totalMs, 0.9))} ${f(Math.max(...totalMs))}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
