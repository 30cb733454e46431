/** The pure parts of the benches: percentiles, the open-loop schedule, the fake Slack's throttles, log parsing, flags. */
import { cell, percentile, summarize } from '../../../scripts/bench/stats';
import { dueUntil, openLoopSchedule, weightedSequence } from '../../../scripts/bench/openLoop';
import { eventLoopSamples, parseLogLines, sweeps } from '../../../scripts/bench/appLog';
import { benchArgs, describeEnv } from '../../../scripts/bench/args';
import { eventLoopFromMetrics, promValue } from '../../../scripts/bench/metrics';
import { busiestWindow, KeyedSlidingWindow, retryAfterSeconds, SlidingWindow } from '../../harness/slidingWindow';

describe('percentile', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('is the nearest rank', () => {
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(cell(NaN)).toContain('—');
  });

  it('summarizes unsorted samples and counts acks over the budgets', () => {
    const s = summarize([3500, 10, 1200, 20, 30]);
    expect(s).toEqual({ n: 5, p50: 30, p99: 3500, max: 3500, over3s: 1, over1s: 2 });
  });
});

describe('open-loop schedule', () => {
  it('spaces requests evenly at the rate, whatever the answers', () => {
    const slots = openLoopSchedule({ rate: 20, durationMs: 1000, targets: 1, mix: [['a', 1]] });
    expect(slots).toHaveLength(20);
    expect(slots.map((s) => s.at)).toEqual(Array.from({ length: 20 }, (_, i) => i * 50));
  });

  it('gives every target the same kinds, interleaved half an interval apart', () => {
    const slots = openLoopSchedule({
      rate: 10,
      durationMs: 1000,
      targets: 2,
      mix: [
        ['a', 1],
        ['b', 1],
      ],
    });
    expect(slots).toHaveLength(20);
    expect(slots.slice(0, 4)).toEqual([
      { at: 0, target: 0, kind: 'a' },
      { at: 50, target: 1, kind: 'a' },
      { at: 100, target: 0, kind: 'b' },
      { at: 150, target: 1, kind: 'b' },
    ]);
    const ats = slots.map((s) => s.at);
    expect([...ats].sort((x, y) => x - y)).toEqual(ats);
  });

  it('mixes kinds in proportion to their weights, spread out', () => {
    const seq = weightedSequence(
      [
        ['create', 3],
        ['list', 1],
      ] as const,
      8,
    );
    expect(seq.filter((k) => k === 'create')).toHaveLength(6);
    expect(seq.slice(0, 4).filter((k) => k === 'list')).toHaveLength(1);
    expect(() => weightedSequence([['x', 0]], 1)).toThrow();
  });

  it('finds the slots due by an elapsed time', () => {
    const slots = [{ at: 0 }, { at: 10 }, { at: 20 }];
    expect(dueUntil(slots, 0, 15)).toBe(2);
    expect(dueUntil(slots, 2, 15)).toBe(2);
    expect(dueUntil(slots, 2, 20)).toBe(3);
  });
});

