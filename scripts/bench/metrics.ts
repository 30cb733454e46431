/**
 * Event-loop delay from the app's `GET /metrics` (prom-client's default metrics, which read
 * `perf_hooks.monitorEventLoopDelay` and reset it at every scrape: scraped each second, each sample
 * covers the second before it). Absent on builds without /metrics: then there are no samples.
 */
import type { EventLoopSample } from './appLog';

/** The value of the first sample of metric `name` (any prefix, any labels) in Prometheus text. */
export function promValue(text: string, name: string): number | undefined {
  const re = new RegExp(`^(?:[a-zA-Z_:][a-zA-Z0-9_:]*_)?${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * monitorEventLoopDelay records the time between its timer's runs, so an idle loop reads about its
 * resolution (prom-client's default, 10 ms): the delay is what exceeds it.
 */
export const MONITOR_RESOLUTION_MS = 10;

/** p99 and max event-loop delay beyond the monitor's resolution, in ms, from one scrape. */
export function eventLoopFromMetrics(text: string, time: number): EventLoopSample | null {
  const p99 = promValue(text, 'nodejs_eventloop_lag_p99_seconds');
  const max = promValue(text, 'nodejs_eventloop_lag_max_seconds');
  if (p99 === undefined && max === undefined) return null;
  const delay = (s: number | undefined) => (s === undefined ? undefined : Math.max(0, s * 1000 - MONITOR_RESOLUTION_MS));
  return { time, p99: delay(p99), max: delay(max) };
}

/** Scrapes `url` once a second until stopped; failed or missing scrapes add nothing. */
export function scrapeEventLoop(url: string): { samples: EventLoopSample[]; stop: () => void } {
  const samples: EventLoopSample[] = [];
  const timer = setInterval(() => {
    fetch(url, { signal: AbortSignal.timeout(10_000) })
      .then(async (res) => (res.ok ? res.text() : ''))
      .then((text) => {
        const sample = eventLoopFromMetrics(text, Date.now());
        if (sample) samples.push(sample);
      })
      .catch(() => undefined);
  }, 1000);
  return { samples, stop: () => clearInterval(timer) };
}
