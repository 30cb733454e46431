/**
 * How long the event loop is held while a wave of N people due at the same minute is swept into the
 * outbox (the digest sweep, as the tick runs it). A 1 ms interval stands in for requests arriving:
 * its worst gap is the longest any request would have waited for the loop.
 *
 *   npx tsx scripts/sweep-loop-delay.ts [people=50000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDatabase, runMigrations } from '../src/db/client';
import { sqliteStore } from '../src/db/sqliteStore';
import { sweepDueDigests } from '../src/scheduler/digestSweep';

const pct = (xs: number[], q: number) => xs[Math.floor(q * (xs.length - 1))] ?? 0;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 50_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-loop-'));
  const h = openDatabase(path.join(dir, 'handoff.db'));
  runMigrations(h);
  const at = Date.parse('2026-11-26T00:00:00Z');
  const insert = h.sqlite.prepare(`insert into users (team_id, user_id, slack_tz, working_days, next_digest_at, next_digest_local_date, created_at, updated_at)
    values ('T1', ?, 'Asia/Tokyo', 62, ?, '2026-11-26', 0, 0)`);
  h.sqlite.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`U${i}`, at);
  })();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let worstGap = 0;
  const interval = setInterval(() => {
    const t = performance.now();
    worstGap = Math.max(worstGap, t - last);
    last = t;
  }, 1);
  await new Promise((r) => setTimeout(r, 50));
  histogram.enable();
  const marks: number[] = [];
  const t0 = performance.now();
  const result = await sweepDueDigests(sqliteStore(h), new Date(at + 60_000), 4 * 3600_000, { onSlice: () => marks.push(performance.now()) });
  const sweepMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  histogram.disable();
  clearInterval(interval);
  const gaps = marks
    .slice(1)
    .map((m, i) => m - marks[i]!)
    .sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      people: n,
      enqueued: result.enqueued,
      sweepMs: Math.round(sweepMs),
      slices: marks.length,
      sliceMs: { p50: +pct(gaps, 0.5).toFixed(1), p99: +pct(gaps, 0.99).toFixed(1), max: +(gaps.at(-1) ?? 0).toFixed(1) },
      loopDelayMs: { p99: +(histogram.percentile(99) / 1e6).toFixed(1), max: +(histogram.max / 1e6).toFixed(1) },
      worstWaitForLoopMs: +worstGap.toFixed(1),
    }),
  );
  h.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