describe('the fake Slack throttles', () => {
  it('allows `limit` calls in any sliding second, then says how long to wait', () => {
    const w = new SlidingWindow(50);
    for (let i = 0; i < 50; i++) expect(w.take(1000 + i)).toBe(0);
    expect(w.take(1100)).toBe(900); // the first call leaves the window at 2000
    expect(w.count(1100)).toBe(50);
    expect(w.take(2000)).toBe(0); // one slot freed
    expect(w.take(2000)).toBe(1); // the second call leaves at 2001
    expect(w.take(2049)).toBe(0);
  });

  it('throttles each conversation on its own and forgets idle ones', () => {
    const w = new KeyedSlidingWindow(1);
    expect(w.take('D1', 0)).toBe(0);
    expect(w.take('D2', 0)).toBe(0);
    expect(w.take('D1', 500)).toBe(500);
    expect(w.take('D1', 1000)).toBe(0);
    expect(w.take('D3', 20_000)).toBe(0);
    expect(w.size).toBe(1);
  });

  it('finds the busiest sliding second of a run, as such a limit would count it', () => {
    expect(busiestWindow([])).toEqual({ count: 0, startsAt: null });
    // Unsorted on purpose: 4 in [600, 1600); a window holds its start, not its end.
    expect(busiestWindow([100, 1100, 600, 1099, 1200, 2099])).toEqual({ count: 4, startsAt: 600 });
    expect(busiestWindow([0, 999, 1000])).toEqual({ count: 2, startsAt: 0 });
    expect(busiestWindow([0, 5, 6, 10], 5)).toEqual({ count: 2, startsAt: 5 });
  });

  it('answers whole seconds of Retry-After, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });
});

describe('reading the app log', () => {
  const output = [
    'not json',
    JSON.stringify({ level: 30, time: 1000, msg: 'digest sweep', due: 10, enqueued: 10, ms: 42 }),
    JSON.stringify({ level: 30, time: 2000, msg: 'event loop delay', eventLoop: { p99Ms: 12.5, maxMs: 80 } }),
    JSON.stringify({ level: 30, time: 3000, msg: 'event-loop', p99Ns: 5e6, maxNs: 9e6 }),
    JSON.stringify({ level: 30, time: 4000, msg: 'request' }),
  ].join('\n');

  it('finds the sweeps with their timing', () => {
    expect(sweeps(parseLogLines(output))).toEqual([{ time: 1000, ms: 42, enqueued: 10 }]);
  });

  it('reads event-loop delay in whatever shape and unit the line has, in ms', () => {
    expect(eventLoopSamples(parseLogLines(output))).toEqual([
      { time: 2000, p99: 12.5, max: 80 },
      { time: 3000, p99: 5, max: 9 },
    ]);
  });

  it('finds nothing when the app does not log it', () => {
    expect(eventLoopSamples(parseLogLines('{"time":1,"msg":"hello"}'))).toEqual([]);
  });
});

describe('bench flags', () => {
  it('parses numbers, lists, flags and app environment', () => {
    const a = benchArgs(['--people', '10_000,50000', '--rate', '30', '--no-kinds', '--app-env', 'A=1', '--app-env', 'B=x=y']);
    expect(a.list('people', '1')).toEqual([10000, 50000]);
    expect(a.num('rate', 20)).toBe(30);
    expect(a.num('after', 20)).toBe(20);
    expect(a.flag('no-kinds')).toBe(true);
    expect(a.appEnv).toEqual({ A: '1', B: 'x=y' });
    expect(describeEnv({})).toBe('defaults');
  });
});

describe('event-loop delay from /metrics', () => {
  const text = [
    '# HELP handoff_nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.',
    '# TYPE handoff_nodejs_eventloop_lag_p99_seconds gauge',
    'handoff_nodejs_eventloop_lag_p99_seconds 0.0125',
    'handoff_nodejs_eventloop_lag_max_seconds{pid="1"} 0.5',
    'handoff_nodejs_eventloop_lag_min_seconds 0.01',
  ].join('\n');

  it('reads p99 and max in ms beyond the 10 ms monitor resolution, whatever the prefix and labels', () => {
    expect(promValue(text, 'nodejs_eventloop_lag_min_seconds')).toBe(0.01);
    expect(eventLoopFromMetrics(text, 7)).toEqual({ time: 7, p99: 2.5, max: 490 });
  });

  it("reads the app's own monitor as it is (already beyond its resolution), before the older gauges", () => {
    const own = [
      '# TYPE handoff_event_loop_delay_seconds gauge',
      'handoff_event_loop_delay_seconds{stat="p99"} 0.004',
      'handoff_event_loop_delay_seconds{stat="max"} 0.061',
      'handoff_event_loop_delay_seconds{stat="mean"} 0.001',
    ].join('\n');
    expect(eventLoopFromMetrics(own, 3)).toEqual({ time: 3, p99: 4, max: 61 });
    expect(eventLoopFromMetrics(`${text}\n${own}`, 3)).toEqual({ time: 3, p99: 4, max: 61 });
  });

  it('finds nothing in a build without the metric', () => {
    expect(eventLoopFromMetrics('', 7)).toBeNull();
    expect(promValue(text, 'nodejs_eventloop_lag_p90_seconds')).toBeUndefined();
  });
});
