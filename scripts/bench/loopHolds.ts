/** What `loopProbe.cjs` (preloaded into the app) recorded: late turns of the event loop, and why. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** [epoch ms, gap ms, the main thread's ms on a CPU, ms it waited for a core] */
type Hold = [number, number, number, number];

export interface LoopHolds {
  /** Node flags and environment that make the app record them. */
  nodeArgs: string[];
  env: Record<string, string>;
  /** What was recorded in [from, to). */
  between(from: number, to: number): HoldSummary | null;
  /** Stops the probe in the app process `pid` (its reads would be counted in the app's CPU per request). */
  stop(pid: number): void;
}

export interface HoldSummary {
  /** Gaps of 50 ms or more between the probe's 2 ms turns. */
  over50: number;
  /** The longest gap, split: on a CPU (the app's own work, GC included) and waiting for a core (the machine's). */
  longest: { gap: number; cpu: number; runq: number };
  /** The app's longest stretch on a CPU within one gap: how long its own work held the loop. */
  longestOnCpu: number;
  /** Gaps of 50 ms or more whose time on a CPU was 50 ms or more. */
  over50OnCpu: number;
}

export function loopHolds(): LoopHolds {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-holds-')), 'holds.json');
  const read = (): Hold[] => {
    try {
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      return lines.flatMap((line) => JSON.parse(line) as Hold[]);
    } catch {
      return []; // not written yet, or not Linux
    }
  };
  return {
    nodeArgs: ['--require', path.join(__dirname, 'loopProbe.cjs')],
    env: { HANDOFF_BENCH_HOLDS: file },
    stop(pid) {
      process.kill(pid, 'SIGUSR2');
    },
    between(from, to) {
      const inside = read().filter(([at]) => at >= from && at < to);
      if (inside.length === 0) return null;
      const longest = inside.reduce((a, b) => (b[1] > a[1] ? b : a));
      return {
        over50: inside.filter((h) => h[1] >= 50).length,
        longest: { gap: longest[1], cpu: longest[2], runq: longest[3] },
        longestOnCpu: Math.max(...inside.map((h) => h[2])),
        over50OnCpu: inside.filter((h) => h[1] >= 50 && h[2] >= 50).length,
      };
    },
  };
}
