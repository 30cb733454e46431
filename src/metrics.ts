/**
 * What an operator scrapes at GET /metrics (Prometheus text format). One registry per app instance,
 * not prom-client's global one, so two apps in one process (tests, a rolling deploy in one test)
 * never share counters. A leaf module: the layers report into it, it imports nothing of ours.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The outbox as the scrape sees it (read from the database at scrape time). */
export interface Backlog {
  due: number;
  sending: number;
  oldestDueAt: number | null;
}

/**
 * A reason as a label: the fixed phrases and Slack error codes Handoff uses pass, anything else
 * (an exception's message) becomes `other`, so labels stay few.
 */
export function metricReason(reason: string | undefined): string {
  if (!reason) return '';
  return /^[a-z0-9_ :'-]{1,60}$/i.test(reason) ? reason : 'other';
}

export class Metrics {
  readonly registry = new Registry();

  /** Outbox rows that reached an outcome, by kind (digest, dm, …): sent, skipped (with why), failed (with the Slack error). */
  readonly deliveries = new Counter({
    name: 'handoff_deliveries_total',
    help: 'Outbox delivery attempts by kind (digest, dm, channel_post, channel_update), outcome (sent, skipped, failed, retry, not_claimed) and reason',
    labelNames: ['kind', 'outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly slackCalls = new Counter({
    name: 'handoff_slack_api_calls_total',
    help: 'Slack Web API calls by method and outcome (ok, rate_limited, server_error, network_error, or the Slack error code)',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly ackSeconds = new Histogram({
    name: 'handoff_ack_seconds',
    help: 'From the request reaching the listeners to its ack, by kind (Slack gives up after 3 s)',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });

  readonly tickSeconds = new Histogram({
    name: 'handoff_tick_seconds',
    help: 'Duration of a scheduler tick (the digest sweep and housekeeping)',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });

  readonly sweptDigests = new Counter({
    name: 'handoff_digests_planned_total',
    help: 'Digests the sweep planned: enqueued, skipped (past the catch-up window) or error (the schedule could not be planned)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deflections = new Counter({
    name: 'handoff_deflection_outcomes_total',
    help: 'Meeting-deflection prompts by outcome (shown, converted, dismissed, muted, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(backlog: () => Promise<Backlog>, now: () => number) {
    // Three gauges, one read: the backlog is read once per scrape (within a second), not three times.
    let cached: { at: number; value: Promise<Backlog> } | null = null;
    const read = () => {
      const t = now();
      if (!cached || t - cached.at > 1000 || t < cached.at) cached = { at: t, value: backlog() };
      return cached.value;
    };
    new Gauge({
      name: 'handoff_outbox_due',
      help: 'Outbox rows due now and not yet being sent',
      registers: [this.registry],
      async collect() {
        this.set((await read()).due);
      },
    });
    new Gauge({
      name: 'handoff_outbox_sending',
      help: 'Outbox rows claimed by a sender right now',
      registers: [this.registry],
      async collect() {
        this.set((await read()).sending);
      },
    });
    new Gauge({
      name: 'handoff_outbox_oldest_due_age_seconds',
      help: 'How long the oldest due outbox row has waited (0 when none is due)',
      registers: [this.registry],
      async collect() {
        const oldest = (await read()).oldestDueAt;
        this.set(oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000));
      },
    });
    // Process CPU, memory, handles and GC, prefixed so they sit beside ours. Not prom-client's
    // event-loop lag: it runs a monitor of its own (a wake-up every 10 ms, idle or not) beside the
    // app's, whose figures `watchLoopDelay` serves instead.
    for (const name of collectDefaultMetrics.metricsList) {
      if (name === 'eventLoopLag') continue;
      // prom-client's default collectors, one module each (what collectDefaultMetrics itself loads;
      // they have no typed export of their own, hence require).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const collector = require(`prom-client/lib/metrics/${name}`) as (registry: Registry, config: { prefix: string }) => void;
      collector(this.registry, { prefix: 'handoff_' });
    }
  }

  /** Event-loop delay since the previous scrape, from the app's one monitor (loopDelay.ts). */
  watchLoopDelay(read: () => { p99Ms: number; maxMs: number; meanMs: number } | null): void {
    new Gauge({
      name: 'handoff_event_loop_delay_seconds',
      help: 'How long callbacks waited for the event loop beyond its 20 ms sampling interval, since the previous scrape: p99 (of its worst second), max and mean',
      labelNames: ['stat'] as const,
      registers: [this.registry],
      collect() {
        const w = read();
        if (!w) return;
        this.set({ stat: 'p99' }, w.p99Ms / 1000);
        this.set({ stat: 'max' }, w.maxMs / 1000);
        this.set({ stat: 'mean' }, w.meanMs / 1000);
      },
    });
  }

  /** SQLite only: whether its checkpoints run in the worker thread, and how long its log is (db/walCheckpointer.ts). */
  watchCheckpoints(stats: () => { last: { logFrames: number } | null; running: boolean }): void {
    new Gauge({
      name: 'handoff_sqlite_background_checkpoints',
      help: '1 while a worker thread runs SQLite checkpoints; 0 once SQLite runs them inside commits again (the worker failed: see the log)',
      registers: [this.registry],
      collect() {
        this.set(stats().running ? 1 : 0);
      },
    });
    new Gauge({
      name: 'handoff_sqlite_wal_frames',
      help: 'Frames in SQLite’s write-ahead log at the last background checkpoint (it starts again once every frame is copied)',
      registers: [this.registry],
      collect() {
        this.set(stats().last?.logFrames ?? 0);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
