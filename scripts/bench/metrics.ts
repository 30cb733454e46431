/**
 * Event-loop delay from the app's `GET /metrics` (`handoff_event_loop_delay_seconds`, since the
 * previous scrape; older builds: prom-client's lag gauges, reset at every scrape): scraped each
 * second, each sample covers the second before it. Absent on builds without /metrics: then there are no samples.
 */
import type { EventLoopSample } from './appLog';

/** The value of the first sample of metric `name` (any prefix, any labels) in Prometheus text. */
export function promValue(text: string, name: string): number | undefined {
  const re = new RegExp(`^(?:[a-zA-Z_:][a-zA-Z0-9_:]*_)?${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The value of `name{stat="…"}` in Prometheus text (other labels allowed after it). */
function statValue(text: string, name: string, stat: string): number | undefined {
  const m = new RegExp(`^${name}\\{stat="${stat}"[^}]*\\}\\s+(\\S+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Builds before this one served prom-client's event-loop lag, which is the time between its
 * monitor's samples: an idle loop read about its resolution (10 ms), and the delay is what exceeds it.
 */
export const MONITOR_RESOLUTION_MS = 10;

/** p99 and max event-loop delay beyond the monitor's resolution, in ms, from one scrape. */
export function eventLoopFromMetrics(text: string, time: number): EventLoopSample | null {
  // The app's own monitor, already beyond its resolution.
  const own = (stat: string) => statValue(text, 'handoff_event_loop_delay_seconds', stat);
  if (own('max') !== undefined) {
    const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
    return { time, p99: ms(own('p99')), max: ms(own('max')) };
  }
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
