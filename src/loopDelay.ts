/**
 * Event-loop delay: how long ready callbacks (a Slack request, a timer) waited for the loop. Slack
 * gives up on an ack after 3 s, so a sweep or a build that holds the loop shows up here first.
 *
 * Sampled with perf_hooks.monitorEventLoopDelay in windows (default 30 s): each window's p50/p99/max
 * is kept for readers (`latest`, for a metrics endpoint) and logged — at info when notable, at debug
 * otherwise, so a quiet bot does not fill its logs.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from './logger';

export interface LoopDelayWindow {
  /** Milliseconds; what one callback waited. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Samples in the window (one per resolution interval the loop got round to). */
  samples: number;
  /** When the window ended (epoch ms). */
  at: number;
}

/** The part of IntervalHistogram read here (values in nanoseconds). */
export type DelayHistogram = Pick<IntervalHistogram, 'percentile' | 'max' | 'mean' | 'count' | 'reset'>;

export interface LoopDelayThresholds {
  /** A window whose p99 reaches this (ms) is logged at info. */
  p99Ms: number;
  /** A window whose max reaches this (ms) is logged at info. */
  maxMs: number;
}

/** Notable: a request arriving then could have waited long enough to be felt. */
export const DEFAULT_THRESHOLDS: LoopDelayThresholds = { p99Ms: 20, maxMs: 50 };

const NS_PER_MS = 1e6;
const round = (ms: number) => Math.round(ms * 100) / 100;

/** A histogram's window, in milliseconds (NaN-free when empty). */
export function summarize(h: DelayHistogram, at: number): LoopDelayWindow {
  const ms = (ns: number) => (Number.isFinite(ns) && h.count > 0 ? round(ns / NS_PER_MS) : 0);
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), samples: h.count, at };
}

export function isNotable(w: LoopDelayWindow, t: LoopDelayThresholds = DEFAULT_THRESHOLDS): boolean {
  return w.p99Ms >= t.p99Ms || w.maxMs >= t.maxMs;
}

export interface LoopDelayOptions {
  windowMs?: number;
  /** Sampling resolution (ms); the smallest delay that can be seen. */
  resolutionMs?: number;
  thresholds?: LoopDelayThresholds;
}

export class LoopDelayMonitor {
  private histogram: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;
  private last: LoopDelayWindow | null = null;
  /** The worst window since start, for a bench or an operator's "since boot". */
  private worst: LoopDelayWindow | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly opts: LoopDelayOptions = {},
  ) {}

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.opts.resolutionMs ?? 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.closeWindow(), this.opts.windowMs ?? 30_000);
    this.timer.unref(); // measuring never keeps the process alive
  }

  /** Ends the current window now: summarizes, logs, resets. Returns it (null when not started). */
  closeWindow(): LoopDelayWindow | null {
    if (!this.histogram) return null;
    const w = summarize(this.histogram, Date.now());
    this.histogram.reset();
    this.last = w;
    if (!this.worst || w.maxMs > this.worst.maxMs) this.worst = w;
    const notable = isNotable(w, this.opts.thresholds ?? DEFAULT_THRESHOLDS);
    this.logger[notable ? 'info' : 'debug']({ loopDelay: w }, notable ? 'event loop was held up' : 'event loop delay');
    return w;
  }

  /** Samples taken so far in the open window (0 when not started). */
  openWindowSamples(): number {
    return this.histogram?.count ?? 0;
  }

  /** The last completed window, or null before the first one ends. */
  latest(): LoopDelayWindow | null {
    return this.last;
  }

  /** The window with the highest max since start. */
  worstSinceStart(): LoopDelayWindow | null {
    return this.worst;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.histogram?.disable();
    this.histogram = null;
  }
}
