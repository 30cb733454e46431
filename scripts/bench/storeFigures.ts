/**
 * bench:scheduler's figures measured in the bench process, through the store the app would use
 * (SqliteStore or PgStore) on the seeded database, before the app starts: a sweep with nobody due
 * (what every 30 s tick costs on a quiet day), the sweep of a whole wave (the enqueue), and building
 * one person's digest. Wall time per call (what the tick and a sender wait) and the bench process's
 * CPU (on PostgreSQL that leaves out the server's).
 */
import type { Store } from '../../src/db/store';
import { DigestBuilder } from '../../src/delivery/digestBuilder';
import { sweepDueDigests, type SweepResult } from '../../src/scheduler/digestSweep';
import { summarize, type Summary } from './stats';
import { TEAM, waveUserId } from './world';

/** DIGEST_MAX_LATE_HOURS at its default. */
const MAX_LATE_MS = 4 * 3600_000;

export interface Timed {
  wall: Summary;
  /** CPU of this process per call, ms. */
  cpuMs: number;
}

async function timed(runs: number, fn: (i: number) => Promise<unknown>): Promise<Timed> {
  const walls: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    walls.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: summarize(walls), cpuMs: (cpu.user + cpu.system) / 1000 / runs };
}

/** `runs` sweeps at `now` (plus a few unmeasured ones first, to prepare statements and warm caches); throws if one found anybody due. */
export async function sweepNothingDue(store: Store, now: number, runs: number): Promise<Timed> {
  const sweep = async () => {
    const r = await sweepDueDigests(store, new Date(now), MAX_LATE_MS);
    if (r.due > 0) throw new Error(`the nothing-due sweep found ${r.due} due: the seed should have nobody due within the hour`);
  };
  for (let i = 0; i < 5; i++) await sweep();
  return timed(runs, sweep);
}

/** One sweep of the wave, as the tick would run it a minute before the slot. */
export async function sweepWave(store: Store, now: number, sliceSize?: number): Promise<{ ms: number; cpuMs: number; result: SweepResult }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await sweepDueDigests(store, new Date(now), MAX_LATE_MS, { sliceSize });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, result };
}

/** Digests built before the measured ones (statements prepared, caches warm). */
export const WARM_UP_BUILDS = 10;

/** Builds the digests of `people` wave people (for `localDate`) one after another; how many had one. */
export async function buildDigests(store: Store, now: number, localDateOf: (i: number) => string, people: number): Promise<Timed & { built: number }> {
  const builder = new DigestBuilder(store, { now: () => new Date(now) });
  let built = 0;
  const build = async (i: number) => {
    if (await builder.build(TEAM, waveUserId(i), localDateOf(i))) built += 1;
  };
  for (let i = 0; i < WARM_UP_BUILDS; i++) await build(people + i); // people outside the measured ones
  const t = await timed(people, build);
  return { ...t, built };
}
