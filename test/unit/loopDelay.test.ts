/** Event-loop delay monitor: windows summarized in ms, logged at info only when notable. */
import pino from 'pino';
import { Writable } from 'node:stream';
import { LoopDelayMonitor, isNotable, summarize, type DelayHistogram } from '../../src/loopDelay';

const fakeHistogram = (valuesMs: number[]): DelayHistogram => {
  const ns = [...valuesMs].sort((a, b) => a - b).map((v) => v * 1e6);
  return {
    percentile: (p: number) => ns[Math.min(ns.length - 1, Math.ceil((p / 100) * ns.length) - 1)] ?? NaN,
    max: ns.at(-1) ?? 0,
    mean: ns.reduce((a, b) => a + b, 0) / Math.max(1, ns.length),
    count: ns.length,
    reset: () => undefined,
  };
};

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}

function capture() {
  const lines: Array<{ level: number; msg: string; loopDelay?: { maxMs: number } }> = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) }));
  return { logger, lines };
}

describe('event-loop delay', () => {
  it('summarizes a window in milliseconds', () => {
    const w = summarize(fakeHistogram([10, 10, 10, 10, 10, 10, 10, 10, 10, 120]), 5);
    expect(w).toEqual({ p50Ms: 10, p99Ms: 120, maxMs: 120, meanMs: 21, samples: 10, at: 5 });
    expect(isNotable(w)).toBe(true);
  });

  it('an empty or quiet window is not notable', () => {
    expect(summarize(fakeHistogram([]), 0)).toMatchObject({ p99Ms: 0, maxMs: 0, samples: 0 });
    expect(isNotable(summarize(fakeHistogram([10, 11, 12]), 0))).toBe(false);
  });

  it('sees a loop held up by synchronous work, and logs it at info', async () => {
    const { logger, lines } = capture();
    const monitor = new LoopDelayMonitor(logger, { windowMs: 60_000, resolutionMs: 1 });
    monitor.start();
    try {
      // A sample is the time between two sampler firings, and the first firing only sets the start:
      // a hold before the sampler has fired is invisible. So hold only once a sample exists, and
      // close the window only once the sampler has fired after the hold (conditions, not sleeps:
      // on a busy machine a 5 ms sleep can end before the sampler's first firing).
      await until(() => monitor.openWindowSamples() >= 1);
      const before = monitor.openWindowSamples();
      const end = performance.now() + 80;
      while (performance.now() < end) {
        // hold the loop, as one long transaction would
      }
      await until(() => monitor.openWindowSamples() > before);
      const w = monitor.closeWindow()!;
      expect(w.maxMs).toBeGreaterThanOrEqual(60);
      expect(monitor.latest()).toBe(w);
      expect(monitor.worstSinceStart()).toBe(w);
      const line = lines.find((l) => l.msg === 'event loop was held up');
      expect(line).toMatchObject({ level: 30, loopDelay: { maxMs: w.maxMs } });
    } finally {
      monitor.stop();
    }
  });
});
