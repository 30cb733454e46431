/**
 * What the async Store costs per call (issue 14), in CPU µs: the same query called directly (sync
 * better-sqlite3, as services do today), through the SQLite store (one promise per call), inside a
 * store transaction, a one-read transaction (writeTransaction vs store.transaction), and through the PostgreSQL store (a round trip to the local server; its CPU is
 * this process's share only). A read (`getUser`, prepared) and a write (`markRecipientNotified`).
 *
 *   npm run bench:store -- [--calls 20000] [--postgres postgres://postgres@127.0.0.1:5432/test]
 *
 * PostgreSQL runs in a throwaway database it drops after; `--postgres none` skips it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase, runMigrations } from '../src/db/client';
import { openPgStore } from '../src/db/pg/store';
import { markRecipientNotified } from '../src/db/queries/handoffs';
import { getUser } from '../src/db/queries/users';
import { getWorkspace } from '../src/db/queries/workspaces';
import { writeTransaction } from '../src/db/prepared';
import { sqliteStore } from '../src/db/sqliteStore';
import type { Store } from '../src/db/store';
import { benchArgs } from './bench/args';

const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const T = 'T1';

/** CPU µs per call of `fn` over `calls` calls (after a warm-up of a tenth as many). */
async function cpuPerCall(calls: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < calls / 10; i++) await fn(i);
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

async function seed(store: Store): Promise<number> {
  for (let i = 0; i < 100; i++) await store.upsertProfile(T, `U${i}`, { displayName: `U${i}`, isBot: false, deleted: false, slackTz: 'Europe/Paris' }, NOW);
  const r = await store.createHandoff(
    T,
    { authorId: 'U0', recipientIds: ['U1'], title: 't', context: '', ask: 'a', links: '', ifOffline: '', neededByAt: null, channelId: null, urgent: false },
    NOW,
    { idempotencyKey: null, sourcePermalink: null },
  );
  if (r.status !== 'created') throw new Error(r.status);
  return r.handoff.id;
}

async function sqliteRows(calls: number): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-store-'));
  const handle = openDatabase(path.join(dir, 'handoff.db'));
  runMigrations(handle);
  const store = sqliteStore(handle);
  try {
    const id = await seed(store);
    const direct = await cpuPerCall(calls, (i) => getUser(handle.db, T, `U${i % 100}`));
    const viaStore = await cpuPerCall(calls, (i) => store.getUser(T, `U${i % 100}`));
    const inTx = await cpuPerCall(calls / 100, () => store.transaction(async (tx) => Promise.all(Array.from({ length: 100 }, (_, i) => tx.getUser(T, `U${i}`)))));
    const txDirect = await cpuPerCall(calls, () => writeTransaction(handle.db, () => getWorkspace(handle.db, T)));
    const txStore = await cpuPerCall(calls, () => store.transaction((tx) => tx.getWorkspace(T)));
    const writeDirect = await cpuPerCall(calls, () => markRecipientNotified(handle.db, id, 'U1', NOW));
    const writeStore = await cpuPerCall(calls, () => store.markRecipientNotified(id, 'U1', NOW));
    return [
      `sqlite  getUser               direct ${direct.toFixed(2)} µs   store ${viaStore.toFixed(2)} µs   (+${(viaStore - direct).toFixed(2)} µs)`,
      `sqlite  getUser ×100 in a tx  ${(inTx / 100).toFixed(2)} µs per call`,
      `sqlite  transaction + 1 read  writeTransaction ${txDirect.toFixed(2)} µs   store.transaction ${txStore.toFixed(2)} µs`,
      `sqlite  markRecipientNotified direct ${writeDirect.toFixed(2)} µs   store ${writeStore.toFixed(2)} µs   (+${(writeStore - writeDirect).toFixed(2)} µs)`,
    ];
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRows(url: string, calls: number): Promise<string[]> {
  const name = `handoff_bench_store_${process.pid}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const store = await openPgStore(u.toString(), { poolSize: 4 });
  try {
    const id = await seed(store);
    const n = Math.min(calls, 5000);
    const started = process.hrtime.bigint();
    const read = await cpuPerCall(n, (i) => store.getUser(T, `U${i % 100}`));
    const wallRead = Number(process.hrtime.bigint() - started) / 1000 / (n * 1.1);
    const write = await cpuPerCall(n, () => store.markRecipientNotified(id, 'U1', NOW));
    return [
      `postgres getUser               ${read.toFixed(2)} µs CPU here (≈${wallRead.toFixed(0)} µs wall per call, sequential)`,
      `postgres markRecipientNotified ${write.toFixed(2)} µs CPU here`,
    ];
  } finally {
    await store.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const { get, num } = benchArgs(process.argv.slice(2));
  const calls = num('calls', 20000);
  const pg = get('postgres') ?? 'postgres://postgres@127.0.0.1:5432/test';
  const rows = await sqliteRows(calls);
  if (pg !== 'none') rows.push(...(await postgresRows(pg, calls)));
  console.log(`store cost per call, CPU µs (${calls} calls each; node ${process.version})`);
  for (const r of rows) console.log(`  ${r}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
